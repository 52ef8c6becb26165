//! How listeners hear a beat before they buy it: the preview renderer's settings.

use serde::{Deserialize, Serialize};

/// The MPEG-1 Layer III bitrates the store encodes.
pub const MP3_BITRATES_KBPS: [u32; 9] = [64, 96, 112, 128, 160, 192, 224, 256, 320];

/// The preview's settings. Core's configuration embeds this type as its `[preview]` table;
/// every field may be left out (`#[serde(default)]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreviewSettings {
    pub bitrate_kbps: u32,
    /// Cut the preview to this length (the fade applies to the cut end); `None` plays the
    /// whole beat.
    pub max_seconds: Option<f64>,
    /// Where the first tag starts; at most `tag_interval_seconds`, so no stretch before it
    /// goes untagged for longer than the interval.
    pub tag_offset_seconds: f64,
    pub tag_interval_seconds: f64,
    /// The voice tag's gain relative to its own level.
    pub tag_gain_db: f64,
    pub fade_out_seconds: f64,
    /// LAME's `-q`, 0 (slowest, best) to 9 (fastest). The default, 5, was LAME's own default
    /// before 3.98; at 128 kbps it costs about three quarters of `-q 3`'s time, which keeps
    /// a whole beat's render within two cores' budget (README, benchmark).
    pub encoder_quality: u8,
}

impl Default for PreviewSettings {
    fn default() -> Self {
        PreviewSettings {
            bitrate_kbps: 128,
            max_seconds: None,
            tag_offset_seconds: 0.0,
            tag_interval_seconds: 20.0,
            tag_gain_db: -3.0,
            fade_out_seconds: 3.0,
            encoder_quality: 5,
        }
    }
}

/// A setting that cannot work; the message names it and says why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl PreviewSettings {
    /// Refuses settings no preview can be rendered with (the renderer checks them before it
    /// creates a file; configuration can check them at start-up).
    pub fn validate(&self) -> Result<(), SettingsError> {
        let bad = |s: String| Err(SettingsError(s));
        if !MP3_BITRATES_KBPS.contains(&self.bitrate_kbps) {
            return bad(format!(
                "{} kbps is not an MPEG-1 Layer III bitrate this store encodes (64–320)",
                self.bitrate_kbps
            ));
        }
        if self.encoder_quality > 9 {
            return bad(format!(
                "LAME quality {} is not 0 (best) to 9 (fastest)",
                self.encoder_quality
            ));
        }
        if let Some(max) = self.max_seconds
            && !(max.is_finite() && max > 0.0)
        {
            return bad(format!(
                "the preview's maximum length must be positive, not {max} s"
            ));
        }
        if !(self.tag_interval_seconds.is_finite() && self.tag_interval_seconds >= 1.0) {
            return bad(format!(
                "the tag interval must be at least 1 s, not {} s",
                self.tag_interval_seconds
            ));
        }
        if !(self.tag_offset_seconds.is_finite() && self.tag_offset_seconds >= 0.0) {
            return bad(format!(
                "the tag offset must be 0 s or more, not {} s",
                self.tag_offset_seconds
            ));
        }
        if self.tag_offset_seconds > self.tag_interval_seconds {
            return bad(format!(
                "the first tag at {} s would leave the start untagged for longer than the {} s interval",
                self.tag_offset_seconds, self.tag_interval_seconds
            ));
        }
        if !(self.tag_gain_db.is_finite() && self.tag_gain_db <= 24.0) {
            return bad(format!(
                "a tag gain of {} dB is not usable",
                self.tag_gain_db
            ));
        }
        if !(self.fade_out_seconds.is_finite() && self.fade_out_seconds >= 0.0) {
            return bad(format!(
                "the fade-out must be 0 s or more, not {} s",
                self.fade_out_seconds
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_take_the_defaults() {
        let s: PreviewSettings =
            serde_json::from_str(r#"{ "tag_interval_seconds": 30.0, "max_seconds": 60.0 }"#)
                .expect("parses");
        assert_eq!(
            s,
            PreviewSettings {
                tag_interval_seconds: 30.0,
                max_seconds: Some(60.0),
                ..PreviewSettings::default()
            }
        );
        assert!(s.validate().is_ok());
        let limits: crate::settings::CheckLimits =
            serde_json::from_str(r#"{ "max_entries": 5000 }"#).expect("parses");
        assert_eq!(limits.max_entries, 5000);
        assert_eq!(limits.max_inflated_bytes, 8 << 30);
    }

    #[test]
    fn impossible_settings_are_refused() {
        for s in [
            PreviewSettings {
                bitrate_kbps: 100,
                ..PreviewSettings::default()
            },
            PreviewSettings {
                encoder_quality: 10,
                ..PreviewSettings::default()
            },
            PreviewSettings {
                tag_offset_seconds: 30.0,
                ..PreviewSettings::default()
            },
            PreviewSettings {
                max_seconds: Some(0.0),
                ..PreviewSettings::default()
            },
        ] {
            assert!(s.validate().is_err(), "{s:?}");
        }
    }
}
