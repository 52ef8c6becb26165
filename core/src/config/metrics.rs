//! Who may read `GET /metrics`.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{ConfigError, Env};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    /// A scraper sends it as `Authorization: Bearer …`. Unset, only clients on loopback
    /// (a Prometheus or an agent on the same machine) may read the metrics.
    #[serde(skip)]
    pub token: Option<SecretString>,
}

impl MetricsConfig {
    pub(super) fn apply_env(&mut self, env: &Env) {
        env.secret("TRACKOUT_METRICS_TOKEN", &mut self.token);
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        // Fails closed: an empty or guessable token would open the metrics to anyone.
        if self
            .token
            .as_ref()
            .is_some_and(|t| t.expose_secret().len() < 16)
        {
            return Err(ConfigError::Invalid(
                "TRACKOUT_METRICS_TOKEN must be at least 16 characters".into(),
            ));
        }
        Ok(())
    }
}
