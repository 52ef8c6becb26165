use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;
use trackout_core::config::Config;
use trackout_core::payments::PaymentProvider;
use trackout_core::storage::Storage;

use crate::JobError;

/// What every job gets: the database, the storage backend, the configuration, the payment
/// provider (refunds, closing checkouts), and the CPU semaphore that keeps decode/encode/zip
/// work to one task per core.
pub struct JobContext {
    pub db: DatabaseConnection,
    pub storage: Arc<dyn Storage>,
    pub config: Arc<Config>,
    pub payments: Arc<dyn PaymentProvider>,
    cpu: Arc<Semaphore>,
}

impl JobContext {
    pub fn new(
        db: DatabaseConnection,
        storage: Arc<dyn Storage>,
        config: Arc<Config>,
        payments: Arc<dyn PaymentProvider>,
    ) -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        JobContext {
            db,
            storage,
            config,
            payments,
            cpu: Arc::new(Semaphore::new(cores)),
        }
    }

    /// Runs CPU-bound work on the blocking pool, at most one task per core at a time.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, JobError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.cpu)
            .acquire_owned()
            .await
            .map_err(|_| JobError::Retry("the worker is shutting down".into()))?;
        // The permit goes with the work: a job cancelled (superseded) while its encode runs
        // drops this future, but the blocking thread runs on, and still holds its core.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| JobError::Retry(format!("the blocking task failed: {e}")))
    }
}
