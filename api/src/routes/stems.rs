use actix_web::{HttpResponse, get, web};
use tracing::instrument;
use trackout_core::services::stems::{self, StemInfo};
use uuid::Uuid;

use crate::session::MaybeSession;
use crate::{ApiError, AppState};

/// The stems the beat's trackout holds (names, roles, formats, lengths), as its check measured
/// them: what the trackout and exclusive tiers deliver. No links: the files are the buyer's.
#[utoipa::path(tag = "catalog", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Vec<StemInfo>, description = "empty until the trackout has passed its check"),
    (status = 404, description = "no such beat, or a draft of someone else"),
))]
#[get("/beats/{id}/stems")]
#[instrument(skip_all, fields(beat = %id))]
pub async fn list(
    state: web::Data<AppState>,
    session: MaybeSession,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(stems::public(&state.db, session.0.as_ref(), *id).await?))
}
