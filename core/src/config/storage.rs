//! Where objects live: the local filesystem (embedded default) or any S3-compatible store.

use serde::Deserialize;

use super::{ConfigError, Env};
use secrecy::SecretString;

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

impl S3Config {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.string("TRACKOUT_S3_BUCKET", &mut self.bucket);
        env.string("AWS_ENDPOINT_URL", &mut self.endpoint_url);
        env.string("AWS_REGION", &mut self.region);
        env.string("AWS_ACCESS_KEY_ID", &mut self.access_key_id);
        env.secret("AWS_SECRET_ACCESS_KEY", &mut self.secret_access_key);
        env.parse("TRACKOUT_S3_FORCE_PATH_STYLE", &mut self.force_path_style)?;
        env.parse("TRACKOUT_S3_PART_BYTES", &mut self.multipart_part_bytes)?;
        Ok(())
    }
}

pub(super) fn parse_kind(env: &Env, slot: &mut StorageKind) -> Result<(), ConfigError> {
    if let Some(kind) = env.value("TRACKOUT_STORAGE") {
        *slot = match kind.as_str() {
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
    Ok(())
}
