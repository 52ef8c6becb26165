use actix_web::{HttpResponse, get, web};
use tracing::instrument;
use trackout_core::services::processing::{Processing, status};
use uuid::Uuid;

use crate::session::Session;
use crate::{ApiError, AppState};

/// Each upload, the state of its jobs, and the trackout check report once there is one.
#[utoipa::path(tag = "uploads", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Processing), (status = 404)))]
#[get("/beats/{id}/processing")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(status(&state.db, &session.0, *id).await?))
}
