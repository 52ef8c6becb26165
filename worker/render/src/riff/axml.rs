//! The ISRC in an `axml` chunk, as EBU Tech 3352 specifies: an EBUCore identifier whose
//! format is "ISRC", with the code in `dc:identifier` prefixed "ISRC:". This is the form the
//! EBU and the Music Producers Guild agreed for carrying an ISRC in a Broadcast WAV, and what
//! Sequoia, Pyramix and SADiE write and read.

/// The XML, or `None` without an ISRC. The code is 12 validated alphanumerics: no escaping.
pub(crate) fn axml_payload(isrc: Option<&str>) -> Option<Vec<u8>> {
    let isrc = isrc?;
    let xml = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<ebucore:ebuCoreMain xmlns:dc=\"http://purl.org/dc/elements/1.1/\" ",
            "xmlns:ebucore=\"urn:ebu:metadata-schema:ebuCore_2012\">\n",
            "  <ebucore:coreMetadata>\n",
            "    <ebucore:identifier typeLabel=\"GUID\" typeDefinition=\"Globally Unique Identifier\" ",
            "formatLabel=\"ISRC\" formatDefinition=\"International Standard Recording Code\" ",
            "formatLink=\"http://www.ebu.ch/metadata/cs/ebu_IdentifierTypeCodeCS.xml#3.7\">\n",
            "      <dc:identifier>ISRC:{}</dc:identifier>\n",
            "    </ebucore:identifier>\n",
            "  </ebucore:coreMetadata>\n",
            "</ebucore:ebuCoreMain>\n",
        ),
        isrc
    );
    let mut bytes = xml.into_bytes();
    // Even-sized, for readers that skip chunks without RIFF's pad byte.
    if bytes.len() % 2 == 1 {
        bytes.push(b'\n');
    }
    Some(bytes)
}
