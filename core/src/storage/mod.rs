//! Object storage behind one trait: the local filesystem for the embedded store, any
//! S3-compatible bucket in production. The backend is chosen once at start-up; everything else
//! sees `Arc<dyn Storage>`.

mod file_chunks;
mod ingest;
mod key;
mod local;
pub mod multipart;
mod ranged;
mod s3;
mod s3_multipart;

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use tokio::io::AsyncWriteExt;

pub use ingest::{HEAD_BYTES, IngestError, Ingested, ingest};
pub use key::ObjectKey;
pub use local::LocalStorage;
pub use multipart::DirectUploads;
pub use ranged::RangedReader;
pub use s3::S3Storage;

use crate::config::{Config, StorageKind};

pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no object at {0}")]
    NotFound(String),
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    #[error("the body being stored failed: {0}")]
    Body(#[source] io::Error),
    #[error("storage i/o: {0}")]
    Io(#[from] io::Error),
    #[error("object store: {0}")]
    Backend(String),
}

/// An inclusive byte range of an object, already checked against its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

impl ByteRange {
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Never: an inclusive range holds at least its first byte (`end >= start` is checked
    /// where ranges are made).
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub size: u64,
}

pub struct ObjectBody {
    /// Size of the whole object, whatever range was asked for.
    pub size: u64,
    pub stream: ByteStream,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// Stores the whole stream under `key`. Atomic: when it fails (the body errs, the disk
    /// fills, the bucket refuses) nothing is left under `key` and no earlier object is harmed.
    async fn put(
        &self,
        key: &ObjectKey,
        body: ByteStream,
        content_type: &str,
    ) -> Result<u64, StorageError>;

    async fn get(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
    ) -> Result<ObjectBody, StorageError>;

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, StorageError>;

    /// Removes the object; removing a missing object succeeds, so purges are safe to repeat.
    async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError>;

    /// A URL the client can fetch directly, or `None` when the backend serves through us.
    async fn presigned_get(
        &self,
        key: &ObjectKey,
        expires_in: Duration,
        content_disposition: Option<&str>,
    ) -> Result<Option<String>, StorageError>;

    /// Multipart uploads the client sends straight to the backend, or `None` when the backend
    /// takes uploads only through us (local files: resumable uploads go over tus).
    fn direct_uploads(&self) -> Option<&dyn DirectUploads>;

    /// Readiness: the backend answers.
    async fn ping(&self) -> Result<(), StorageError>;
}

/// Builds the backend the configuration names.
pub async fn from_config(config: &Config) -> Result<Arc<dyn Storage>, StorageError> {
    Ok(match config.storage {
        StorageKind::Local => Arc::new(LocalStorage::open(config.objects_dir()).await?),
        StorageKind::S3 => Arc::new(S3Storage::from_config(&config.s3).await?),
    })
}

/// Streams an object into a local file (the worker reads uploads this way).
pub async fn download_to(
    storage: &dyn Storage,
    key: &ObjectKey,
    path: &Path,
) -> Result<u64, StorageError> {
    let body = storage.get(key, None).await?;
    let mut file = tokio::fs::File::create(path).await?;
    let mut stream = body.stream.map_err(StorageError::Io);
    let mut written = 0u64;
    while let Some(chunk) = stream.try_next().await? {
        file.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    file.flush().await?;
    Ok(written)
}
