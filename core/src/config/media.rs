//! Settings of the media pipeline: the trackout check's limits and how previews sound.

use serde::Deserialize;

use super::{ConfigError, Env, GIB};

/// Limits of the trackout check (see the media crate).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CheckConfig {
    pub max_inflated_bytes: u64,
    pub max_entries: u64,
    pub max_stem_seconds: u64,
    pub true_peak_ceiling_dbtp: f64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            max_inflated_bytes: 8 * GIB,
            max_entries: 1000,
            max_stem_seconds: 20 * 60,
            true_peak_ceiling_dbtp: -1.0,
        }
    }
}

impl CheckConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse(
            "TRACKOUT_CHECK_MAX_INFLATED_BYTES",
            &mut self.max_inflated_bytes,
        )?;
        env.parse("TRACKOUT_CHECK_MAX_ENTRIES", &mut self.max_entries)?;
        env.parse(
            "TRACKOUT_CHECK_MAX_STEM_SECONDS",
            &mut self.max_stem_seconds,
        )?;
        env.parse(
            "TRACKOUT_CHECK_TRUE_PEAK_CEILING",
            &mut self.true_peak_ceiling_dbtp,
        )?;
        Ok(())
    }
}

/// How listeners hear a beat before they buy it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct PreviewConfig {
    pub bitrate_kbps: u32,
    /// Cut the preview to this length; `None` plays the whole beat.
    pub max_seconds: Option<f64>,
    pub tag_offset_seconds: f64,
    pub tag_interval_seconds: f64,
    /// The voice tag's gain relative to its own level.
    pub tag_gain_db: f64,
    pub fade_out_seconds: f64,
}

impl Default for PreviewConfig {
    fn default() -> Self {
        PreviewConfig {
            bitrate_kbps: 128,
            max_seconds: None,
            tag_offset_seconds: 0.0,
            tag_interval_seconds: 20.0,
            tag_gain_db: -3.0,
            fade_out_seconds: 3.0,
        }
    }
}

impl PreviewConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_PREVIEW_BITRATE_KBPS", &mut self.bitrate_kbps)?;
        // 0 (or unset) plays the whole beat.
        let mut max_seconds = self.max_seconds.unwrap_or(0.0);
        env.parse("TRACKOUT_PREVIEW_MAX_SECONDS", &mut max_seconds)?;
        self.max_seconds = (max_seconds > 0.0).then_some(max_seconds);
        env.parse(
            "TRACKOUT_PREVIEW_TAG_OFFSET_SECONDS",
            &mut self.tag_offset_seconds,
        )?;
        env.parse(
            "TRACKOUT_PREVIEW_TAG_INTERVAL_SECONDS",
            &mut self.tag_interval_seconds,
        )?;
        env.parse("TRACKOUT_PREVIEW_TAG_GAIN_DB", &mut self.tag_gain_db)?;
        env.parse(
            "TRACKOUT_PREVIEW_FADE_OUT_SECONDS",
            &mut self.fade_out_seconds,
        )?;
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.tag_interval_seconds <= 0.0 || !(32..=320).contains(&self.bitrate_kbps) {
            return Err(ConfigError::Invalid(
                "the preview needs a positive tag interval and a bitrate from 32 to 320 kbps"
                    .into(),
            ));
        }
        Ok(())
    }
}
