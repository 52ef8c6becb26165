//! What one producer may keep in the store: so that no account fills the disk or the bucket.

use serde::Deserialize;

use super::{ConfigError, Env, GIB};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct QuotaConfig {
    /// Bytes a producer's beats may take in storage, counting what uploads inflate to (a
    /// trackout zip's stems, as the bundle will hold them) and every rendered file.
    pub storage_bytes: u64,
    /// Beats a producer may have, drafts included.
    pub beats: u64,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig {
            storage_bytes: 200 * GIB,
            beats: 2_000,
        }
    }
}

impl QuotaConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_QUOTA_STORAGE_BYTES", &mut self.storage_bytes)?;
        env.parse("TRACKOUT_QUOTA_BEATS", &mut self.beats)?;
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.storage_bytes == 0 || self.beats == 0 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_QUOTA_STORAGE_BYTES and TRACKOUT_QUOTA_BEATS must be at least 1".into(),
            ));
        }
        Ok(())
    }
}
