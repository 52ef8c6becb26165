//! Storage that misbehaves on purpose, as a full disk, a bucket outage or a slow bucket would:
//! chosen writes are refused or held up, everything else passes through to the real backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use trackout_core::storage::{
    ByteRange, ByteStream, DirectUploads, ObjectBody, ObjectKey, ObjectMeta, Storage, StorageError,
};

/// What runs before each write reaches the backend: an error refuses the write.
pub type BeforePut =
    Box<dyn Fn(ObjectKey) -> BoxFuture<'static, Result<(), StorageError>> + Send + Sync>;

/// The real backend, with [`BeforePut`] run ahead of every write: to fail, stall or record
/// chosen writes. Everything else passes straight through.
pub struct InterceptedPuts {
    inner: Arc<dyn Storage>,
    before_put: BeforePut,
}

impl InterceptedPuts {
    pub fn new(inner: Arc<dyn Storage>, before_put: BeforePut) -> Arc<InterceptedPuts> {
        Arc::new(InterceptedPuts { inner, before_put })
    }
}

/// Refuses the first `failures` writes of keys `fails` picks, with `reason`.
pub fn failing_writes(
    inner: Arc<dyn Storage>,
    failures: usize,
    reason: &'static str,
    fails: fn(&ObjectKey) -> bool,
) -> Arc<InterceptedPuts> {
    let left = Arc::new(AtomicUsize::new(failures));
    InterceptedPuts::new(
        inner,
        Box::new(move |key| {
            let refused = fails(&key)
                && left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
            Box::pin(async move {
                if refused {
                    Err(StorageError::Backend(reason.into()))
                } else {
                    Ok(())
                }
            })
        }),
    )
}

#[async_trait]
impl Storage for InterceptedPuts {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    async fn put(
        &self,
        key: &ObjectKey,
        body: ByteStream,
        content_type: &str,
    ) -> Result<u64, StorageError> {
        (self.before_put)(key.clone()).await?;
        self.inner.put(key, body, content_type).await
    }
    async fn get(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
    ) -> Result<ObjectBody, StorageError> {
        self.inner.get(key, range).await
    }
    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, StorageError> {
        self.inner.head(key).await
    }
    async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        self.inner.delete(key).await
    }
    async fn presigned_get(
        &self,
        key: &ObjectKey,
        expires_in: Duration,
        content_disposition: Option<&str>,
    ) -> Result<Option<String>, StorageError> {
        self.inner
            .presigned_get(key, expires_in, content_disposition)
            .await
    }
    fn direct_uploads(&self) -> Option<&dyn DirectUploads> {
        self.inner.direct_uploads()
    }
    async fn ping(&self) -> Result<(), StorageError> {
        self.inner.ping().await
    }
}
