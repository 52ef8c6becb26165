//! Layered configuration: built-in defaults that run the embedded store, then an optional TOML
//! file (`TRACKOUT_CONFIG`, else `./trackout.toml` when present), then environment variables
//! with the names the ecosystem already uses (`DATABASE_URL`, `AWS_*`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

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

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StorageKind {
    Local,
    S3,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct S3Config {
    pub bucket: Option<String>,
    /// Taken from `AWS_ENDPOINT_URL` by default; set for MinIO, Garage, Ceph or R2.
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    /// From `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`; when unset the SDK's own chain
    /// (profile, instance role, …) supplies credentials.
    #[serde(skip)]
    pub access_key_id: Option<String>,
    #[serde(skip)]
    pub secret_access_key: Option<SecretString>,
    pub force_path_style: bool,
    /// Objects above this size go up as a multipart upload, in parts of this size.
    pub multipart_part_bytes: u64,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            bucket: None,
            endpoint_url: None,
            region: None,
            access_key_id: None,
            secret_access_key: None,
            force_path_style: true,
            multipart_part_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Size caps for producer uploads, checked against `Content-Length` before anything is stored
/// and counted again while streaming.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct UploadLimits {
    pub master_bytes: u64,
    pub trackout_bytes: u64,
    pub voice_tag_bytes: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            master_bytes: 2 * GIB,
            trackout_bytes: 8 * GIB,
            voice_tag_bytes: 64 * MIB,
        }
    }
}

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

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct WorkerConfig {
    /// Jobs one worker process runs at once. Renders are CPU-bound; more than the core count
    /// only queues them inside the process.
    pub concurrency: usize,
    /// How long a claimed job stays ours without a heartbeat before another worker rescues it.
    pub lease_seconds: u64,
    pub max_attempts: i32,
    pub poll_interval_ms: u64,
    /// On shutdown, how long the job in hand may run before it is released back to the queue.
    pub shutdown_grace_seconds: u64,
    /// Delay before the first retry of a failed job; it doubles with each attempt.
    pub retry_backoff_ms: u64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            lease_seconds: 60,
            max_attempts: 5,
            poll_interval_ms: 1000,
            shutdown_grace_seconds: 30,
            retry_backoff_ms: 5_000,
        }
    }
}

impl WorkerConfig {
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_seconds)
    }
}

/// Selling: Stripe when `STRIPE_SECRET_KEY` is set, otherwise the development provider.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CommerceConfig {
    #[serde(skip)]
    pub stripe_secret_key: Option<SecretString>,
    /// One or more webhook signing secrets (comma-separated in the environment) so that a
    /// secret can be rolled without refusing events signed with the old one.
    #[serde(skip)]
    pub stripe_webhook_secrets: Vec<SecretString>,
    /// Where the Stripe API is; tests point it at a local server.
    pub stripe_api_base: Option<String>,
    /// ISO 4217, lower case, as Stripe wants it.
    pub currency: String,
    /// Allows the development payment provider on a non-loopback address.
    pub dev_payments: bool,
    pub exclusive_hold_minutes: u64,
    pub download_link_seconds: u64,
}

impl Default for CommerceConfig {
    fn default() -> Self {
        CommerceConfig {
            stripe_secret_key: None,
            stripe_webhook_secrets: Vec::new(),
            stripe_api_base: None,
            currency: "usd".into(),
            dev_payments: false,
            exclusive_hold_minutes: 30,
            download_link_seconds: 15 * 60,
        }
    }
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
    /// Signs session tokens. Defaults to a random key kept in `<data_dir>/jwt-secret`; set it
    /// explicitly when several machines serve the same store.
    #[serde(skip)]
    pub jwt_secret: Option<SecretString>,
    pub session_ttl_hours: u64,
    pub uploads: UploadLimits,
    pub check: CheckConfig,
    pub preview: PreviewConfig,
    pub commerce: CommerceConfig,
    pub worker: WorkerConfig,
}

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

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
            check: CheckConfig::default(),
            preview: PreviewConfig::default(),
            commerce: CommerceConfig::default(),
            worker: WorkerConfig::default(),
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
    /// mutating the process environment.
    pub fn apply_env(
        &mut self,
        get: impl Fn(&'static str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let env = Env(&get);
        env.parse("TRACKOUT_BIND", &mut self.bind)?;
        env.string("TRACKOUT_PUBLIC_URL", &mut self.public_url);
        if let Some(dir) = get("TRACKOUT_DATA_DIR") {
            self.data_dir = PathBuf::from(dir);
        }
        env.string("DATABASE_URL", &mut self.database_url);
        env.parse(
            "TRACKOUT_DATABASE_MAX_CONNECTIONS",
            &mut self.database_max_connections,
        )?;
        if let Some(kind) = get("TRACKOUT_STORAGE") {
            self.storage = match kind.as_str() {
                "local" => StorageKind::Local,
                "s3" => StorageKind::S3,
                _ => {
                    return Err(ConfigError::Env {
                        name: "TRACKOUT_STORAGE",
                        value: kind,
                        reason: "expected `local` or `s3`".into(),
                    });
                }
            }
        }
        if let Some(dir) = get("TRACKOUT_OBJECTS_DIR") {
            self.objects_dir = Some(PathBuf::from(dir));
        }
        env.string("TRACKOUT_S3_BUCKET", &mut self.s3.bucket);
        env.string("AWS_ENDPOINT_URL", &mut self.s3.endpoint_url);
        env.string("AWS_REGION", &mut self.s3.region);
        env.string("AWS_ACCESS_KEY_ID", &mut self.s3.access_key_id);
        if let Some(secret) = get("AWS_SECRET_ACCESS_KEY").filter(|v| !v.is_empty()) {
            self.s3.secret_access_key = Some(SecretString::from(secret));
        }
        env.parse(
            "TRACKOUT_S3_FORCE_PATH_STYLE",
            &mut self.s3.force_path_style,
        )?;
        env.parse("TRACKOUT_S3_PART_BYTES", &mut self.s3.multipart_part_bytes)?;
        if let Some(secret) = get("TRACKOUT_JWT_SECRET") {
            self.jwt_secret = Some(SecretString::from(secret));
        }
        env.parse("TRACKOUT_SESSION_TTL_HOURS", &mut self.session_ttl_hours)?;
        env.parse("TRACKOUT_MAX_MASTER_BYTES", &mut self.uploads.master_bytes)?;
        env.parse(
            "TRACKOUT_MAX_TRACKOUT_BYTES",
            &mut self.uploads.trackout_bytes,
        )?;
        env.parse(
            "TRACKOUT_MAX_VOICE_TAG_BYTES",
            &mut self.uploads.voice_tag_bytes,
        )?;
        env.parse(
            "TRACKOUT_CHECK_MAX_INFLATED_BYTES",
            &mut self.check.max_inflated_bytes,
        )?;
        env.parse("TRACKOUT_CHECK_MAX_ENTRIES", &mut self.check.max_entries)?;
        env.parse(
            "TRACKOUT_CHECK_MAX_STEM_SECONDS",
            &mut self.check.max_stem_seconds,
        )?;
        env.parse(
            "TRACKOUT_CHECK_TRUE_PEAK_CEILING",
            &mut self.check.true_peak_ceiling_dbtp,
        )?;
        env.parse(
            "TRACKOUT_PREVIEW_BITRATE_KBPS",
            &mut self.preview.bitrate_kbps,
        )?;
        // 0 (or unset) plays the whole beat.
        let mut max_seconds = self.preview.max_seconds.unwrap_or(0.0);
        env.parse("TRACKOUT_PREVIEW_MAX_SECONDS", &mut max_seconds)?;
        self.preview.max_seconds = (max_seconds > 0.0).then_some(max_seconds);
        env.parse(
            "TRACKOUT_PREVIEW_TAG_OFFSET_SECONDS",
            &mut self.preview.tag_offset_seconds,
        )?;
        env.parse(
            "TRACKOUT_PREVIEW_TAG_INTERVAL_SECONDS",
            &mut self.preview.tag_interval_seconds,
        )?;
        env.parse(
            "TRACKOUT_PREVIEW_TAG_GAIN_DB",
            &mut self.preview.tag_gain_db,
        )?;
        env.parse(
            "TRACKOUT_PREVIEW_FADE_OUT_SECONDS",
            &mut self.preview.fade_out_seconds,
        )?;
        if let Some(key) = get("STRIPE_SECRET_KEY").filter(|v| !v.is_empty()) {
            self.commerce.stripe_secret_key = Some(SecretString::from(key));
        }
        if let Some(secrets) = get("STRIPE_WEBHOOK_SECRET").filter(|v| !v.is_empty()) {
            self.commerce.stripe_webhook_secrets = secrets
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| SecretString::from(s.to_owned()))
                .collect();
        }
        env.string(
            "TRACKOUT_STRIPE_API_BASE",
            &mut self.commerce.stripe_api_base,
        );
        if let Some(currency) = get("TRACKOUT_CURRENCY").filter(|v| !v.is_empty()) {
            self.commerce.currency = currency.to_lowercase();
        }
        env.parse("TRACKOUT_DEV_PAYMENTS", &mut self.commerce.dev_payments)?;
        env.parse(
            "TRACKOUT_EXCLUSIVE_HOLD_MINUTES",
            &mut self.commerce.exclusive_hold_minutes,
        )?;
        env.parse(
            "TRACKOUT_DOWNLOAD_LINK_SECONDS",
            &mut self.commerce.download_link_seconds,
        )?;
        env.parse("TRACKOUT_WORKER_CONCURRENCY", &mut self.worker.concurrency)?;
        env.parse("TRACKOUT_JOB_LEASE_SECONDS", &mut self.worker.lease_seconds)?;
        env.parse("TRACKOUT_JOB_MAX_ATTEMPTS", &mut self.worker.max_attempts)?;
        env.parse("TRACKOUT_JOB_POLL_MS", &mut self.worker.poll_interval_ms)?;
        env.parse(
            "TRACKOUT_SHUTDOWN_GRACE_SECONDS",
            &mut self.worker.shutdown_grace_seconds,
        )?;
        env.parse("TRACKOUT_JOB_BACKOFF_MS", &mut self.worker.retry_backoff_ms)?;
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.storage == StorageKind::S3 && self.s3.bucket.is_none() {
            return Err(ConfigError::Invalid(
                "TRACKOUT_STORAGE=s3 needs TRACKOUT_S3_BUCKET".into(),
            ));
        }
        if self.commerce.stripe_secret_key.is_some()
            && self.commerce.stripe_webhook_secrets.is_empty()
        {
            return Err(ConfigError::Invalid(
                "STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET: without it no payment could complete".into(),
            ));
        }
        if self.commerce.exclusive_hold_minutes < 30 && self.commerce.stripe_secret_key.is_some() {
            return Err(ConfigError::Invalid(
                "TRACKOUT_EXCLUSIVE_HOLD_MINUTES must be at least 30 with Stripe (its shortest checkout)".into(),
            ));
        }
        if self.worker.concurrency == 0 || self.worker.max_attempts < 1 {
            return Err(ConfigError::Invalid(
                "the worker needs a concurrency and max attempts of at least 1".into(),
            ));
        }
        if self.preview.tag_interval_seconds <= 0.0
            || !(32..=320).contains(&self.preview.bitrate_kbps)
        {
            return Err(ConfigError::Invalid(
                "the preview needs a positive tag interval and a bitrate from 32 to 320 kbps"
                    .into(),
            ));
        }
        if self.worker.lease_seconds < 3 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_JOB_LEASE_SECONDS must be at least 3".into(),
            ));
        }
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
        self.commerce.stripe_secret_key.is_some()
    }

    /// Whether the development payment page may be served: never with Stripe configured; on
    /// loopback, or anywhere when enabled explicitly.
    pub fn dev_payments_allowed(&self) -> bool {
        !self.uses_stripe() && (self.bind.ip().is_loopback() || self.commerce.dev_payments)
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }
}

struct Env<'a, F: Fn(&'static str) -> Option<String>>(&'a F);

impl<F: Fn(&'static str) -> Option<String>> Env<'_, F> {
    fn string(&self, name: &'static str, slot: &mut Option<String>) {
        if let Some(value) = (self.0)(name).filter(|v| !v.is_empty()) {
            *slot = Some(value);
        }
    }

    fn parse<T>(&self, name: &'static str, slot: &mut T) -> Result<(), ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        if let Some(value) = (self.0)(name).filter(|v| !v.is_empty()) {
            *slot = value.parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                value: value.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file_and_names_the_bad_variable() {
        let mut config: Config = toml::from_str(
            "bind = \"0.0.0.0:9000\"\n[worker]\nconcurrency = 3\n[uploads]\nmaster_bytes = 10\n",
        )
        .unwrap();
        assert_eq!(config.worker.concurrency, 3);
        assert_eq!(
            config.uploads.trackout_bytes,
            8 * GIB,
            "unset keys keep defaults"
        );

        config
            .apply_env(|name| (name == "TRACKOUT_WORKER_CONCURRENCY").then(|| "7".into()))
            .unwrap();
        assert_eq!(config.worker.concurrency, 7);
        assert_eq!(config.bind.port(), 9000);

        let err = config
            .apply_env(|name| (name == "TRACKOUT_JOB_LEASE_SECONDS").then(|| "soon".into()))
            .unwrap_err();
        assert!(
            err.to_string().contains("TRACKOUT_JOB_LEASE_SECONDS"),
            "{err}"
        );
    }

    #[test]
    fn the_development_payment_page_stays_on_loopback_unless_asked() {
        let mut config = Config::default();
        assert!(
            config.dev_payments_allowed(),
            "the embedded default listens on 127.0.0.1"
        );
        config.bind = "0.0.0.0:8080".parse().unwrap();
        assert!(
            !config.dev_payments_allowed(),
            "a public address needs TRACKOUT_DEV_PAYMENTS"
        );
        config
            .apply_env(|name| (name == "TRACKOUT_DEV_PAYMENTS").then(|| "true".into()))
            .unwrap();
        assert!(config.dev_payments_allowed());
        config.commerce.stripe_secret_key = Some(SecretString::from("sk_live_x"));
        assert!(!config.dev_payments_allowed(), "never beside real payments");
        assert!(
            config.validate().is_err(),
            "Stripe without a webhook secret could never complete a sale"
        );
    }

    #[test]
    fn s3_without_bucket_is_refused() {
        let mut config = Config::default();
        config
            .apply_env(|name| (name == "TRACKOUT_STORAGE").then(|| "s3".into()))
            .unwrap();
        assert!(config.validate().is_err());
    }

    #[test]
    fn embedded_default_lives_under_data() {
        let config = Config::default();
        assert_eq!(
            config.database_url(),
            "sqlite://./data/trackout.db?mode=rwc"
        );
        assert_eq!(config.objects_dir(), PathBuf::from("./data/objects"));
        assert_eq!(config.public_url(), "http://127.0.0.1:8080");
    }
}
