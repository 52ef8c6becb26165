//! Headers every response carries, and the access log's view of a request: a browser is told
//! to run only the store's own scripts and styles, not to sniff types, not to leak token URLs
//! through `Referer`, and (on an https store) to insist on TLS; the log never holds a download
//! or share token, or any token in a query string.

use actix_web::dev::ServiceRequest;
use actix_web::middleware::DefaultHeaders;
use trackout_core::config::{Config, StorageKind};

/// The origin files are fetched from besides our own: the bucket, when presigned S3 URLs
/// serve previews, covers and peaks.
fn storage_origin(config: &Config) -> Option<String> {
    if config.storage != StorageKind::S3 {
        return None;
    }
    Some(match &config.s3.endpoint_url {
        Some(endpoint) => {
            let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}")
        }
        None => "https://*.amazonaws.com".into(),
    })
}

/// `Content-Security-Policy` for the store's pages. Pages meant to be framed elsewhere (the
/// embeddable player) set their own `frame-ancestors`, which these defaults do not override.
pub fn content_security_policy(config: &Config) -> String {
    let extra = storage_origin(config)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{extra}; \
         media-src 'self'{extra}; connect-src 'self'{extra}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
}

/// Added to every response that does not set the header itself.
pub fn default_headers(config: &Config) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", content_security_policy(config)))
        .add(("X-Content-Type-Options", "nosniff"))
        // Token pages (downloads, shares, the pay page, reset and claim links) must never send
        // their URL on; no page of the store needs to.
        .add(("Referrer-Policy", "no-referrer"));
    if config.public_is_https() {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    headers
}

/// Path prefixes whose next segment is a bearer token.
const TOKEN_PATHS: [&str; 2] = ["/d/", "/s/"];
/// Query parameters that carry tokens (reset, verify, claim and pay links).
const TOKEN_PARAMS: [&str; 3] = ["token", "t", "pending_token"];

/// The request line for the access log, with every token replaced by `…`.
pub fn redacted_request_line(req: &ServiceRequest) -> String {
    let path = req.path();
    let path = match TOKEN_PATHS.iter().find(|p| path.starts_with(*p)) {
        Some(prefix) => format!("{prefix}…"),
        None => path.to_owned(),
    };
    let query = req.query_string();
    let query = if query.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if TOKEN_PARAMS.contains(&key) => format!("{key}=…"),
                _ => pair.to_owned(),
            })
            .collect();
        format!("?{}", parts.join("&"))
    };
    format!("{} {path}{query} {:?}", req.method(), req.version())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn tokens_never_reach_the_log() {
        for (uri, want) in [
            ("/d/eyJhbGciOi.secret.sig", "GET /d/… HTTP/1.1"),
            ("/s/eyJhbGciOi.secret.sig?x=1", "GET /s/…?x=1 HTTP/1.1"),
            (
                "/reset-password?token=abc.def&next=/library",
                "GET /reset-password?token=…&next=/library HTTP/1.1",
            ),
            ("/pay/dev/123?t=abc", "GET /pay/dev/123?t=… HTTP/1.1"),
            ("/api/v1/beats?page=2", "GET /api/v1/beats?page=2 HTTP/1.1"),
        ] {
            let req = TestRequest::get().uri(uri).to_srv_request();
            assert_eq!(redacted_request_line(&req), want);
        }
    }

    #[test]
    fn the_policy_names_the_bucket_only_on_s3() {
        let mut config = Config::default();
        let local = content_security_policy(&config);
        assert!(local.contains("default-src 'self'") && local.contains("frame-ancestors 'self'"));
        assert!(!local.contains("http"));
        config.storage = StorageKind::S3;
        config.s3.endpoint_url = Some("https://s3.example.com:9000/ignored".into());
        assert!(
            content_security_policy(&config)
                .contains("media-src 'self' https://s3.example.com:9000;")
        );
    }
}
