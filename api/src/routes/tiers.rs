use actix_web::{HttpResponse, get, put, web};
use tracing::instrument;
use trackout_core::services::{TierView, tiers as service};
use uuid::Uuid;

use crate::session::{MaybeSession, Session};
use crate::{ApiError, AppState};

/// The beat's lease tiers: what each includes, its terms and price.
#[utoipa::path(tag = "tiers", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<TierView>), (status = 404)))]
#[get("/beats/{id}/tiers")]
#[instrument(skip_all, fields(beat = %id))]
pub async fn show(
    state: web::Data<AppState>,
    session: MaybeSession,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, session.0.as_ref(), *id).await?))
}

/// Sets prices, names, terms and availability of the tiers listed; others stay as they are.
#[utoipa::path(tag = "tiers", security(("session" = [])), params(("id" = Uuid, Path)),
    request_body = Vec<service::TierSetting>,
    responses((status = 200, body = Vec<TierView>), (status = 404), (status = 422), (status = 409)))]
#[put("/beats/{id}/tiers")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn replace(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    body: crate::json::Json<Vec<service::TierSetting>>,
) -> Result<HttpResponse, ApiError> {
    let tiers = service::set(&state.db, &session.0, *id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(tiers))
}
