use actix_web::{HttpResponse, delete, get, post, web};
use tracing::instrument;
use trackout_core::services::commerce::library::{self, PurchaseView};
use trackout_core::services::commerce::shares::{self, NewShare, ShareView};
use uuid::Uuid;

use crate::session::Session;
use crate::{ApiError, AppState};

/// Your purchases, each with fresh signed links to every file its tier includes.
#[utoipa::path(tag = "library", security(("session" = [])), responses((status = 200, body = Vec<PurchaseView>)))]
#[get("/purchases")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn list(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(library::list(&state.db, &state.tokens, &session.0, state.link_seconds()).await?))
}

#[utoipa::path(tag = "library", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseView), (status = 404)))]
#[get("/purchases/{id}")]
#[instrument(skip_all, fields(user = %session.0.user_id, purchase = %id))]
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        library::get(
            &state.db,
            &state.tokens,
            &session.0,
            *id,
            state.link_seconds(),
        )
        .await?,
    ))
}

/// Cancels your checkout that is awaiting payment: the provider's session is ended (Stripe
/// then takes no payment for it), an exclusive's hold is released.
#[utoipa::path(tag = "library", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = PurchaseView, description = "the purchase, now `cancelled`"),
    (status = 404, description = "not one of your purchases"),
    (status = 409, description = "not_pending: it was paid, refunded or cancelled already"),
    (status = 502, description = "the payment provider could not end the session; nothing changed"),
))]
#[post("/purchases/{id}/cancel")]
#[instrument(skip_all, fields(user = %session.0.user_id, purchase = %id))]
pub async fn cancel(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        trackout_core::services::commerce::cancel::cancel(
            &state.db,
            state.payments.as_ref(),
            &state.tokens,
            &session.0,
            *id,
            state.link_seconds(),
        )
        .await?,
    ))
}

/// Shares the stems with an engineer: a link (`url`, shown once) that needs no account.
#[utoipa::path(tag = "library", security(("session" = [])), params(("id" = Uuid, Path)), request_body = NewShare,
    responses((status = 201, body = ShareView), (status = 404), (status = 409, description = "not_paid or no_stems"), (status = 422)))]
#[post("/purchases/{id}/shares")]
#[instrument(skip_all, fields(user = %session.0.user_id, purchase = %id))]
pub async fn create_share(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    body: crate::json::Json<NewShare>,
) -> Result<HttpResponse, ApiError> {
    let share =
        shares::create(&state.db, &state.tokens, &session.0, *id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(share))
}

/// The purchase's shares and every download made through each.
#[utoipa::path(tag = "library", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ShareView>), (status = 404)))]
#[get("/purchases/{id}/shares")]
#[instrument(skip_all, fields(user = %session.0.user_id, purchase = %id))]
pub async fn list_shares(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(shares::list(&state.db, &session.0, *id).await?))
}

#[utoipa::path(tag = "library", security(("session" = [])), params(("id" = Uuid, Path), ("share_id" = Uuid, Path)),
    responses((status = 204), (status = 404)))]
#[delete("/purchases/{id}/shares/{share_id}")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn revoke_share(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (purchase, share) = path.into_inner();
    shares::revoke(&state.db, &session.0, purchase, share).await?;
    Ok(HttpResponse::NoContent().finish())
}
