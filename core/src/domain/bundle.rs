//! What a rendered trackout bundle holds, as the worker stores it (the bundle deliverable's
//! `details`) and the downloads and the library read it back. One type on both sides: a
//! renamed field breaks the build, not every stem download.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The base bundle's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleContents {
    /// The bundle's top folder: "Producer - Title (140 BPM, A min) - Trackout".
    pub folder: String,
    /// The whole zip's size.
    pub bytes: u64,
    /// Where `manifest.json`'s local header starts: what every personalization keeps.
    pub manifest_offset: u64,
    pub stems: Vec<BundleStem>,
    /// Files of the upload that are not stems (a master, artwork, paperwork).
    pub skipped: Vec<String>,
}

/// One stem of the bundle: a stored zip entry, so its bytes are one range of the bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleStem {
    /// Path inside the zip, top folder included.
    pub path: String,
    /// Path inside the uploaded trackout.
    pub source: String,
    /// Guessed from the name: kick, bass, snare, hats, percussion, melody, vocals, fx, other.
    pub role: String,
    /// Where the stem's bytes start in the bundle.
    pub data_offset: u64,
    /// The tagged WAV's size: the range is `data_offset .. data_offset + bytes`.
    pub bytes: u64,
    pub sha256: String,
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    /// `None` for digital silence.
    pub peak_dbfs: Option<f64>,
    /// BS.1770 integrated loudness; `None` when (nearly) silent.
    pub loudness_lufs: Option<f64>,
}

impl BundleStem {
    /// The file name the stem is known by in links (`stem:<name>`) and saved under: the
    /// last part of its path in the bundle.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

impl BundleContents {
    /// Reads the stored `details` of a rendered bundle. A rendered bundle always has them; a
    /// missing or unreadable shape is corrupt data (an internal error naming what is wrong),
    /// never "not ready" and never a default.
    pub fn from_details(details: Option<&serde_json::Value>) -> Result<BundleContents> {
        let details = details.ok_or_else(|| {
            Error::Corrupt("the rendered trackout bundle has no stored contents".into())
        })?;
        BundleContents::deserialize(details).map_err(|e| {
            Error::Corrupt(format!(
                "the rendered trackout bundle's stored contents: {e}"
            ))
        })
    }

    /// What the worker stores as the deliverable's `details`.
    pub fn to_details(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(|e| {
            Error::Internal(format!(
                "the trackout bundle's contents cannot be stored: {e}"
            ))
        })
    }

    /// The stem known as `file_name` in links.
    pub fn stem(&self, file_name: &str) -> Option<&BundleStem> {
        self.stems.iter().find(|s| s.file_name() == file_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents() -> BundleContents {
        BundleContents {
            folder: "Kato - Night Drive (140 BPM, A min) - Trackout".into(),
            bytes: 1_000,
            manifest_offset: 900,
            stems: vec![BundleStem {
                path: "Kato - Night Drive (140 BPM, A min) - Trackout/Kick.wav".into(),
                source: "Drums/Kick.wav".into(),
                role: "kick".into(),
                data_offset: 120,
                bytes: 700,
                sha256: "ab".repeat(32),
                sample_rate: 44_100,
                bit_depth: 24,
                channels: 2,
                frames: 88_200,
                duration_seconds: 2.0,
                peak_dbfs: Some(-1.5),
                loudness_lufs: None,
            }],
            skipped: vec!["Master.wav".into()],
        }
    }

    #[test]
    fn stored_contents_round_trip_and_find_stems_by_file_name() {
        let stored = contents().to_details().unwrap();
        let back = BundleContents::from_details(Some(&stored)).unwrap();
        assert_eq!(back, contents());
        assert_eq!(back.stem("Kick.wav").map(|s| s.data_offset), Some(120));
        assert!(back.stem("Snare.wav").is_none());
    }

    #[test]
    fn a_missing_or_renamed_field_is_corrupt_data() {
        let mut stored = contents().to_details().unwrap();
        let stem = &mut stored["stems"][0];
        let offset = stem["data_offset"].take();
        stem.as_object_mut().unwrap().remove("data_offset");
        stem["start"] = offset;
        let err = BundleContents::from_details(Some(&stored)).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt(m) if m.contains("data_offset")),
            "{err:?}"
        );
        assert!(matches!(
            BundleContents::from_details(None),
            Err(Error::Corrupt(_))
        ));
    }
}
