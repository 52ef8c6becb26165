//! Getting paid on a marketplace: connecting a Stripe Express account, the Connect webhook
//! that keeps it current, and what the ledger says you were paid.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;
use tracing::instrument;
use trackout_core::payments::connect_events;
use trackout_core::services::commerce::payouts::accounts::{self, Onboarding};
use trackout_core::services::commerce::payouts::view::{self, Payouts};

use crate::session::Session;
use crate::{ApiError, AppState};

/// Connects a payout account: your Stripe Express account (made once, however often or
/// concurrently this is called) and a fresh single-use link to Stripe's onboarding; it
/// returns to `/payouts` on this store. With the development payment provider the account is
/// simulated and takes payouts at once (`simulated: true`; no money ever moves).
#[utoipa::path(tag = "payouts", security(("session" = [])), responses(
    (status = 200, body = Onboarding),
    (status = 403, description = "email_not_verified"),
    (status = 409, description = "not_a_marketplace: a single-seller store pays nobody out"),
    (status = 502, description = "Stripe is unavailable; try again"),
))]
#[post("/payouts/onboarding")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn onboarding(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    let started = accounts::onboard(
        &state.db,
        state.payments.as_ref(),
        &state.config,
        &session.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(started))
}

/// Your payout account's status, what you are owed (accrued until payouts are enabled), were
/// paid and had taken back by refunds and lost disputes, and a line per item sold: its fee,
/// your net, the transfer and where it stands.
#[utoipa::path(tag = "payouts", security(("session" = [])), responses((status = 200, body = Payouts)))]
#[get("/payouts")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn show(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(view::for_payee(&state.db, &state.config.commerce, &session.0).await?))
}

/// Stripe's Connect webhook (events of the payees' connected accounts), signed with its own
/// secret (`STRIPE_CONNECT_WEBHOOK_SECRET`) and checked exactly as the platform's. Each event
/// is applied once; an unknown account or an older event than the last one applied changes
/// nothing and is acknowledged.
#[utoipa::path(tag = "payouts", request_body(content = String, content_type = "application/json"), responses(
    (status = 200, description = "applied, seen before, stale, for an account not ours, or not an event we act on"),
    (status = 400, description = "webhooks_disabled, bad_signature or bad_event: nothing was written"),
))]
#[post("/webhooks/stripe-connect")]
#[instrument(skip_all)]
pub async fn connect_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    super::webhook_signature::verify(
        &req,
        &body,
        &state.config.commerce.stripe_connect_webhook_secrets,
        "STRIPE_CONNECT_WEBHOOK_SECRET",
    )?;
    let envelope = connect_events::parse(&body)
        .map_err(|e| ApiError::bad_request("bad_event", e.to_string()))?;
    let applied = accounts::apply(&state.db, &envelope).await?;
    tracing::info!(event = %envelope.id, kind = %envelope.event_type, ?applied, "Connect webhook");
    Ok(HttpResponse::Ok().json(json!({ "received": true })))
}
