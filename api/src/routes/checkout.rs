use actix_web::{HttpRequest, HttpResponse, get, post, web};
use secrecy::ExposeSecret;
use serde_json::json;
use tracing::{instrument, warn};
use trackout_core::payments::{events, signature};
use trackout_core::services::commerce::checkout::{self as service, CheckoutBody, CheckoutStarted};
use trackout_core::services::commerce::licenses::{self, LicenseCheck};
use trackout_core::services::commerce::payment_events;

use crate::session::Session;
use crate::{ApiError, AppState};

/// Starts buying a tier: a pending purchase and a checkout page to pay on (Stripe Checkout, or
/// the development payment page). For the exclusive tier the beat is held while you pay.
#[utoipa::path(tag = "commerce", security(("session" = [])), request_body = CheckoutBody, responses(
    (status = 200, body = CheckoutStarted),
    (status = 404, description = "no such published beat"),
    (status = 409, description = "tier_unavailable, exclusive_on_hold, sold_exclusively or own_beat"),
    (status = 502, description = "the payment provider is unavailable; nothing was charged"),
))]
#[post("/checkout")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn start(
    state: web::Data<AppState>,
    session: Session,
    body: crate::json::Json<CheckoutBody>,
) -> Result<HttpResponse, ApiError> {
    if !state.config.uses_stripe() && !state.dev_payments_allowed() {
        return Err(trackout_core::Error::Unavailable(
            "this store takes no payments: it has no Stripe keys and is not a local test store"
                .into(),
        )
        .into());
    }
    let started = service::start(
        &state.db,
        state.payments.as_ref(),
        &state.config,
        &session.0,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(started))
}

/// Stripe's webhook. The signature is checked on the raw body before anything else; each
/// event is applied once. A 5xx makes Stripe retry, which is what we want when we fail.
#[utoipa::path(tag = "commerce", request_body(content = String, content_type = "application/json"), responses(
    (status = 200, description = "applied, or seen before, or not an event we act on"),
    (status = 400, description = "bad_signature or bad_event: nothing was written"),
))]
#[post("/webhooks/stripe")]
#[instrument(skip_all)]
pub async fn stripe_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let secrets: Vec<&str> = state
        .config
        .commerce
        .stripe_webhook_secrets
        .iter()
        .map(|s| s.expose_secret())
        .collect();
    if secrets.is_empty() {
        return Err(ApiError::bad_request(
            "webhooks_disabled",
            "this store takes no Stripe webhooks (no STRIPE_WEBHOOK_SECRET)",
        ));
    }
    let header = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    if let Err(e) = signature::verify(&body, header, &secrets, now) {
        warn!(error = %e, "refused a webhook");
        return Err(ApiError::bad_request("bad_signature", e.to_string()));
    }
    let envelope =
        events::parse(&body).map_err(|e| ApiError::bad_request("bad_event", e.to_string()))?;
    let applied = payment_events::apply(&state.db, &envelope).await?;
    tracing::info!(event = %envelope.id, kind = %envelope.event_type, ?applied, "webhook");
    Ok(HttpResponse::Ok().json(json!({ "received": true })))
}

/// Anyone can check that a license is genuine and still valid.
#[utoipa::path(tag = "commerce", params(("license_id" = String, Path, example = "TRK-1A2B-3C4D-5E6F")), responses(
    (status = 200, body = LicenseCheck),
    (status = 404, description = "no license with this ID"),
))]
#[get("/licenses/{license_id}")]
#[instrument(skip_all, fields(license = %license_id))]
pub async fn license(
    state: web::Data<AppState>,
    license_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(licenses::verify(&state.db, &license_id).await?))
}
