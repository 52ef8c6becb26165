//! Where files leave the store: `/d/{token}` for a signed download link, `/s/{token}` for the
//! page an engineer opens from a share.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use std::time::Duration;
use tracing::instrument;
use trackout_core::services::commerce::{download_count, downloads, shares};

use crate::files::{self, StoredFile};
use crate::{ApiError, AppState};

/// A signed download link: checks the token and that the purchase still stands, counts the
/// download, then streams the file (with Range) or redirects to a presigned URL.
#[utoipa::path(tag = "library", params(("token" = String, Path)), responses(
    (status = 200, description = "the file, as an attachment"),
    (status = 206, description = "the requested range"),
    (status = 302, description = "a presigned link (S3) that expires no later than this one"),
    (status = 401, description = "invalid_link: expired, tampered or not a download link"),
    (status = 403, description = "the purchase was refunded or disputed, or the share is over"),
    (status = 404, description = "not a file of this purchase"),
    (status = 409, description = "file_not_ready"),
))]
#[get("/d/{token}")]
#[instrument(skip_all)]
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = downloads::open(&state.db, &state.tokens, &state.links, &token).await?;
    let stored = StoredFile {
        source: file.source.clone(),
        size: file.size,
        sha256: file.sha256.clone(),
        content_type: file.content_type,
        download_name: Some(file.file_name.clone()),
        // A redirect never outlives the link it came from.
        link_lifetime: Duration::from_secs(state.link_seconds().min(300)),
        cache_control: "private, no-store",
    };
    let storage = state.storage.as_ref();
    let answer = files::decide(storage, &req, &stored, !file.is_limited()).await?;
    if matches!(
        answer,
        files::Answer::Bytes { .. } | files::Answer::Redirect(_)
    ) {
        crate::metrics::download(file.share.is_some());
    }
    // Counted from what is actually served, whatever the headers said.
    let meter = match answer.served(file.size) {
        Some((start, len)) => {
            let served = download_count::Served { start, len };
            let charge = download_count::charge(&state.db, &state.downloads, &file, served).await?;
            (charge != download_count::Charge::Free).then(|| {
                let db = state.db.clone();
                Box::new(move |sent: u64| {
                    if sent < len {
                        actix_web::rt::spawn(async move {
                            download_count::refund(&db, &charge, sent).await
                        });
                    }
                }) as files::Meter
            })
        }
        None => None,
    };
    files::send(storage, stored, answer, meter).await
}

/// An engineer's view of a share: JSON for a client, HTML for a person (`Accept: text/html`).
#[utoipa::path(tag = "library", params(("token" = String, Path)), responses(
    (status = 200, body = trackout_core::services::commerce::shares::SharePage),
    (status = 403, description = "revoked, expired, or the purchase no longer stands"),
    (status = 404, description = "no such share"),
))]
#[get("/s/{token}")]
#[instrument(skip_all)]
pub async fn share_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let share = shares::open(&state.db, &state.tokens, &token, state.link_seconds()).await?;
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !wants_html {
        return Ok(HttpResponse::Ok().json(share));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::pages::share(&share).into_string()))
}
