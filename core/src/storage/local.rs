use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::file_chunks;
use super::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, Storage, StorageError};

/// Objects as files under one root. Writes land in `<root>/.tmp` and are renamed into place
/// once complete and synced, so a reader never sees half an object. Keys cannot name `.tmp`
/// or climb out of the root (see [`ObjectKey`]).
#[derive(Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

const TMP_DIR: &str = ".tmp";

impl LocalStorage {
    pub async fn open(root: impl Into<PathBuf>) -> Result<LocalStorage, StorageError> {
        let root = root.into();
        tokio::fs::create_dir_all(root.join(TMP_DIR)).await?;
        let root = tokio::fs::canonicalize(&root).await?;
        Ok(LocalStorage { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file behind a key; the key's checks keep it inside the root.
    pub fn path_of(&self, key: &ObjectKey) -> PathBuf {
        let mut path = self.root.clone();
        path.extend(key.segments());
        path
    }
}

fn not_found(key: &ObjectKey) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StorageError::NotFound(key.to_string())
        } else {
            StorageError::Io(e)
        }
    }
}

#[async_trait]
impl Storage for LocalStorage {
    fn backend(&self) -> &'static str {
        "local"
    }

    async fn put(
        &self,
        key: &ObjectKey,
        mut body: ByteStream,
        _content_type: &str,
    ) -> Result<u64, StorageError> {
        let tmp = self
            .root
            .join(TMP_DIR)
            .join(uuid::Uuid::new_v4().to_string());
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            let mut written = 0u64;
            while let Some(chunk) = body.try_next().await.map_err(StorageError::Body)? {
                file.write_all(&chunk).await?;
                written += chunk.len() as u64;
            }
            file.sync_all().await?;
            let target = self.path_of(key);
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::rename(&tmp, &target).await?;
            Ok::<_, StorageError>(written)
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written
    }

    async fn get(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
    ) -> Result<ObjectBody, StorageError> {
        let mut file = tokio::fs::File::open(self.path_of(key))
            .await
            .map_err(not_found(key))?;
        let size = file.metadata().await?.len();
        let (start, len) = range.map_or((0, size), |r| (r.start, r.len()));
        if start > 0 {
            file.seek(SeekFrom::Start(start)).await?;
        }
        let stream = file_chunks::chunks(file.into_std().await, len);
        Ok(ObjectBody { size, stream })
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, StorageError> {
        match tokio::fs::metadata(self.path_of(key)).await {
            Ok(meta) if meta.is_file() => Ok(Some(ObjectMeta { size: meta.len() })),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path_of(key)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    async fn presigned_get(
        &self,
        _key: &ObjectKey,
        _expires_in: Duration,
        _content_disposition: Option<&str>,
    ) -> Result<Option<String>, StorageError> {
        Ok(None)
    }

    fn direct_uploads(&self) -> Option<&dyn super::DirectUploads> {
        None
    }

    async fn ping(&self) -> Result<(), StorageError> {
        let meta = tokio::fs::metadata(self.root.join(TMP_DIR)).await?;
        if meta.is_dir() {
            Ok(())
        } else {
            Err(StorageError::Backend(format!(
                "{} is not a directory",
                self.root.display()
            )))
        }
    }
}
