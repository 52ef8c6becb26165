use actix_web::{HttpResponse, get, put, web};
use tracing::instrument;
use trackout_core::services::collaborators::{self as service, CollaboratorSetting, Collaborators};
use uuid::Uuid;

use crate::session::Session;
use crate::{ApiError, AppState};

/// The beat's collaborators and what the producer keeps (the beat's producer only).
#[utoipa::path(tag = "collaborators", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Collaborators), (status = 404)))]
#[get("/beats/{id}/collaborators")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn list(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &session.0, *id).await?))
}

/// Replaces the beat's collaborators; new ones are invited by mail. Sales already made keep
/// the split they were made with.
#[utoipa::path(tag = "collaborators", security(("session" = [])), params(("id" = Uuid, Path)),
    request_body = Vec<CollaboratorSetting>,
    responses((status = 200, body = Collaborators), (status = 404), (status = 422)))]
#[put("/beats/{id}/collaborators")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn replace(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    body: crate::json::Json<Vec<CollaboratorSetting>>,
) -> Result<HttpResponse, ApiError> {
    let saved = service::replace(&state.db, &session.0, *id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(saved))
}
