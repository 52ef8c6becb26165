//! What a beat says about itself, as the deliverables carry it: ID3 frames, RIFF INFO and
//! `bext`, the bundle's folder name, cue sheet and manifest.

use serde::{Deserialize, Serialize};

use crate::error::RenderError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeatMeta {
    pub title: String,
    pub producer: String,
    /// 0 while the listing has none yet (left out of the tags).
    pub bpm: u16,
    /// As producers write it: "A min", "F# maj".
    pub key: String,
    pub genre: String,
    /// 12 characters (CC-XXX-YY-NNNNN); hyphens and spaces are accepted and dropped.
    pub isrc: Option<String>,
    pub year: Option<u16>,
    /// The comment every lease file carries, e.g. "Licensed via Trackout — see license.pdf".
    pub license_note: String,
    pub writers: Vec<Writer>,
}

/// A songwriter or producer credit, with a split when the producer gave one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Writer {
    pub name: String,
    /// "producer", "co-producer", "composer"…
    pub role: Option<String>,
    pub split_percent: Option<f32>,
}

impl BeatMeta {
    /// The ISRC as the 12 characters registries and tag readers expect, or `None`.
    pub(crate) fn isrc_code(&self) -> Result<Option<String>, RenderError> {
        let Some(raw) = self.isrc.as_deref() else {
            return Ok(None);
        };
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.is_empty() {
            return Ok(None);
        }
        let b = code.as_bytes();
        let valid = b.len() == 12
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2..5].iter().all(u8::is_ascii_alphanumeric)
            && b[5..].iter().all(u8::is_ascii_digit);
        if !valid {
            return Err(RenderError::Invalid(format!(
                "'{raw}' is not an ISRC: it needs 12 characters, CC-XXX-YY-NNNNN"
            )));
        }
        Ok(Some(code))
    }

    /// Checked once at the top of every render, so a bad value never reaches a half-written
    /// file.
    pub(crate) fn validate(&self) -> Result<(), RenderError> {
        if self.title.trim().is_empty() || self.producer.trim().is_empty() {
            return Err(RenderError::Invalid(
                "a beat needs a title and a producer".into(),
            ));
        }
        for w in &self.writers {
            if let Some(split) = w.split_percent
                && !(split.is_finite() && (0.0..=100.0).contains(&split))
            {
                return Err(RenderError::Invalid(format!(
                    "{}'s split is {split}%; a split is between 0 and 100",
                    w.name
                )));
            }
        }
        self.isrc_code().map(drop)
    }

    /// The writers' names, trimmed, empty ones left out: what ID3 TCOM and INFO IWRI list.
    pub(crate) fn writer_names(&self) -> Vec<&str> {
        self.writers
            .iter()
            .map(|w| w.name.trim())
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// "140 BPM, A min", or just the one that is set.
    pub(crate) fn tempo_and_key(&self) -> String {
        let bpm = (self.bpm > 0).then(|| format!("{} BPM", self.bpm));
        let key = Some(self.key.trim())
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        bpm.into_iter().chain(key).collect::<Vec<_>>().join(", ")
    }
}
