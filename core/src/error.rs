use sea_orm::{DbErr, SqlErr};

use crate::storage::StorageError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a service can refuse or fail with. The API maps each variant to an HTTP status
/// and a stable `code` in one place; the worker logs them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist *for this caller*: another producer's draft answers the same.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// Well-formed, but refused as it stands (a cart whose total no card payment can take),
    /// with a stable code: 422.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// A request that cannot be acted on as sent (a mailed link that is tampered, expired or
    /// used), with a stable code.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Forbidden(String),
    /// Past what one producer may keep (`what`: `storage`); the message names the quota.
    #[error("{message}")]
    QuotaExceeded { what: &'static str, message: String },
    #[error("the {what} is larger than the limit of {limit} bytes")]
    TooLarge { what: &'static str, limit: u64 },
    #[error("expected a body of type {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("the upload was interrupted: {0}")]
    UploadInterrupted(String),
    /// Something we depend on (the payment provider) is down; the request may be retried.
    #[error("{0}")]
    Unavailable(String),
    /// Too much of a costly thing at once (password hashing): try again shortly.
    #[error("the store is busy; try again in a moment")]
    Busy { retry_after_seconds: u64 },
    #[error("database error")]
    Database(#[source] DbErr),
    #[error("storage error")]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Internal(String),
    /// Data the store wrote cannot be read back (a purchase's terms, a bundle's contents).
    /// Never replaced by a default: a buyer's license is printed from it.
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Error::Unauthorized {
            code,
            message: message.into(),
        }
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        // A constraint the schema enforces is the caller's mistake, not ours.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::conflict("already_exists", "that already exists")
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Error::conflict("conflict", "that refers to something that does not exist")
            }
            _ => Error::Database(err),
        }
    }
}
