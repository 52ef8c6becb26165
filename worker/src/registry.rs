use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use trackout_core::jobs::JobPayload;

use crate::JobContext;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt later (a database or storage hiccup).
    #[error("{0}")]
    Retry(String),
    /// No retry can fix it (an unreadable payload, an input that is not what it claims).
    #[error("{0}")]
    Permanent(String),
}

impl From<trackout_core::Error> for JobError {
    /// Failures by kind: what the caller got wrong stays wrong however often it is tried; the
    /// database, storage, a provider or our own hiccup may well pass next time.
    fn from(e: trackout_core::Error) -> Self {
        use trackout_core::Error;
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        match e {
            Error::Database(_)
            | Error::Storage(_)
            | Error::Unavailable(_)
            | Error::Internal(_)
            | Error::Busy { .. } => JobError::Retry(message),
            // A constraint that trips inside a job is a race with another run of it, which the
            // next attempt sees settled.
            Error::Conflict { code, .. } if code == "already_exists" || code == "conflict" => {
                JobError::Retry(message)
            }
            Error::NotFound(_)
            | Error::Invalid { .. }
            | Error::Conflict { .. }
            | Error::Unprocessable { .. }
            | Error::Unauthorized { .. }
            | Error::Forbidden(_)
            | Error::TooLarge { .. }
            | Error::QuotaExceeded { .. }
            | Error::UnsupportedMediaType { .. }
            | Error::UploadInterrupted(_)
            | Error::BadRequest { .. }
            // Stored data that cannot be read stays unreadable however often it is tried.
            | Error::Corrupt(_) => JobError::Permanent(message),
        }
    }
}

impl From<trackout_core::storage::StorageError> for JobError {
    fn from(e: trackout_core::storage::StorageError) -> Self {
        trackout_core::Error::from(e).into()
    }
}

/// A job's behaviour. Running it twice must leave the same state as running it once.
pub trait RunJob: JobPayload {
    fn run(self, ctx: Arc<JobContext>) -> impl Future<Output = Result<(), JobError>> + Send;
}

type Handler = Arc<
    dyn Fn(Arc<JobContext>, serde_json::Value) -> BoxFuture<'static, Result<(), JobError>>
        + Send
        + Sync,
>;

/// Job kinds this worker knows how to run. A claimed job of any other kind ends `dead` with a
/// message saying so, rather than vanishing or looping.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Every job the store itself enqueues.
    pub fn store_jobs() -> Self {
        let mut registry = Registry::new();
        registry
            .register::<trackout_core::jobs::CheckTrackout>()
            .register::<trackout_core::jobs::RenderPreview>()
            .register::<trackout_core::jobs::RenderLeases>()
            .register::<trackout_core::jobs::FulfillPurchase>()
            .register::<trackout_core::jobs::PurgeObject>()
            .register::<trackout_core::jobs::CloseCheckouts>()
            .register::<trackout_core::jobs::RefundPayment>()
            .register::<trackout_core::jobs::PayPayees>()
            .register::<trackout_core::jobs::PayAccrued>()
            .register::<trackout_core::jobs::ReverseTransfers>()
            .register::<trackout_core::jobs::SweepBase>()
            .register::<trackout_core::mail::SendMail>()
            .register::<trackout_core::jobs::RenderCover>()
            .register::<trackout_core::jobs::ExpireUploadSession>();
        registry
    }

    pub fn register<J: RunJob>(&mut self) -> &mut Self {
        let handler: Handler = Arc::new(|ctx, payload| {
            Box::pin(async move {
                let job: J = serde_json::from_value(payload)
                    .map_err(|e| JobError::Permanent(format!("unreadable {} job: {e}", J::KIND)))?;
                job.run(ctx).await
            })
        });
        self.handlers.insert(J::KIND, handler);
        self
    }

    pub(crate) fn get(&self, kind: &str) -> Option<Handler> {
        self.handlers.get(kind).cloned()
    }
}
