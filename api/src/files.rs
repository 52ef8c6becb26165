//! Answers a request for a stored file: a redirect to a presigned URL when the backend has
//! them and the file is one object, otherwise the bytes, with `Range`, `ETag` and conditional
//! requests handled. A file may also be a slice of an object (a stem inside a bundle) or two
//! objects end to end (a personalized bundle).

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use trackout_core::services::commerce::downloads::Source;
use trackout_core::storage::{ByteRange, ByteStream, ObjectKey, Storage};

use crate::ApiError;

pub struct StoredFile {
    pub source: Source,
    pub size: u64,
    /// A strong validator of the bytes.
    pub sha256: String,
    pub content_type: &'static str,
    /// Sent as an attachment under this name; `None` serves it inline.
    pub download_name: Option<String>,
    /// How long a presigned redirect may live.
    pub link_lifetime: Duration,
    pub cache_control: &'static str,
}

impl StoredFile {
    pub fn object(key: ObjectKey, size: u64, sha256: String, content_type: &'static str) -> Self {
        StoredFile {
            source: Source::Whole(key),
            size,
            sha256,
            content_type,
            download_name: None,
            link_lifetime: Duration::from_secs(300),
            cache_control: "public, no-cache",
        }
    }
}

/// `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187), so any
/// title survives and none can break out of the header.
pub fn content_disposition(name: &str) -> String {
    const ATTR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR)
    )
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
        ByteRange {
            start: size.saturating_sub(suffix),
            end: size - 1,
        }
    } else {
        let start: u64 = start.parse().ok()?;
        let end = if end.is_empty() {
            u64::MAX
        } else {
            end.parse().ok()?
        };
        if start >= size || end < start {
            return Some(Err(()));
        }
        ByteRange {
            start,
            end: end.min(size - 1),
        }
    };
    Some(Ok(range))
}

/// The bytes `range` of the file, wherever they live.
async fn read(
    storage: &dyn Storage,
    source: &Source,
    range: ByteRange,
) -> Result<ByteStream, ApiError> {
    let get = |key: &ObjectKey, start: u64, end: u64| {
        let key = key.clone();
        async move {
            storage
                .get(&key, Some(ByteRange { start, end }))
                .await
                .map(|body| body.stream)
                .map_err(|e| ApiError::from(trackout_core::Error::from(e)))
        }
    };
    Ok(match source {
        Source::Whole(key) => get(key, range.start, range.end).await?,
        Source::Slice { key, start } => get(key, start + range.start, start + range.end).await?,
        Source::Joined {
            prefix,
            prefix_len,
            tail,
        } => {
            let p = *prefix_len;
            if range.end < p {
                get(prefix, range.start, range.end).await?
            } else if range.start >= p {
                get(tail, range.start - p, range.end - p).await?
            } else {
                let head = get(prefix, range.start, p - 1).await?;
                let rest = get(tail, 0, range.end - p).await?;
                head.chain(rest).boxed()
            }
        }
    })
}

/// How a request for a stored file is answered, decided from its headers before anything is
/// counted or sent.
#[derive(Debug)]
pub enum Answer {
    NotModified,
    /// A presigned URL the client fetches directly.
    Redirect(String),
    /// The range asked for lies outside the file.
    Unsatisfiable,
    /// These bytes, as `206 Partial Content` when `partial`, else `200` with the whole file.
    Bytes {
        range: Option<ByteRange>,
        partial: bool,
    },
}

impl Answer {
    /// The bytes that answering will send, as counted against a download's limits.
    pub fn served(&self, size: u64) -> Option<(u64, u64)> {
        match self {
            Answer::Bytes { range: Some(r), .. } => Some((r.start, r.len())),
            Answer::Bytes { range: None, .. } | Answer::Redirect(_) => Some((0, size)),
            Answer::NotModified | Answer::Unsatisfiable => None,
        }
    }
}

/// Decides how to answer `req` for `file`. A redirect is only offered when `redirect_allowed`
/// (a download with a limit must pass through us to be counted).
pub async fn decide(
    storage: &dyn Storage,
    req: &HttpRequest,
    file: &StoredFile,
    redirect_allowed: bool,
) -> Result<Answer, ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let headers = req.headers();
    let header_str = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if header_str(header::IF_NONE_MATCH)
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok(Answer::NotModified);
    }
    if redirect_allowed && let Source::Whole(key) = &file.source {
        let disposition = file.download_name.as_deref().map(content_disposition);
        if let Some(url) = storage
            .presigned_get(key, file.link_lifetime, disposition.as_deref())
            .await
            .map_err(trackout_core::Error::from)?
        {
            return Ok(Answer::Redirect(url));
        }
    }
    // If-Range: only honour the range when the client's copy is still this one.
    let range_allowed = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let requested = match header_str(header::RANGE).filter(|_| range_allowed) {
        Some(h) => parse_range(h, file.size),
        None => None,
    };
    Ok(match requested {
        Some(Ok(range)) => Answer::Bytes {
            range: Some(range),
            partial: true,
        },
        Some(Err(())) => Answer::Unsatisfiable,
        None => Answer::Bytes {
            range: None,
            partial: false,
        },
    })
}

/// Called once with the number of body bytes actually handed to the connection, when the
/// response ends or is dropped (the client went away).
pub type Meter = Box<dyn FnOnce(u64) + Send>;

/// Sends `answer` for `file`.
pub async fn send(
    storage: &dyn Storage,
    file: StoredFile,
    answer: Answer,
    meter: Option<Meter>,
) -> Result<HttpResponse, ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let (range, partial) = match answer {
        Answer::NotModified => {
            return Ok(HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .finish());
        }
        Answer::Redirect(url) => {
            return Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, url))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish());
        }
        Answer::Unsatisfiable => {
            return Ok(HttpResponse::build(StatusCode::RANGE_NOT_SATISFIABLE)
                .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                .finish());
        }
        Answer::Bytes { range, partial } => (range, partial),
    };
    let status = if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type(file.content_type)
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, file.cache_control));
    if let Some(name) = file.download_name.as_deref() {
        response.insert_header((header::CONTENT_DISPOSITION, content_disposition(name)));
    }
    if file.size == 0 {
        if let Some(meter) = meter {
            meter(0);
        }
        return Ok(response.finish());
    }
    let span = range.unwrap_or(ByteRange {
        start: 0,
        end: file.size - 1,
    });
    if let Some(r) = range {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{}", r.start, r.end, file.size),
        ));
    }
    let body = read(storage, &file.source, span).await?;
    let body = Metered::new(
        body,
        Box::new(move |sent| {
            crate::metrics::bytes_served(sent);
            if let Some(meter) = meter {
                meter(sent);
            }
        }),
    )
    .boxed();
    response.no_chunking(span.len());
    Ok(response.streaming(body))
}

/// Answers a request for a file that nothing counts (previews, peaks).
pub async fn serve(
    storage: &dyn Storage,
    req: &HttpRequest,
    file: StoredFile,
) -> Result<HttpResponse, ApiError> {
    let answer = decide(storage, req, &file, true).await?;
    send(storage, file, answer, None).await
}

/// A body that reports how many bytes it yielded when it is done or dropped.
struct Metered {
    inner: ByteStream,
    sent: u64,
    meter: Option<Meter>,
}

impl Metered {
    fn new(inner: ByteStream, meter: Meter) -> Self {
        Metered {
            inner,
            sent: 0,
            meter: Some(meter),
        }
    }
}

impl futures_util::Stream for Metered {
    type Item = std::io::Result<bytes::Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        if let std::task::Poll::Ready(Some(Ok(chunk))) = &polled {
            self.sent += chunk.len() as u64;
        }
        polled
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        if let Some(meter) = self.meter.take() {
            meter(self.sent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_browsers_and_download_managers_send_them() {
        let r = |h| parse_range(h, 1000);
        assert_eq!(r("bytes=0-99"), Some(Ok(ByteRange { start: 0, end: 99 })));
        assert_eq!(
            r("bytes=900-"),
            Some(Ok(ByteRange {
                start: 900,
                end: 999
            }))
        );
        assert_eq!(
            r("bytes=-100"),
            Some(Ok(ByteRange {
                start: 900,
                end: 999
            }))
        );
        assert_eq!(
            r("bytes=990-5000"),
            Some(Ok(ByteRange {
                start: 990,
                end: 999
            }))
        );
        assert_eq!(r("bytes=1000-"), Some(Err(())));
        assert_eq!(r("bytes=5-4"), Some(Err(())));
        assert_eq!(r("bytes=0-1,5-6"), None);
        assert_eq!(r("items=0-1"), None);
        assert_eq!(r("bytes=x-"), None);
    }

    #[test]
    fn any_title_makes_a_safe_disposition() {
        assert_eq!(
            content_disposition("Midnight Run.mp3"),
            "attachment; filename=\"Midnight Run.mp3\"; filename*=UTF-8''Midnight%20Run.mp3"
        );
        let tricky = content_disposition("Zoë \"Bad\"\r\nX-Evil: 1; ñ.wav");
        assert!(!tricky.contains('\r') && !tricky.contains('\n'));
        assert!(
            tricky.starts_with("attachment; filename=\"Zo_ _Bad___X-Evil: 1; _.wav\""),
            "{tricky}"
        );
        assert!(
            tricky.contains(
                "filename*=UTF-8''Zo%C3%AB%20%22Bad%22%0D%0AX-Evil%3A%201%3B%20%C3%B1.wav"
            ),
            "{tricky}"
        );
    }
}
