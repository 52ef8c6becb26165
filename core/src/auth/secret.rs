use std::io::Write;
use std::path::Path;

use rand::RngCore;
use secrecy::SecretString;

use crate::config::Config;

/// The key that signs every token: `TRACKOUT_JWT_SECRET` when set; otherwise, for the embedded
/// store, a random key created once in `<data_dir>/jwt-secret` (mode 0600) so sessions survive
/// restarts without anyone having to invent a secret.
pub fn signing_secret(config: &Config) -> std::io::Result<SecretString> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= 32 => {
            Ok(SecretString::from(existing.trim().to_owned()))
        }
        Ok(_) => Err(std::io::Error::other(format!(
            "{} is too short to be a signing key; delete it to have a new one made",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(e) => Err(e),
    }
}

fn create(path: &Path) -> std::io::Result<SecretString> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "created a signing key for sessions");
            Ok(SecretString::from(secret))
        }
        // Another process (a second worker) created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(SecretString::from(
            std::fs::read_to_string(path)?.trim().to_owned(),
        )),
        Err(e) => Err(e),
    }
}
