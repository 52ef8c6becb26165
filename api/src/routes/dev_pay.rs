//! The development payment provider's checkout page. It exists only when Stripe is not
//! configured and nothing says the store is public. Its "Pay" button goes through exactly the
//! event handling a Stripe webhook does.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use tracing::instrument;
use trackout_core::services::commerce::dev_checkout;
use uuid::Uuid;

use crate::{ApiError, AppState};

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PayLink {
    /// The proof in the link the buyer was given at checkout.
    t: Option<String>,
}

/// Served only where the development provider may run, and only to the holder of the link
/// the buyer was given (signed in or a guest): a guessed purchase id opens nothing.
fn allowed(state: &AppState, id: Uuid, link: &PayLink) -> Result<(), ApiError> {
    if !state.dev_payments_allowed() {
        return Err(trackout_core::Error::NotFound("page").into());
    }
    Ok(dev_checkout::may_pay(&state.tokens, id, link.t.as_deref())?)
}

/// The development provider's checkout page (only without Stripe, only where nothing says the
/// store is public unless `TRACKOUT_DEV_PAYMENTS=true`).
#[utoipa::path(tag = "commerce", params(("id" = Uuid, Path), PayLink), responses(
    (status = 200, content_type = "text/html", description = "a clearly labelled test checkout"),
    (status = 403, description = "the link's proof is missing, expired or for another checkout"),
    (status = 404, description = "no such checkout, or development payments are off"),
))]
#[get("/pay/dev/{id}")]
#[instrument(skip_all, fields(purchase = %id))]
pub async fn page(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    link: web::Query<PayLink>,
) -> Result<HttpResponse, ApiError> {
    allowed(&state, *id, &link)?;
    let checkout = dev_checkout::show(&state.db, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::pages::dev_checkout(&checkout).into_string()))
}

/// "Pay" on the development checkout: completes the purchase through the webhook's code path.
#[utoipa::path(tag = "commerce", params(("id" = Uuid, Path), PayLink), responses(
    (status = 303, description = "paid; on to the purchase, or for a cart to the library"),
    (status = 403, description = "the link's proof is missing, expired or for another checkout"),
    (status = 409, description = "checkout_expired: the exclusive hold ran out"),
    (status = 404, description = "no such checkout, or development payments are off"),
))]
#[post("/pay/dev/{id}")]
#[instrument(skip_all, fields(purchase = %id))]
pub async fn pay(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    link: web::Query<PayLink>,
) -> Result<HttpResponse, ApiError> {
    allowed(&state, *id, &link)?;
    let next = dev_checkout::pay(&state.db, *id).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .finish())
}
