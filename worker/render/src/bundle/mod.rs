//! The trackout bundle: one deterministic zip per beat, and per purchase a tail that turns
//! it into that buyer's bundle without touching the stems.
//!
//! Layout: a single top folder `Producer - Title (140 BPM, A min) - Trackout/` holding the
//! tagged stems, `README.txt` and `cue_sheet.csv`, all stored and sorted by name, then
//! `manifest.json` as the last entry. Every timestamp is 1980-01-01 00:00, so the same
//! inputs give the same bytes. Because the manifest comes last, a personalization keeps
//! everything before its local header and appends the license files, a new manifest and a
//! new central directory.

mod archive;
mod build;
mod hashing;
mod manifest;
mod personalize;
mod sources;
mod stems;
mod texts;

use serde::Serialize;

pub use build::build_bundle;
pub use personalize::{personalize_bundle, personalize_bundle_with_splits};

/// A file added to the bundle by a personalization (`license.pdf`, `license.txt`): a plain
/// name, placed in the top folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One party to a purchase as frozen at checkout, for the buyer's manifest and cue sheet.
/// The shares come formatted ("33.33"): the store keeps them as exact basis points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SplitParty {
    pub name: String,
    pub role: String,
    pub profit_percent: String,
    pub publishing_percent: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundleReport {
    /// The top folder's name.
    pub folder: String,
    pub bytes: u64,
    /// Where `manifest.json`'s local header starts: what every personalization keeps.
    pub manifest_offset: u64,
    pub stems: Vec<BundledStem>,
    /// Files in the trackout that are not stems (a master, artwork, a project file).
    pub skipped: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundledStem {
    /// Path inside the zip.
    pub path: String,
    /// Where the stem's bytes start in the bundle (its entry is stored, so the next `bytes`
    /// bytes are the tagged WAV): a stem downloads on its own as this byte range.
    pub data_offset: u64,
    /// Path inside the uploaded trackout.
    pub source: String,
    pub role: String,
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    pub bytes: u64,
    pub sha256: String,
    pub peak_dbfs: Option<f64>,
    pub loudness_lufs: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PersonalizedTail {
    /// The personalized zip is the base's first `keep_prefix_bytes` bytes, then the tail.
    pub keep_prefix_bytes: u64,
    pub tail_bytes: u64,
    pub total_bytes: u64,
}
