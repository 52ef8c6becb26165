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
pub(crate) fn sendable(
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

/// Uploads one of a beat's files, streamed to storage: `master` (body `audio/wav`) starts the
/// trackout check and the preview, `trackout` (body `application/zip` of WAV stems) starts the
/// check, `voice-tag` (body `audio/wav`) re-renders the preview. A re-upload replaces the file.
#[utoipa::path(tag = "uploads", security(("session" = [])),
    params(
        ("id" = Uuid, Path),
        ("kind" = String, Path, description = "what is uploaded", example = "master",
            pattern = "^(master|trackout|voice-tag)$"),
        UploadParams,
    ),
    request_body(
        description = "`audio/wav` for the master and the voice tag, `application/zip` (WAV stems) for the trackout",
        content((crate::openapi::FileBody = "audio/wav"), (crate::openapi::FileBody = "application/zip")),
    ),
    responses(
        (status = 202, body = UploadAccepted),
        (status = 404, description = "no such beat of yours, or no such kind of upload"),
        (status = 413, description = "larger than the limit for this kind"),
        (status = 415, description = "a body type this kind does not take"),
        (status = 422, description = "the body cannot be what it claims (an MP3 as the master)"),
    ))]
#[put("/beats/{id}/{kind:master|trackout|voice-tag}")]
#[instrument(skip_all, fields(beat = %path.0, kind = %path.1, user = %session.0.user_id))]
pub async fn upload(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid, String)>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (beat_id, segment) = path.into_inner();
    let kind =
        UploadKind::from_route_segment(&segment).ok_or(trackout_core::Error::NotFound("upload"))?;
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
        file_name: params.into_inner().filename,
        body: sendable(payload),
    };
    let accepted = store(
        &state.db,
        &state.storage,
        &state.config,
        &session.0,
        beat_id,
        incoming,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(accepted))
}
