//! The RIFF `LIST`/`INFO` chunk: what Windows Explorer, TagLib-based players and BWF MetaEdit
//! show for a WAV.

use super::Tagging;
use super::text::plain_punctuation;
use crate::error::RenderError;

/// The `LIST` payload: "INFO" then one NUL-terminated UTF-8 string per item, each padded to
/// an even length. UTF-8 because TagLib and ffmpeg read and write it; typographic
/// punctuation is made ASCII so the usual text also reads right in Latin-1 readers.
pub(crate) fn info_payload(t: &Tagging<'_>) -> Result<Vec<u8>, RenderError> {
    let meta = t.meta;
    let mut items: Vec<(&[u8; 4], String)> = vec![
        (b"INAM", meta.title.trim().to_string()),
        (b"IART", meta.producer.trim().to_string()),
        (b"IGNR", meta.genre.trim().to_string()),
        (b"ICMT", comment(t)),
    ];
    if let Some(year) = meta.year {
        items.push((b"ICRD", year.to_string()));
    }
    if let Some(isrc) = meta.isrc_code()? {
        items.push((b"ISRC", isrc));
    }
    if let Some(role) = t.role {
        items.push((b"ISBJ", format!("{role} stem")));
    }
    let writers = meta.writer_names();
    if !writers.is_empty() {
        items.push((b"IWRI", writers.join(", ")));
    }
    items.push((b"ISFT", "Trackout".to_string()));

    let mut out = b"INFO".to_vec();
    for (id, text) in items.into_iter().filter(|(_, s)| !s.is_empty()) {
        let text: String = plain_punctuation(&text)
            .chars()
            .filter(|c| *c != '\0')
            .collect();
        let len = text.len() + 1;
        out.extend_from_slice(id);
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        out.push(0);
        if len % 2 == 1 {
            out.push(0);
        }
    }
    Ok(out)
}

/// "Stem: kick. 140 BPM, A min. Licensed via Trackout — see license.pdf"
fn comment(t: &Tagging<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(role) = t.role {
        parts.push(format!("Stem: {role}."));
    }
    parts.push(format!("{}.", t.meta.tempo_and_key()));
    if !t.meta.license_note.trim().is_empty() {
        parts.push(t.meta.license_note.trim().to_string());
    }
    parts.join(" ")
}
