//! Storage that fails on purpose, as a full disk or a bucket outage would: the first writes of
//! chosen keys are refused, everything else passes through to the real backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use trackout_core::storage::{
    ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, Storage, StorageError,
};

pub struct FailingWrites {
    inner: Arc<dyn Storage>,
    fails: fn(&ObjectKey) -> bool,
    failures: AtomicUsize,
    reason: &'static str,
}

impl FailingWrites {
    /// Refuses the first `failures` writes of keys `fails` picks, with `reason`.
    pub fn new(
        inner: Arc<dyn Storage>,
        failures: usize,
        reason: &'static str,
        fails: fn(&ObjectKey) -> bool,
    ) -> Arc<FailingWrites> {
        Arc::new(FailingWrites {
            inner,
            fails,
            failures: AtomicUsize::new(failures),
            reason,
        })
    }
}

#[async_trait]
impl Storage for FailingWrites {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    async fn put(
        &self,
        key: &ObjectKey,
        body: ByteStream,
        content_type: &str,
    ) -> Result<u64, StorageError> {
        if (self.fails)(key)
            && self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        {
            return Err(StorageError::Backend(self.reason.into()));
        }
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
    async fn ping(&self) -> Result<(), StorageError> {
        self.inner.ping().await
    }
}
