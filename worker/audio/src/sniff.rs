//! What a file is, from its first bytes. The check names what a file posing as a WAV really
//! is, the upload refuses the wrong file at once, and the renderer picks its decoder: all from
//! this one table.

/// Bytes [`sniff`] looks at; fewer are fine (a short head is judged on what it has).
pub const SNIFF_BYTES: usize = 12;

/// A file's kind by its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// `RIFF` … `WAVE`: a WAV (whether its chunks are sound is the parser's to say).
    Wav,
    /// `RF64` or `BW64`: a WAV over 4 GB, which DAWs do not all import.
    Rf64,
    /// `RIFX`: a big-endian RIFF file.
    Rifx,
    /// `RIFF` with another form (`AVI `, `WEBP`…), or a RIFF header cut short.
    OtherRiff,
    /// An ID3 tag or an MPEG audio frame sync.
    Mp3,
    /// `FORM` … `AIFF`/`AIFC`.
    Aiff,
    Flac,
    /// `OggS`: Vorbis, Opus, or FLAC in Ogg.
    Ogg,
    /// An ISO media file (`ftyp`): M4A, AAC, ALAC.
    Mp4,
    /// `caff`: Apple Core Audio.
    Caf,
    /// A zip archive (a local header, or the end record of an empty zip).
    Zip,
    /// Printable text (a readme, an HTML error page saved as `.wav`).
    Text,
    Empty,
    Unknown,
}

/// Judges the first bytes of a file (ideally [`SNIFF_BYTES`] of them).
pub fn sniff(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let form = |kinds: &[&[u8; 4]]| head.len() >= 12 && kinds.iter().any(|k| &head[8..12] == *k);
    if head.is_empty() {
        Sniffed::Empty
    } else if starts(b"RIFF") {
        if form(&[b"WAVE"]) {
            Sniffed::Wav
        } else {
            Sniffed::OtherRiff
        }
    } else if starts(b"RF64") || starts(b"BW64") {
        Sniffed::Rf64
    } else if starts(b"RIFX") {
        Sniffed::Rifx
    } else if starts(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        Sniffed::Mp3
    } else if starts(b"FORM") && form(&[b"AIFF", b"AIFC"]) {
        Sniffed::Aiff
    } else if starts(b"fLaC") {
        Sniffed::Flac
    } else if starts(b"OggS") {
        Sniffed::Ogg
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Sniffed::Mp4
    } else if starts(b"caff") {
        Sniffed::Caf
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Sniffed::Zip
    } else if head
        .iter()
        .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80)
    {
        Sniffed::Text
    } else {
        Sniffed::Unknown
    }
}

impl Sniffed {
    /// The kind in words, as a sentence's object: "an MP3 file".
    pub fn described(self) -> &'static str {
        match self {
            Sniffed::Wav => "a WAV file",
            Sniffed::Rf64 => "an RF64/BW64 file (a WAV over 4 GB)",
            Sniffed::Rifx => "a big-endian RIFX file",
            Sniffed::OtherRiff => "a RIFF file that is not a WAV",
            Sniffed::Mp3 => "an MP3 file",
            Sniffed::Aiff => "an AIFF file",
            Sniffed::Flac => "a FLAC file",
            Sniffed::Ogg => "an Ogg (Vorbis/Opus) file",
            Sniffed::Mp4 => "an MP4/M4A file",
            Sniffed::Caf => "a Core Audio (CAF) file",
            Sniffed::Zip => "a zip archive",
            Sniffed::Text => "a text file",
            Sniffed::Empty => "an empty file",
            Sniffed::Unknown => "a file of unknown kind",
        }
    }

    /// Why a file that is not RIFF/WAVE cannot be read as one, for a `not_wav` message.
    pub fn why_not_wav(self) -> String {
        match self {
            Sniffed::Empty => "the file is empty".into(),
            Sniffed::Rf64 => "it is an RF64/BW64 file (a WAV over 4 GB), which DAWs do not all \
                              import; export a standard WAV"
                .into(),
            Sniffed::Unknown | Sniffed::Wav | Sniffed::OtherRiff => {
                "it does not start with a RIFF/WAVE header".into()
            }
            other => format!("it is {}", other.described()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_name_the_format() {
        let cases: [(&[u8], Sniffed); 16] = [
            (b"RIFF\x24\0\0\0WAVEfmt ", Sniffed::Wav),
            (b"RIFF\x24\0\0\0AVI LIST", Sniffed::OtherRiff),
            (b"RIFF\x24\0", Sniffed::OtherRiff),
            (b"RF64\xff\xff\xff\xffWAVE", Sniffed::Rf64),
            (b"BW64\xff\xff\xff\xffWAVE", Sniffed::Rf64),
            (b"ID3\x04\0\0\0\0\0\0", Sniffed::Mp3),
            (b"\xFF\xFB\x90\x64", Sniffed::Mp3),
            (b"FORM\0\0\0\0AIFF", Sniffed::Aiff),
            (b"fLaC\0\0\0\x22", Sniffed::Flac),
            (b"OggS\0\x02", Sniffed::Ogg),
            (b"\0\0\0\x20ftypM4A ", Sniffed::Mp4),
            (b"caff\0\x01", Sniffed::Caf),
            (b"PK\x03\x04\x14\0", Sniffed::Zip),
            (b"PK\x05\x06\0\0", Sniffed::Zip),
            (b"hello, world", Sniffed::Text),
            (b"", Sniffed::Empty),
        ];
        for (head, kind) in cases {
            assert_eq!(sniff(head), kind, "{head:?}");
        }
        assert_eq!(sniff(b"\x00\x01\x02\x03"), Sniffed::Unknown);
        // A lone 0xFF is not a frame sync.
        assert_eq!(sniff(b"\xFF\x00"), Sniffed::Unknown);
    }

    #[test]
    fn not_wav_reasons_say_what_the_file_is() {
        assert_eq!(sniff(b"ID3\x04").why_not_wav(), "it is an MP3 file");
        assert_eq!(sniff(b"").why_not_wav(), "the file is empty");
        assert!(sniff(b"RF64").why_not_wav().contains("RF64/BW64"));
        assert_eq!(
            sniff(b"\x00\x01").why_not_wav(),
            "it does not start with a RIFF/WAVE header"
        );
    }
}
