//! Answers a request for a stored file: a redirect to a presigned URL when the backend has
//! them, otherwise the bytes, with `Range`, `ETag` and conditional requests handled.

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use trackout_core::storage::{ByteRange, ObjectKey, Storage};

use crate::ApiError;

pub struct StoredFile {
    pub key: ObjectKey,
    pub size: u64,
    /// SHA-256 of the bytes: a strong validator.
    pub sha256: String,
    pub content_type: &'static str,
    pub disposition: Option<String>,
    /// How long a presigned redirect may live.
    pub link_lifetime: Duration,
    pub cache_control: &'static str,
}

/// A single byte range from a `Range` header; several ranges or a malformed header mean "the
/// whole file" (RFC 9110 lets a server ignore Range), an impossible one is `Err`.
fn parse_range(header: &str, size: u64) -> Option<Result<ByteRange, ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        let suffix: u64 = end.parse().ok()?;
        if suffix == 0 || size == 0 {
            return Some(Err(()));
        }
        ByteRange { start: size.saturating_sub(suffix), end: size - 1 }
    } else {
        let start: u64 = start.parse().ok()?;
        let end = if end.is_empty() { u64::MAX } else { end.parse().ok()? };
        if start >= size || end < start {
            return Some(Err(()));
        }
        ByteRange { start, end: end.min(size - 1) }
    };
    Some(Ok(range))
}

pub async fn serve(storage: &dyn Storage, req: &HttpRequest, file: StoredFile) -> Result<HttpResponse, ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let headers = req.headers();
    let header_str = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());

    if header_str(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }

    if let Some(url) = storage
        .presigned_get(&file.key, file.link_lifetime, file.disposition.as_deref())
        .await
        .map_err(trackout_core::Error::from)?
    {
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish());
    }

    // If-Range: only honour the range when the client's copy is still this one.
    let range_allowed = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let range = match header_str(header::RANGE).filter(|_| range_allowed) {
        Some(h) => parse_range(h, file.size),
        None => None,
    };
    let range = match range {
        Some(Ok(range)) => Some(range),
        Some(Err(())) => {
            return Ok(HttpResponse::build(StatusCode::RANGE_NOT_SATISFIABLE)
                .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                .finish());
        }
        None => None,
    };

    let body = storage
        .get(&file.key, range)
        .await
        .map_err(trackout_core::Error::from)?;
    let mut response = match range {
        Some(r) => {
            let mut builder = HttpResponse::build(StatusCode::PARTIAL_CONTENT);
            builder.insert_header((header::CONTENT_RANGE, format!("bytes {}-{}/{}", r.start, r.end, file.size)));
            builder.no_chunking(r.len());
            builder
        }
        None => {
            let mut builder = HttpResponse::Ok();
            builder.no_chunking(file.size);
            builder
        }
    };
    response
        .content_type(file.content_type)
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, file.cache_control));
    if let Some(disposition) = file.disposition {
        response.insert_header((header::CONTENT_DISPOSITION, disposition));
    }
    Ok(response.streaming(body.stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_browsers_and_download_managers_send_them() {
        let r = |h| parse_range(h, 1000);
        assert_eq!(r("bytes=0-99"), Some(Ok(ByteRange { start: 0, end: 99 })));
        assert_eq!(r("bytes=900-"), Some(Ok(ByteRange { start: 900, end: 999 })));
        assert_eq!(r("bytes=-100"), Some(Ok(ByteRange { start: 900, end: 999 })));
        assert_eq!(r("bytes=990-5000"), Some(Ok(ByteRange { start: 990, end: 999 })));
        assert_eq!(r("bytes=1000-"), Some(Err(())));
        assert_eq!(r("bytes=5-4"), Some(Err(())));
        assert_eq!(r("bytes=0-1,5-6"), None);
        assert_eq!(r("items=0-1"), None);
        assert_eq!(r("bytes=x-"), None);
    }
}
