//! Size caps for producer uploads, checked against `Content-Length` before anything is stored
//! and counted again while streaming.

use serde::Deserialize;

use super::{ConfigError, Env, GIB, MIB};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct UploadLimits {
    pub master_bytes: u64,
    pub trackout_bytes: u64,
    pub voice_tag_bytes: u64,
    /// Cover art (JPEG, PNG or WebP).
    pub cover_bytes: u64,
    /// How long a resumable upload session lives without receiving a byte; then it expires
    /// and what it received is removed.
    pub session_ttl_seconds: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            master_bytes: 2 * GIB,
            trackout_bytes: 8 * GIB,
            voice_tag_bytes: 64 * MIB,
            cover_bytes: 15 * MIB,
            session_ttl_seconds: 24 * 3600,
        }
    }
}

impl UploadLimits {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_MAX_MASTER_BYTES", &mut self.master_bytes)?;
        env.parse("TRACKOUT_MAX_TRACKOUT_BYTES", &mut self.trackout_bytes)?;
        env.parse("TRACKOUT_MAX_VOICE_TAG_BYTES", &mut self.voice_tag_bytes)?;
        env.parse("TRACKOUT_MAX_COVER_BYTES", &mut self.cover_bytes)?;
        env.parse(
            "TRACKOUT_UPLOAD_SESSION_TTL_SECONDS",
            &mut self.session_ttl_seconds,
        )?;
        Ok(())
    }
}
