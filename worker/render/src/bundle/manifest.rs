//! `manifest.json`: every file in the bundle with its size and SHA-256, and for each stem
//! what an engineer checks before importing (rate, depth, channels, length, peak, loudness).
//! Always the bundle's last entry; a personalization rewrites it with the license files
//! added and the buyer named.

use serde::{Deserialize, Serialize};

use crate::meta::BeatMeta;

pub(crate) const FORMAT: &str = "trackout-bundle/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: String,
    pub folder: String,
    pub beat: ManifestBeat,
    /// Set by a personalization: who the bundle was licensed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensed_to: Option<String>,
    /// Set by a personalization of a beat with collaborators: each party's role and shares
    /// as frozen on that purchase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<super::SplitParty>,
    pub files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestBeat {
    pub title: String,
    pub producer: String,
    pub bpm: u16,
    pub key: String,
    pub genre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
}

impl ManifestBeat {
    pub fn new(meta: &BeatMeta, isrc: Option<String>) -> Self {
        ManifestBeat {
            title: meta.title.trim().to_string(),
            producer: meta.producer.trim().to_string(),
            bpm: meta.bpm,
            key: meta.key.trim().to_string(),
            genre: meta.genre.trim().to_string(),
            isrc,
        }
    }
}

/// One file. The audio fields are present for stems only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestFile {
    /// Path inside the zip, top folder included.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub stem: Option<ManifestStem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestStem {
    pub role: String,
    /// The file's path in the uploaded trackout.
    pub source: String,
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub sample_format: String,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    /// Sample peak; `null` for digital silence.
    pub peak_dbfs: Option<f64>,
    pub rms_dbfs: Option<f64>,
    /// ITU-R BS.1770 integrated loudness; `null` when the stem is (nearly) silent.
    pub loudness_lufs: Option<f64>,
}

impl Manifest {
    /// Pretty-printed with a final newline: people read it too.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// Rounded to hundredths: enough for a level, and stable to read.
pub(crate) fn hundredths(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
        .map(|v| (v * 100.0).round() / 100.0)
}
