//! Transactional mail: SMTP when `TRACKOUT_SMTP_URL` is set, otherwise every message is written
//! as an `.eml` file under `<data>/outbox/` (and its subject and links logged), so that the
//! embedded store works with nothing to set up and a person can still follow a reset link.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{ConfigError, Env};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    /// `smtp://host:port` (STARTTLS with `?tls=required`), `smtps://user:pass@host` (TLS from
    /// the first byte). Holds a password, so it never prints.
    #[serde(skip)]
    pub smtp_url: Option<SecretString>,
    /// The `From:` mailbox, e.g. `Night Shift Beats <sales@example.com>`. Defaults to
    /// `<store name> <no-reply@<public host>>`.
    pub from: Option<String>,
    /// The store's name in every mail's subject, greeting and signature.
    pub store_name: String,
    /// How long one SMTP conversation may take before the attempt fails (and is retried).
    pub smtp_timeout_seconds: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: None,
            store_name: "Trackout".into(),
            smtp_timeout_seconds: 20,
        }
    }
}

impl MailConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        if let Some(url) = env.raw("TRACKOUT_SMTP_URL") {
            // Kept even when empty: `validate` refuses it by name rather than writing files.
            self.smtp_url = Some(SecretString::from(url));
        }
        env.string("TRACKOUT_MAIL_FROM", &mut self.from);
        if let Some(name) = env.value("TRACKOUT_STORE_NAME") {
            self.store_name = name;
        }
        env.parse(
            "TRACKOUT_SMTP_TIMEOUT_SECONDS",
            &mut self.smtp_timeout_seconds,
        )?;
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if let Some(url) = &self.smtp_url {
            let url = url.expose_secret().trim().to_ascii_lowercase();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid(
                    "TRACKOUT_SMTP_URL must be smtp://host:port or smtps://user:pass@host (set but empty or another scheme is refused; unset it to write mail to <data>/outbox/)".into(),
                ));
            }
        }
        if self.store_name.trim().is_empty() || self.store_name.chars().any(char::is_control) {
            return Err(ConfigError::Invalid(
                "TRACKOUT_STORE_NAME must be a name on one line".into(),
            ));
        }
        if let Some(from) = &self.from
            && from.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err(ConfigError::Invalid(format!(
                "TRACKOUT_MAIL_FROM must be a mailbox such as `Beats <sales@example.com>`, not {from:?}"
            )));
        }
        if self.smtp_timeout_seconds == 0 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_SMTP_TIMEOUT_SECONDS must be at least 1".into(),
            ));
        }
        Ok(())
    }

    pub fn uses_smtp(&self) -> bool {
        self.smtp_url.is_some()
    }
}
