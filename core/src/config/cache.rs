//! How stale a process may serve the catalog and what a download link resolves to.

use std::time::Duration;

use serde::Deserialize;

use super::{ConfigError, Env};

/// The longest staleness allowed: it is also how long a refunded purchase's links keep
/// working, so it stays short.
const MAX_STALENESS_MS: u64 = 10_000;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CacheConfig {
    /// Each API process answers the catalog and opens download links from what it read at
    /// most this long ago; 0 reads the database every time. Also the bound on how long a
    /// refund or a lost dispute takes to revoke links already handed out.
    pub staleness_ms: u64,
    /// Distinct catalog queries one process keeps at once.
    pub catalog_pages: usize,
    /// Distinct download links one process keeps at once.
    pub links: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            staleness_ms: 1_000,
            catalog_pages: 512,
            links: 10_000,
        }
    }
}

impl CacheConfig {
    pub fn staleness(&self) -> Duration {
        Duration::from_millis(self.staleness_ms)
    }

    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_CACHE_MS", &mut self.staleness_ms)
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.staleness_ms > MAX_STALENESS_MS {
            return Err(ConfigError::Invalid(format!(
                "TRACKOUT_CACHE_MS is {} ms; at most {MAX_STALENESS_MS} ms, since a refunded buyer's links keep working that long",
                self.staleness_ms
            )));
        }
        Ok(())
    }
}
