//! Producers' public pages: what a producer sets about themselves, what anyone reads.

use actix_web::{HttpResponse, get, patch, web};
use tracing::instrument;
use trackout_core::services::profiles::{self, ProfileChanges, ProfileView};

use crate::session::Session;
use crate::{ApiError, AppState};

/// Changes how you appear in the store: your name, and (producers) the handle of your page
/// `/p/<handle>`, its bio and links. Absent fields stay as they are.
#[utoipa::path(tag = "accounts", security(("session" = [])), request_body = ProfileChanges, responses(
    (status = 200, body = ProfileView),
    (status = 403, description = "handle, bio and links are for producers"),
    (status = 409, description = "handle_taken (handles are unique, ignoring case)"),
    (status = 422, description = "invalid_input, with the `field`"),
))]
#[patch("/me")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn update_me(
    state: web::Data<AppState>,
    session: Session,
    body: crate::json::Json<ProfileChanges>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(profiles::update_me(&state.db, &session.0, body.into_inner()).await?))
}

/// A producer's page for clients: name, handle, bio, links. Their beats are
/// `GET /api/v1/beats?producer=<handle>`.
#[utoipa::path(tag = "catalog", params(("handle" = String, Path, description = "the handle (any case), or the producer's id")), responses(
    (status = 200, body = ProfileView),
    (status = 404, description = "no producer by that handle"),
))]
#[get("/producers/{handle}")]
#[instrument(skip_all, fields(producer = %handle))]
pub async fn producer(
    state: web::Data<AppState>,
    handle: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(profiles::producer(&state.db, &handle).await?))
}
