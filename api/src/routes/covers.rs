//! Cover art: the producer's upload, its processing, and the sizes the pages load (under
//! fingerprinted URLs, so they are cached for a year and never go stale).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use tracing::instrument;
use trackout_core::services::covers::{self, CoverAccepted, CoverStatus, IncomingCover};
use uuid::Uuid;

use super::uploads::sendable;
use crate::session::Session;
use crate::{ApiError, AppState};

/// Uploads the beat's cover art (JPEG, PNG or WebP, 300 to 5000 pixels a side, up to
/// `TRACKOUT_MAX_COVER_BYTES`). It is checked at once; the worker then makes every size the
/// pages use, and the beat's views gain `cover`. A new cover replaces the old one.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("id" = Uuid, Path)),
    request_body(content((crate::openapi::FileBody = "image/jpeg"), (crate::openapi::FileBody = "image/png"), (crate::openapi::FileBody = "image/webp"))),
    responses(
        (status = 202, body = CoverAccepted),
        (status = 404, description = "no such beat of yours"),
        (status = 413, description = "larger than TRACKOUT_MAX_COVER_BYTES"),
        (status = 415, description = "not image/jpeg, image/png or image/webp (SVG is not taken)"),
        (status = 422, description = "not what it claims, cut short, data after the image, or dimensions out of range; `detail` says which"),
    ))]
#[put("/beats/{id}/cover")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn upload(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    let incoming = IncomingCover {
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        content_length: headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok()),
        body: sendable(payload),
    };
    let accepted = covers::upload(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        *id,
        incoming,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(accepted))
}

/// The cover's processing: `queued`, `done` (with its sizes) or `failed` (with the reason).
#[utoipa::path(tag = "uploads", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = CoverStatus),
    (status = 404, description = "no such beat of yours, or no cover uploaded"),
))]
#[get("/beats/{id}/cover")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn status(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(covers::status(&state.db, &session.0, *id).await?))
}

/// One size of a cover, e.g. `…/cover/3fa2c1d09e8b7a65-480.webp`. The address changes with
/// the cover, so the answer may be kept for a year (`immutable`).
#[utoipa::path(tag = "catalog", params(("id" = Uuid, Path), ("file" = String, Path, example = "3fa2c1d09e8b7a65-480.webp")), responses(
    (status = 200, description = "the image, `Cache-Control: public, max-age=31536000, immutable`"),
    (status = 304, description = "not modified (If-None-Match)"),
    (status = 404, description = "no such cover, or not its current address"),
))]
#[get("/beats/{id}/cover/{file}")]
#[instrument(skip_all, fields(beat = %path.0))]
pub async fn file(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (beat, name) = path.into_inner();
    let file = covers::file(&state.db, beat, &name).await?;
    let etag = format!("\"{}\"", file.sha256);
    const FOREVER: &str = "public, max-age=31536000, immutable";
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, FOREVER))
            .finish());
    }
    // Small files, served by us on every backend: a presigned redirect could not be cached.
    let body = state
        .storage
        .get(&file.key, None)
        .await
        .map_err(trackout_core::Error::from)?;
    let mut response = HttpResponse::Ok();
    response
        .content_type(file.content_type)
        .insert_header((header::CACHE_CONTROL, FOREVER))
        .insert_header((header::ETAG, etag))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .no_chunking(file.size);
    Ok(response.streaming(body.stream))
}
