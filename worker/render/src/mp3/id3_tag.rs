//! The MP3 lease file's ID3v2 tag.
//!
//! Written as ID3v2.3, not 2.4: Windows Explorer, Serato, older car stereos and most DJ
//! software read 2.3 reliably, and 2.3 carries every frame needed here (text in UTF-16
//! when it is not Latin-1, so names like "Beyoncé" or "坂本" survive).

use id3::frame::Comment;
use id3::{Tag, TagLike, Version};

use crate::error::RenderError;
use crate::meta::BeatMeta;

/// TIT2, TPE1, TBPM, TKEY, TCON, TSRC (when an ISRC is set), COMM (the license note), TYER
/// (when a year is set) and TCOM (the writers), serialised.
pub(crate) fn lease_tag(meta: &BeatMeta) -> Result<Vec<u8>, RenderError> {
    let mut tag = Tag::new();
    tag.set_title(meta.title.trim());
    tag.set_artist(meta.producer.trim());
    if meta.bpm > 0 {
        tag.set_text("TBPM", meta.bpm.to_string());
    }
    if !meta.key.trim().is_empty() {
        tag.set_text("TKEY", id3_key(&meta.key));
    }
    if !meta.genre.trim().is_empty() {
        tag.set_genre(meta.genre.trim());
    }
    if let Some(isrc) = meta.isrc_code()? {
        tag.set_text("TSRC", isrc);
    }
    if let Some(year) = meta.year {
        tag.set_year(i32::from(year));
    }
    let writers = meta.writer_names();
    if !writers.is_empty() {
        // ID3v2.3 separates several names in one text frame with "/".
        tag.set_text("TCOM", writers.join("/"));
    }
    if !meta.license_note.trim().is_empty() {
        tag.add_frame(Comment {
            lang: "eng".into(),
            description: String::new(),
            text: meta.license_note.trim().to_string(),
        });
    }
    let mut bytes = Vec::new();
    tag.write_to(&mut bytes, Version::Id3v23)
        .map_err(|e| RenderError::Encoder(format!("ID3 tag: {e}")))?;
    Ok(bytes)
}

/// The key in ID3's TKEY notation: "A", "F#", "Bb", minor with a trailing "m" ("A min" →
/// "Am", "C# minor" → "C#m"). A key this cannot read is written as given.
pub(crate) fn id3_key(key: &str) -> String {
    let key = key.trim();
    let mut chars = key.chars();
    let Some(root) = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| ('A'..='G').contains(c))
    else {
        return key.to_string();
    };
    let rest = chars.as_str();
    let (accidental, rest) = match rest.chars().next() {
        Some('#' | '♯') => ("#", &rest[rest.chars().next().map_or(0, char::len_utf8)..]),
        Some('b' | '♭') => ("b", &rest[rest.chars().next().map_or(0, char::len_utf8)..]),
        _ => ("", rest),
    };
    let mode = rest.trim().to_ascii_lowercase();
    let minor = match mode.as_str() {
        "" | "maj" | "major" | "dur" => false,
        "m" | "min" | "minor" | "moll" => true,
        _ => return key.to_string(),
    };
    format!("{root}{accidental}{}", if minor { "m" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::id3_key;

    #[test]
    fn keys_use_id3_notation() {
        for (given, tkey) in [
            ("A min", "Am"),
            ("A minor", "Am"),
            ("F# maj", "F#"),
            ("Bb min", "Bbm"),
            ("C", "C"),
            ("c# m", "C#m"),
            ("E♭ minor", "Ebm"),
            ("Bbmaj", "Bb"),
            ("8A", "8A"),
        ] {
            assert_eq!(id3_key(given), tkey, "{given}");
        }
    }
}
