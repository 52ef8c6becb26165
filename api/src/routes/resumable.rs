//! Resumable uploads over tus 1.0 (creation, `HEAD`, `PATCH`, termination, expiration); the
//! rules are in `services::upload_sessions`.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, delete, head, patch, post, web};
use base64::Engine;
use serde::Deserialize;
use tracing::instrument;
use trackout_core::domain::UploadKind;
use trackout_core::services::upload_sessions::{self, Appended, NewSession, Opened, SessionView};
use trackout_core::services::uploads::UploadAccepted;
use uuid::Uuid;

use super::uploads::sendable;
use crate::session::Session;
use crate::{ApiError, AppState};

const TUS_VERSION: &str = "1.0.0";
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

#[derive(Deserialize, utoipa::ToSchema)]
pub struct OpenSession {
    /// `master`, `trackout` or `voice_tag`.
    #[schema(value_type = String)]
    kind: UploadKind,
    /// The file's size in bytes.
    size: u64,
    /// The file's original name, shown back to the producer.
    filename: Option<String>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn bad(field: &'static str, message: &str) -> ApiError {
    trackout_core::Error::invalid(field, message).into()
}

/// The tus way of saying what is coming: `Upload-Length` and `Upload-Metadata` (`kind` and
/// `filename`, each base64).
fn from_tus_headers(headers: &HeaderMap) -> Result<OpenSession, ApiError> {
    let size = header(headers, "upload-length")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            bad(
                "Upload-Length",
                "send the size as JSON `size` or as Upload-Length",
            )
        })?;
    let mut kind = None;
    let mut filename = None;
    for pair in header(headers, "upload-metadata")
        .unwrap_or_default()
        .split(',')
    {
        let mut parts = pair.trim().splitn(2, ' ');
        let key = parts.next().unwrap_or_default();
        let value = parts
            .next()
            .and_then(|v| {
                base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .ok()
            })
            .and_then(|v| String::from_utf8(v).ok());
        match (key, value) {
            ("kind", Some(v)) => kind = UploadKind::from_db(&v),
            ("filename", Some(v)) => filename = Some(v),
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| {
        bad(
            "Upload-Metadata",
            "name the kind (`master`, `trackout` or `voice_tag`) in Upload-Metadata",
        )
    })?;
    Ok(OpenSession {
        kind,
        size,
        filename,
    })
}

fn tus(builder: &mut HttpResponseBuilder) -> &mut HttpResponseBuilder {
    builder
        .insert_header(("Tus-Resumable", TUS_VERSION))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

fn expires(view: &SessionView) -> String {
    view.expires_at
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Opens a resumable upload of one of the beat's files: JSON `{kind, size, filename}`, or the
/// tus creation headers (`Upload-Length`, `Upload-Metadata`). The size is checked against the
/// cap for its kind and your storage quota before a byte is sent. On local storage the session
/// is tus (`protocol: "tus"`); on S3 the parts go straight to the bucket (`protocol:
/// "s3_multipart"`, with `part_size_bytes`, `parts_url` and `complete_url`).
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = OpenSession, description = "or tus creation headers and no body"),
    responses(
        (status = 201, body = SessionView, description = "`Location` is where the bytes go (a `MultipartSession` on S3)"),
        (status = 404, description = "no such beat of yours"),
        (status = 413, description = "larger than the limit for this kind, or past your storage quota"),
    ))]
#[post("/beats/{id}/uploads")]
#[instrument(skip_all, fields(beat = %path.0, user = %session.0.user_id))]
pub async fn open(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let json =
        header(req.headers(), "content-type").is_some_and(|ct| ct.starts_with("application/json"));
    let asked: OpenSession = if json {
        serde_json::from_slice(&body).map_err(|e| bad("body", &e.to_string()))?
    } else {
        from_tus_headers(req.headers())?
    };
    let new = NewSession {
        kind: asked.kind,
        size: asked.size,
        file_name: asked.filename,
    };
    let opened = upload_sessions::open(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        path.0,
        new,
    )
    .await?;
    let view = match opened {
        Opened::Tus(view) => view,
        Opened::Multipart(view) => {
            return Ok(HttpResponse::Created()
                .insert_header((header::LOCATION, view.upload_url.clone()))
                .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .json(view));
        }
    };
    Ok(tus(&mut HttpResponse::Created())
        .insert_header((header::LOCATION, view.upload_url.clone()))
        .insert_header(("Upload-Offset", view.offset_bytes.to_string()))
        .insert_header(("Upload-Expires", expires(&view)))
        .json(view))
}

/// The session's offset: how many bytes have arrived, where the next `PATCH` starts.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    responses(
        (status = 200, description = "`Upload-Offset` and `Upload-Length`"),
        (status = 404, description = "no such session of yours (finished, terminated or expired)"),
    ))]
#[head("/uploads/{session}")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn show_offset(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
) -> Result<HttpResponse, ApiError> {
    let view = upload_sessions::show(&state.db, &session.0, path.0).await?;
    Ok(tus(&mut HttpResponse::Ok())
        .insert_header(("Upload-Offset", view.offset_bytes.to_string()))
        .insert_header(("Upload-Length", view.size_bytes.to_string()))
        .insert_header(("Upload-Expires", expires(&view)))
        .finish())
}

/// Sends bytes from `Upload-Offset` (body `application/offset+octet-stream`). `409
/// offset_mismatch` (with the real `offset`) when that is not where the upload is. The request
/// that brings the last byte records the upload and answers `200 {upload, jobs}`; the others
/// answer `204`.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    request_body(content = crate::openapi::FileBody, content_type = "application/offset+octet-stream"),
    responses(
        (status = 200, body = UploadAccepted, description = "the last byte: the upload is recorded"),
        (status = 204, description = "stored; `Upload-Offset` is the new offset"),
        (status = 409, description = "`offset_mismatch`, or `upload_busy` while another PATCH runs"),
        (status = 415, description = "not `application/offset+octet-stream`"),
        (status = 422, description = "the completed file cannot be what it claims"),
    ))]
#[patch("/uploads/{session}")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn append(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    if header(headers, "content-type") != Some(OFFSET_OCTET_STREAM) {
        return Err(trackout_core::Error::UnsupportedMediaType {
            expected: OFFSET_OCTET_STREAM,
        }
        .into());
    }
    let offset: u64 = header(headers, "upload-offset")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad("Upload-Offset", "send the offset the bytes start at"))?;
    let appended = upload_sessions::append(
        &state.db,
        &state.storage,
        &state.config,
        &session.0,
        path.0,
        offset,
        sendable(payload),
    )
    .await?;
    Ok(match appended {
        Appended::Partial(view) => tus(&mut HttpResponse::NoContent())
            .insert_header(("Upload-Offset", view.offset_bytes.to_string()))
            .insert_header(("Upload-Expires", expires(&view)))
            .finish(),
        Appended::Complete(accepted) => tus(&mut HttpResponse::Ok())
            .insert_header(("Upload-Offset", accepted.upload.size_bytes.to_string()))
            .json(accepted),
    })
}

/// Termination: the session ends and every byte it received is removed (on S3, the bucket's
/// multipart upload is aborted).
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(("session" = Uuid, Path)),
    responses(
        (status = 204, description = "terminated"),
        (status = 404, description = "no such session of yours"),
    ))]
#[delete("/uploads/{session}")]
#[instrument(skip_all, fields(upload_session = %path.0, user = %session.0.user_id))]
pub async fn terminate(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid,)>,
) -> Result<HttpResponse, ApiError> {
    upload_sessions::terminate(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        path.0,
    )
    .await?;
    Ok(tus(&mut HttpResponse::NoContent()).finish())
}
