//! Settings of the media pipeline, as the pipeline's own types: the trackout check's limits
//! (`[check]`) and how previews sound (`[preview]`). Only the environment overrides are here.

pub use trackout_audio::settings::{CheckLimits, PreviewSettings};

use super::{ConfigError, Env};

pub(super) fn apply_check_env(check: &mut CheckLimits, env: &Env) -> Result<(), ConfigError> {
    env.parse(
        "TRACKOUT_CHECK_MAX_INFLATED_BYTES",
        &mut check.max_inflated_bytes,
    )?;
    env.parse("TRACKOUT_CHECK_MAX_ENTRIES", &mut check.max_entries)?;
    env.parse(
        "TRACKOUT_CHECK_MAX_STEM_SECONDS",
        &mut check.max_stem_seconds,
    )?;
    env.parse(
        "TRACKOUT_CHECK_TRUE_PEAK_CEILING",
        &mut check.true_peak_ceiling_dbtp,
    )?;
    env.parse(
        "TRACKOUT_CHECK_TAIL_ALLOWANCE_SECONDS",
        &mut check.tail_allowance_seconds,
    )?;
    Ok(())
}

pub(super) fn apply_preview_env(
    preview: &mut PreviewSettings,
    env: &Env,
) -> Result<(), ConfigError> {
    env.parse("TRACKOUT_PREVIEW_BITRATE_KBPS", &mut preview.bitrate_kbps)?;
    // 0 (or unset) plays the whole beat.
    let mut max_seconds = preview.max_seconds.unwrap_or(0.0);
    env.parse("TRACKOUT_PREVIEW_MAX_SECONDS", &mut max_seconds)?;
    preview.max_seconds = (max_seconds > 0.0).then_some(max_seconds);
    env.parse(
        "TRACKOUT_PREVIEW_TAG_OFFSET_SECONDS",
        &mut preview.tag_offset_seconds,
    )?;
    env.parse(
        "TRACKOUT_PREVIEW_TAG_INTERVAL_SECONDS",
        &mut preview.tag_interval_seconds,
    )?;
    env.parse("TRACKOUT_PREVIEW_TAG_GAIN_DB", &mut preview.tag_gain_db)?;
    env.parse(
        "TRACKOUT_PREVIEW_FADE_OUT_SECONDS",
        &mut preview.fade_out_seconds,
    )?;
    env.parse("TRACKOUT_PREVIEW_QUALITY", &mut preview.encoder_quality)?;
    Ok(())
}

pub(super) fn validate_preview(preview: &PreviewSettings) -> Result<(), ConfigError> {
    preview
        .validate()
        .map_err(|e| ConfigError::Invalid(format!("[preview]: {e}")))
}
