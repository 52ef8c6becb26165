//! A producer's bulk deals and coupon codes.

use actix_web::{HttpResponse, delete, get, post, put, web};
use tracing::instrument;
use trackout_core::services::commerce::coupons::{self, CouponBody, CouponView};
use trackout_core::services::commerce::deals::{self, DealBody};

use crate::session::Session;
use crate::{ApiError, AppState};

/// Your bulk deals, in the order you set them.
#[utoipa::path(tag = "commerce", security(("session" = [])), responses((status = 200, body = Vec<DealBody>), (status = 403)))]
#[get("/deals")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn list(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(deals::list(&state.db, &session.0).await?))
}

/// Replaces your bulk deals ("buy `buy` of these tiers, get `free` more free, the cheapest").
/// Each cart gets the one deal of yours that takes the most off your items in it.
#[utoipa::path(tag = "commerce", security(("session" = [])), request_body = Vec<DealBody>,
    responses((status = 200, body = Vec<DealBody>), (status = 403), (status = 422)))]
#[put("/deals")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn replace(
    state: web::Data<AppState>,
    session: Session,
    body: crate::json::Json<Vec<DealBody>>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(deals::replace(&state.db, &session.0, body.into_inner()).await?))
}

/// Your coupons, live and retired, newest first, with how many orders used each.
#[utoipa::path(tag = "commerce", security(("session" = [])), responses((status = 200, body = Vec<CouponView>), (status = 403)))]
#[get("/coupons")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn list_coupons(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(coupons::list(&state.db, &session.0).await?))
}

/// Makes a coupon code for your beats. A live code names one coupon in the whole store.
#[utoipa::path(tag = "commerce", security(("session" = [])), request_body = CouponBody, responses(
    (status = 201, body = CouponView), (status = 403),
    (status = 409, description = "coupon_code_taken"), (status = 422),
))]
#[post("/coupons")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn create_coupon(
    state: web::Data<AppState>,
    session: Session,
    body: crate::json::Json<CouponBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created()
        .json(coupons::create(&state.db, &session.0, body.into_inner()).await?))
}

/// Retires a coupon: no new checkout takes it; past sales keep their prices.
#[utoipa::path(tag = "commerce", security(("session" = [])), params(("code" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
#[delete("/coupons/{code}")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn retire_coupon(
    state: web::Data<AppState>,
    session: Session,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    coupons::retire(&state.db, &session.0, &code).await?;
    Ok(HttpResponse::NoContent().finish())
}
