//! Prometheus metrics at `GET /metrics`: request latency by route, downloads and bytes served
//! (counted as they happen in this process), and the job queue (read from the database at
//! scrape time, so every API process reports the same queue whichever worker runs it).

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use metrics::{counter, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use trackout_core::queue::stats;

use crate::{ApiError, AppState};

const REQUEST_SECONDS: &str = "trackout_http_request_duration_seconds";

/// The process's recorder, installed on first use. Every app in the process (tests start many)
/// shares it, as they share the process.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Buckets around the targets: catalog p99 under 10 ms, a download link under 1 ms.
        let buckets = [
            0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            10.0,
        ];
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &buckets)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics shows the queue only");
        }
        handle
    })
}

/// Installs the recorder; called once at start-up so the first scrape already has a registry.
pub fn init() {
    handle();
    metrics::describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "Time to answer a request (to its headers; a streamed file's body takes longer), by route and method."
    );
    metrics::describe_counter!(
        "trackout_http_requests_total",
        "Requests answered, by route, method and status."
    );
    metrics::describe_counter!(
        "trackout_downloads_total",
        "Files handed out through download links and engineer shares."
    );
    metrics::describe_counter!(
        "trackout_bytes_served_total",
        metrics::Unit::Bytes,
        "Bytes of stored files sent to clients (downloads, previews, covers)."
    );
}

/// Times every request and counts it by route pattern (`/api/v1/beats/{id}`, never the raw
/// path: ids and tokens would make a series each), method and status.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let answer = next.call(req).await;
    let (route, status) = match &answer {
        Ok(res) => (route_label(res.request()), res.status().as_u16()),
        Err(e) => (
            "unmatched".to_owned(),
            e.as_response_error().status_code().as_u16(),
        ),
    };
    let seconds = started.elapsed().as_secs_f64();
    histogram!(REQUEST_SECONDS, "route" => route.clone(), "method" => method).record(seconds);
    counter!(
        "trackout_http_requests_total",
        "route" => route,
        "method" => method,
        "status" => status.to_string()
    )
    .increment(1);
    answer
}

fn route_label(req: &HttpRequest) -> String {
    // The storefront's pages and static files answer from the default service.
    match req.match_pattern() {
        Some(pattern) => without_regex(&pattern),
        None => "storefront".to_owned(),
    }
}

/// `{kind:master|trackout|voice-tag}` is named `{kind}`, as in the OpenAPI document.
fn without_regex(pattern: &str) -> String {
    let mut label = String::with_capacity(pattern.len());
    let mut in_name = false;
    let mut in_regex = false;
    for c in pattern.chars() {
        match c {
            '{' => {
                in_name = true;
                label.push(c);
            }
            ':' if in_name => in_regex = true,
            '}' if in_name => {
                in_name = false;
                in_regex = false;
                label.push(c);
            }
            _ if in_regex => {}
            _ => label.push(c),
        }
    }
    label
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        // Anything else a client makes up shares one series.
        _ => "other",
    }
}

/// A file leaves the store through a download link or a share.
pub fn download(through_share: bool) {
    let via = if through_share { "share" } else { "link" };
    counter!("trackout_downloads_total", "via" => via).increment(1);
}

/// Bytes of files actually sent (previews, covers, downloads), counted as the body streams.
pub fn bytes_served(bytes: u64) {
    counter!("trackout_bytes_served_total").increment(bytes);
}

/// `GET /metrics` in Prometheus's text format, for the operator only: with
/// `TRACKOUT_METRICS_TOKEN` a bearer token, without it loopback clients that came through no
/// proxy.
pub async fn serve(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if !may_read(&state, &req) {
        // As if there were nothing here: the metrics' existence is not advertised.
        return Err(trackout_core::Error::NotFound("page").into());
    }
    let queue = stats::read(&state.db).await?;
    let mut text = handle().render();
    write_queue(&mut text, &queue);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// The queue belongs to the database this app serves, not to the process (tests run several
/// stores in one), so it is written per scrape rather than kept in the recorder.
fn write_queue(out: &mut String, queue: &stats::QueueStats) {
    use std::fmt::Write;
    let _ = writeln!(out, "# HELP trackout_jobs Jobs by kind and state.");
    let _ = writeln!(out, "# TYPE trackout_jobs gauge");
    for count in &queue.jobs {
        let _ = writeln!(
            out,
            "trackout_jobs{{kind=\"{}\",state=\"{}\"}} {}",
            label_value(&count.kind),
            label_value(&count.state),
            count.jobs
        );
    }
    let _ = writeln!(
        out,
        "# HELP trackout_queue_depth Jobs ready to run, waiting for a worker."
    );
    let _ = writeln!(out, "# TYPE trackout_queue_depth gauge");
    let _ = writeln!(out, "trackout_queue_depth {}", queue.depth);
    let _ = writeln!(
        out,
        "# HELP trackout_queue_oldest_wait_seconds How long the oldest ready job has waited."
    );
    let _ = writeln!(out, "# TYPE trackout_queue_oldest_wait_seconds gauge");
    let _ = writeln!(
        out,
        "trackout_queue_oldest_wait_seconds {}",
        queue.oldest_wait_seconds
    );
}

/// A label value in Prometheus's text format (`\`, `"` and newlines escaped).
fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn may_read(state: &AppState, req: &HttpRequest) -> bool {
    match &state.config.metrics.token {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                constant_time_eq(given.as_bytes(), token.expose_secret().as_bytes())
            }),
        None => {
            let proxied = req.headers().contains_key("x-forwarded-for")
                || req.headers().contains_key(header::FORWARDED);
            !proxied && req.peer_addr().is_some_and(|a| a.ip().is_loopback())
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_named_by_its_pattern_without_the_regex() {
        assert_eq!(
            without_regex("/api/v1/beats/{id}/{kind:master|trackout|voice-tag}"),
            "/api/v1/beats/{id}/{kind}"
        );
        assert_eq!(without_regex("/d/{token}"), "/d/{token}");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
