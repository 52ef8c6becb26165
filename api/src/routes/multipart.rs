//! Resumable uploads straight to S3: part URLs, the parts the bucket holds, completion. The
//! session is opened (and aborted) through the routes in `resumable`; the rules are in
//! `services::multipart`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use tracing::instrument;
use trackout_core::services::multipart::{self, CompletedPartIn, ListedParts, PartUrls};
use trackout_core::services::uploads::UploadAccepted;
use uuid::Uuid;

use crate::json::Json;
use crate::session::Session;
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AskParts {
    /// Part numbers, 1 to the session's `part_count`, at most 100 at a time.
    part_numbers: Vec<u64>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Complete {
    /// Every part, 1 to `part_count`, in order, with the `ETag` its `PUT` answered.
    parts: Vec<CompletedPartIn>,
}

fn no_store(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// Presigned `PUT` URLs for the parts asked for. Each takes exactly its `size_bytes` (the
/// length is signed) and expires in 15 minutes; ask again for the parts not yet sent.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    request_body = AskParts,
    responses(
        (status = 200, body = PartUrls),
        (status = 404, description = "no such session of yours (finished, aborted or expired)"),
        (status = 409, description = "`upload_completing`, or `wrong_protocol` for a tus session"),
        (status = 422, description = "a part number outside 1 to `part_count`, asked twice, or more than 100"),
    ))]
#[post("/uploads/{session}/parts")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn sign_parts(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
    body: Json<AskParts>,
) -> Result<HttpResponse, ApiError> {
    let urls = multipart::part_urls(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        path.0,
        &body.into_inner().part_numbers,
    )
    .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(urls))
}

/// The parts the bucket holds (number, size, ETag where the bucket lists it): a client that
/// lost its place resumes by sending the others.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    responses(
        (status = 200, body = ListedParts),
        (status = 404, description = "no such session of yours"),
        (status = 409, description = "`multipart_upload_gone`, `upload_completing` or `wrong_protocol`"),
    ))]
#[get("/uploads/{session}/parts")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn list_parts(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
) -> Result<HttpResponse, ApiError> {
    let parts = multipart::listed_parts(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        path.0,
    )
    .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(parts))
}

/// Completes the upload once every part is in the bucket: each part's size and ETag is
/// checked against what the bucket holds, the bucket assembles them, the store reads the
/// object once (SHA-256, type) and records the upload with its processing jobs.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    request_body = Complete,
    responses(
        (status = 200, body = UploadAccepted, description = "the upload is recorded"),
        (status = 404, description = "no such session of yours"),
        (status = 409, description = "`part_missing`, `part_size_mismatch` or `part_etag_mismatch` (with `part_number`), `size_mismatch`, `upload_completing`, `multipart_upload_gone`"),
        (status = 413, description = "past your storage quota"),
        (status = 422, description = "the parts are not listed 1 to `part_count` in order, or the file cannot be what it claims"),
    ))]
#[post("/uploads/{session}/complete")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn complete(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
    body: Json<Complete>,
) -> Result<HttpResponse, ApiError> {
    let accepted = multipart::complete(
        &state.db,
        &state.storage,
        &state.config,
        &session.0,
        path.0,
        body.into_inner().parts,
    )
    .await?;
    Ok(HttpResponse::Ok().json(accepted))
}
