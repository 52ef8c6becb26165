//! Every error the API answers with, as `application/problem+json` (RFC 9457) with a stable
//! `code`. This is the one place where errors become HTTP.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Map, Value, json};
use trackout_core::Error;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(#[from] Error),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// A request body field that is not valid, named by its path (`tiers[0].price_cents`).
    #[error("{message}")]
    InvalidField { field: String, message: String },
    /// Too many attempts from this address or on this account: come back later.
    #[error("{message}")]
    RateLimited {
        retry_after_seconds: u64,
        message: String,
    },
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unauthenticated {
            code,
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } | ApiError::Unauthenticated { code, .. } => code,
            ApiError::InvalidField { .. } => "invalid_input",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Core(e) => match e {
                Error::NotFound(_) => "not_found",
                Error::Invalid { .. } => "invalid_input",
                Error::Conflict { code, .. }
                | Error::Unprocessable { code, .. }
                | Error::Unauthorized { code, .. }
                | Error::BadRequest { code, .. } => code,
                Error::Busy { .. } => "busy",
                Error::Forbidden(_) => "forbidden",
                Error::TooLarge { .. } => "payload_too_large",
                Error::QuotaExceeded { .. } => "storage_quota_exceeded",
                Error::UnsupportedMediaType { .. } => "unsupported_media_type",
                Error::UploadInterrupted(_) => "upload_interrupted",
                Error::Unavailable(_) => "unavailable",
                Error::Database(_) | Error::Storage(_) | Error::Internal(_) | Error::Corrupt(_) => {
                    "internal"
                }
            },
        }
    }
}

impl ApiError {
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        ApiError::RateLimited {
            retry_after_seconds,
            message: format!(
                "too many attempts; try again in {}",
                crate::limits::in_words(retry_after_seconds)
            ),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited {
                retry_after_seconds,
                ..
            }
            | ApiError::Core(Error::Busy {
                retry_after_seconds,
            }) => Some(*retry_after_seconds),
            _ => None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            ApiError::InvalidField { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Core(e) => match e {
                Error::NotFound(_) => StatusCode::NOT_FOUND,
                Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                Error::Conflict { .. } => StatusCode::CONFLICT,
                Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                Error::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
                Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
                Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
                Error::Forbidden(_) => StatusCode::FORBIDDEN,
                Error::TooLarge { .. } | Error::QuotaExceeded { .. } => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                Error::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Error::UploadInterrupted(_) => StatusCode::BAD_REQUEST,
                Error::Unavailable(_) => StatusCode::BAD_GATEWAY,
                Error::Database(_) | Error::Storage(_) | Error::Internal(_) | Error::Corrupt(_) => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        // `busy` is the store protecting itself, not a fault: nothing to log as an error.
        if status.is_server_error() && !matches!(self, ApiError::Core(Error::Busy { .. })) {
            tracing::error!(error = %chain(self), "request failed");
        }
        let hidden = matches!(
            self,
            ApiError::Core(
                Error::Database(_) | Error::Storage(_) | Error::Internal(_) | Error::Corrupt(_)
            )
        );
        let detail = if hidden {
            // The cause went to the log, whole; the client learns only that it was us.
            "something went wrong on our side; it has been logged".to_owned()
        } else {
            self.to_string()
        };
        let mut body = Map::new();
        body.insert("type".into(), json!("about:blank"));
        body.insert(
            "title".into(),
            json!(status.canonical_reason().unwrap_or("Error")),
        );
        body.insert("status".into(), json!(status.as_u16()));
        body.insert("detail".into(), json!(detail));
        body.insert("code".into(), json!(self.code()));
        match self {
            ApiError::Core(Error::Invalid { field, .. }) => {
                body.insert("field".into(), json!(field));
            }
            ApiError::InvalidField { field, .. } => {
                body.insert("field".into(), json!(field));
            }
            _ => {}
        }
        if let ApiError::Core(Error::Conflict {
            details: Some(Value::Object(extra)),
            ..
        }) = self
        {
            body.extend(extra.clone());
        }
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let Some(seconds) = self.retry_after() {
            response.insert_header(("Retry-After", seconds.max(1).to_string()));
            body.insert("retry_after".into(), json!(seconds.max(1)));
        }
        response.body(Value::Object(body).to_string())
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
