//! Layered configuration: built-in defaults that run the embedded store, then an optional TOML
//! file (`TRACKOUT_CONFIG`, else `./trackout.toml` when present), then environment variables
//! with the names the ecosystem already uses (`DATABASE_URL`, `AWS_*`, `STRIPE_*`).
//!
//! One file per concern; each part reads its own variables and checks its own values.

mod cache;
mod commerce;
mod env;
mod limits;
mod mail;
mod media;
mod metrics;
mod quotas;
mod storage;
mod uploads;
mod worker;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub use cache::CacheConfig;
pub use commerce::{CommerceConfig, MIN_STRIPE_HOLD_MINUTES};
pub use env::Env;
pub use limits::{Cidr, HashingLimits, LimitsConfig, Rate, RateLimits, ServerLimits};
pub use mail::MailConfig;
pub use media::{CheckLimits, PreviewSettings};
pub use metrics::MetricsConfig;
pub use quotas::QuotaConfig;
pub use storage::{S3Config, StorageKind};
pub use uploads::UploadLimits;
pub use worker::WorkerConfig;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// The shortest signing secret accepted: 32 bytes, as HS256 wants at least its output size.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Variables read outside [`Config::apply_env`] (before it, or by the log setup).
pub const OTHER_VARIABLES: [&str; 2] = ["TRACKOUT_CONFIG", "RUST_LOG"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Env {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Config {
    pub bind: SocketAddr,
    /// The address buyers and engineers reach the store at; links are built from it.
    pub public_url: Option<String>,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`. Defaults to `sqlite://<data_dir>/trackout.db`.
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    pub storage: StorageKind,
    /// Root of the local object store. Defaults to `<data_dir>/objects`.
    pub objects_dir: Option<PathBuf>,
    pub s3: S3Config,
    /// Signs every token. Defaults to a random key kept in `<data_dir>/jwt-secret`; set it
    /// explicitly when several machines serve the same store.
    #[serde(skip)]
    pub jwt_secret: Option<SecretString>,
    pub session_ttl_hours: u64,
    pub uploads: UploadLimits,
    pub quotas: QuotaConfig,
    pub check: CheckLimits,
    pub preview: PreviewSettings,
    pub commerce: CommerceConfig,
    pub worker: WorkerConfig,
    pub mail: MailConfig,
    pub limits: LimitsConfig,
    pub metrics: MetricsConfig,
    pub cache: CacheConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 10,
            storage: StorageKind::Local,
            objects_dir: None,
            s3: S3Config::default(),
            jwt_secret: None,
            session_ttl_hours: 24 * 7,
            uploads: UploadLimits::default(),
            quotas: QuotaConfig::default(),
            metrics: MetricsConfig::default(),
            cache: CacheConfig::default(),
            check: CheckLimits::default(),
            preview: PreviewSettings::default(),
            commerce: CommerceConfig::default(),
            worker: WorkerConfig::default(),
            mail: MailConfig::default(),
            limits: LimitsConfig::default(),
        }
    }
}

impl Config {
    /// Defaults, then the config file, then the process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let explicit = std::env::var_os("TRACKOUT_CONFIG").map(PathBuf::from);
        let path = explicit.clone().or_else(|| {
            let default = PathBuf::from("trackout.toml");
            default.exists().then_some(default)
        });
        let mut config = match path {
            Some(path) => Config::from_file(&path)?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// Applies environment overrides read through `get`, so tests can pass a map instead of
    /// mutating the process environment. Returns the names it read.
    pub fn apply_env(
        &mut self,
        get: impl Fn(&'static str) -> Option<String>,
    ) -> Result<Vec<&'static str>, ConfigError> {
        let env = Env::new(&get);
        env.parse("TRACKOUT_BIND", &mut self.bind)?;
        env.string("TRACKOUT_PUBLIC_URL", &mut self.public_url);
        if let Some(dir) = env.value("TRACKOUT_DATA_DIR") {
            self.data_dir = PathBuf::from(dir);
        }
        env.string("DATABASE_URL", &mut self.database_url);
        env.parse(
            "TRACKOUT_DATABASE_MAX_CONNECTIONS",
            &mut self.database_max_connections,
        )?;
        storage::parse_kind(&env, &mut self.storage)?;
        if let Some(dir) = env.value("TRACKOUT_OBJECTS_DIR") {
            self.objects_dir = Some(PathBuf::from(dir));
        }
        self.s3.apply_env(&env)?;
        if let Some(secret) = env.raw("TRACKOUT_JWT_SECRET") {
            // Kept even when empty: `validate` refuses it by name rather than falling back.
            self.jwt_secret = Some(SecretString::from(secret));
        }
        env.parse("TRACKOUT_SESSION_TTL_HOURS", &mut self.session_ttl_hours)?;
        self.uploads.apply_env(&env)?;
        self.quotas.apply_env(&env)?;
        self.metrics.apply_env(&env);
        self.cache.apply_env(&env)?;
        media::apply_check_env(&mut self.check, &env)?;
        media::apply_preview_env(&mut self.preview, &env)?;
        self.commerce.apply_env(&env)?;
        self.worker.apply_env(&env)?;
        self.mail.apply_env(&env)?;
        self.limits.apply_env(&env)?;
        Ok(env.names())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.storage == StorageKind::S3 && self.s3.bucket.is_none() {
            return Err(ConfigError::Invalid(
                "TRACKOUT_STORAGE=s3 needs TRACKOUT_S3_BUCKET".into(),
            ));
        }
        if let Some(secret) = &self.jwt_secret {
            let len = secret.expose_secret().len();
            if len < MIN_JWT_SECRET_BYTES {
                return Err(ConfigError::Invalid(format!(
                    "TRACKOUT_JWT_SECRET is {len} bytes long; it must be at least {MIN_JWT_SECRET_BYTES} (try `openssl rand -hex 32`), or unset it to use a generated key"
                )));
            }
        }
        if let Some(url) = &self.public_url {
            public_host(url).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "TRACKOUT_PUBLIC_URL must be an http:// or https:// address, not {url:?}"
                ))
            })?;
        }
        if self.session_ttl_hours == 0 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_SESSION_TTL_HOURS must be at least 1".into(),
            ));
        }
        self.commerce.validate()?;
        self.quotas.validate()?;
        self.metrics.validate()?;
        self.cache.validate()?;
        self.worker.validate()?;
        media::validate_preview(&self.preview)?;
        self.mail.validate()?;
        self.limits.validate()?;
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("trackout.db").display()
            )
        })
    }

    pub fn objects_dir(&self) -> PathBuf {
        self.objects_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("objects"))
    }

    /// Whether payments go to Stripe (else to the development provider).
    pub fn uses_stripe(&self) -> bool {
        self.commerce.uses_stripe()
    }

    /// Whether the development payment page may be served. Never beside Stripe; otherwise only
    /// when nothing says the store is public (it listens on loopback and its public URL, if
    /// any, is loopback too), or when `TRACKOUT_DEV_PAYMENTS=true` says so explicitly. A store
    /// bound to 127.0.0.1 behind a reverse proxy has a public URL, and offers no free "Pay".
    pub fn dev_payments_allowed(&self) -> bool {
        if self.uses_stripe() {
            return false;
        }
        if self.commerce.dev_payments {
            return true;
        }
        let public_is_loopback = match &self.public_url {
            None => true,
            Some(url) => public_host(url).is_some_and(is_loopback_host),
        };
        self.bind.ip().is_loopback() && public_is_loopback
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Whether buyers reach the store over TLS (then browsers are told to insist on it).
    pub fn public_is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

/// The host of an `http(s)://host[:port][/path]` address, without brackets or port.
fn public_host(url: &str) -> Option<&str> {
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
