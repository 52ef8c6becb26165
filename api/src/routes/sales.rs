use actix_web::{HttpResponse, get, web};
use tracing::instrument;
use trackout_core::services::commerce::sales::{Sales, for_producer};

use crate::session::Session;
use crate::{ApiError, AppState};

/// Your sales per beat and tier, with totals (refunded and disputed sales listed, not counted);
/// on a marketplace, what the ledger says each sale paid you, and your earnings.
#[utoipa::path(tag = "commerce", security(("session" = [])), responses((status = 200, body = Sales), (status = 403)))]
#[get("/sales")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn show(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(for_producer(&state.db, &session.0, &state.config.commerce).await?))
}
