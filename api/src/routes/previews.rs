use actix_web::{HttpRequest, HttpResponse, get, web};
use tracing::instrument;
use trackout_core::domain::DeliverableKind;
use trackout_core::services::deliverables::public_file;
use uuid::Uuid;

use crate::files::{StoredFile, serve};
use crate::session::MaybeSession;
use crate::{ApiError, AppState};

async fn answer(
    state: &AppState,
    session: MaybeSession,
    req: &HttpRequest,
    beat: Uuid,
    kind: DeliverableKind,
) -> Result<HttpResponse, ApiError> {
    let file = public_file(&state.db, session.0.as_ref(), beat, kind).await?;
    // The URL stays while a re-render changes the file: revalidate with the ETag.
    let stored = StoredFile::object(file.key, file.size, file.sha256, file.content_type);
    serve(state.storage.as_ref(), req, stored).await
}

/// The voice-tagged MP3 preview of a published beat (or of your own draft). Supports Range.
#[utoipa::path(tag = "catalog", params(("id" = Uuid, Path)), responses(
    (status = 200, content_type = "audio/mpeg", description = "the preview"),
    (status = 206, description = "the requested range"),
    (status = 302, description = "a presigned link to the preview on S3"),
    (status = 404, description = "no such beat, or no preview yet"),
))]
#[get("/beats/{id}/preview")]
#[instrument(skip_all, fields(beat = %id))]
pub async fn preview(
    state: web::Data<AppState>,
    session: MaybeSession,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    answer(&state, session, &req, *id, DeliverableKind::Preview).await
}

/// Waveform peaks of the preview, in BBC audiowaveform JSON (version 2), as peaks.js reads.
#[utoipa::path(tag = "catalog", params(("id" = Uuid, Path)), responses(
    (status = 200, content_type = "application/json", description = "the peaks"),
    (status = 404, description = "no such beat, or no peaks yet"),
))]
#[get("/beats/{id}/peaks")]
#[instrument(skip_all, fields(beat = %id))]
pub async fn peaks(
    state: web::Data<AppState>,
    session: MaybeSession,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    answer(&state, session, &req, *id, DeliverableKind::Peaks).await
}
