use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use tracing::instrument;
use trackout_core::domain::UploadKind;
use trackout_core::services::uploads::{IncomingUpload, UploadAccepted, store};
use uuid::Uuid;

use crate::session::Session;
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UploadParams {
    /// The file's original name, shown back to the producer.
    filename: Option<String>,
}

/// actix's request body lives on one thread; storage wants a `Send` stream. A small bounded
/// channel hands the chunks over and keeps back-pressure: the client is read no faster than
/// storage takes the bytes.
fn sendable(
    mut payload: web::Payload,
) -> impl Stream<Item = Result<Bytes, String>> + Send + 'static {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, String>>(4);
    actix_web::rt::spawn(async move {
        while let Some(chunk) = payload.next().await {
            let failed = chunk.is_err();
            if tx.send(chunk.map_err(|e| e.to_string())).await.is_err() || failed {
                break;
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

async fn accept(
    kind: UploadKind,
    state: web::Data<AppState>,
    session: Session,
    beat_id: Uuid,
    params: UploadParams,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let incoming = IncomingUpload {
        kind,
        content_type,
        content_length,
        file_name: params.filename,
        body: sendable(payload),
    };
    let accepted = store(
        &state.db,
        state.storage.as_ref(),
        &state.config,
        &session.0,
        beat_id,
        incoming,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(accepted))
}

/// Uploads the master WAV (body `audio/wav`), streamed to storage; starts the trackout check.
#[utoipa::path(tag = "uploads", security(("session" = [])), params(("id" = Uuid, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "audio/wav"),
    responses((status = 202, body = UploadAccepted), (status = 404), (status = 413), (status = 415)))]
#[put("/beats/{id}/master")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn master(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    accept(
        UploadKind::Master,
        state,
        session,
        *id,
        params.into_inner(),
        req,
        payload,
    )
    .await
}

/// Uploads the trackout (body `application/zip` of WAV stems); starts the trackout check.
#[utoipa::path(tag = "uploads", security(("session" = [])), params(("id" = Uuid, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/zip"),
    responses((status = 202, body = UploadAccepted), (status = 404), (status = 413), (status = 415)))]
#[put("/beats/{id}/trackout")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn trackout(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    accept(
        UploadKind::Trackout,
        state,
        session,
        *id,
        params.into_inner(),
        req,
        payload,
    )
    .await
}

/// Uploads the producer's voice tag (body `audio/wav`), mixed into previews.
#[utoipa::path(tag = "uploads", security(("session" = [])), params(("id" = Uuid, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "audio/wav"),
    responses((status = 202, body = UploadAccepted), (status = 404), (status = 413), (status = 415)))]
#[put("/beats/{id}/voice-tag")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn voice_tag(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    accept(
        UploadKind::VoiceTag,
        state,
        session,
        *id,
        params.into_inner(),
        req,
        payload,
    )
    .await
}
