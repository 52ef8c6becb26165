//! Naming what a file posing as a WAV really is, so the message can say what to fix.

/// Describes a file that does not start with RIFF/WAVE from its first bytes.
pub(crate) fn describe(head: &[u8]) -> String {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let what = if head.is_empty() {
        return "the file is empty".into();
    } else if starts(b"RF64") || starts(b"BW64") {
        return "it is an RF64/BW64 file (a WAV over 4 GB), which DAWs do not all import; \
                export a standard WAV"
            .into();
    } else if starts(b"RIFX") {
        "a big-endian RIFX file"
    } else if starts(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        "an MP3 file"
    } else if starts(b"FORM")
        && head.len() >= 12
        && (&head[8..12] == b"AIFF" || &head[8..12] == b"AIFC")
    {
        "an AIFF file"
    } else if starts(b"fLaC") {
        "a FLAC file"
    } else if starts(b"OggS") {
        "an Ogg (Vorbis/Opus) file"
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        "an MP4/M4A file"
    } else if starts(b"caff") {
        "a Core Audio (CAF) file"
    } else if starts(b"PK\x03\x04") {
        "a zip archive"
    } else if looks_like_text(head) {
        "a text file"
    } else {
        return "it does not start with a RIFF/WAVE header".into();
    };
    format!("it is {what}")
}

fn looks_like_text(head: &[u8]) -> bool {
    head.iter()
        .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80)
}
