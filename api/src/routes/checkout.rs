use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;
use tracing::instrument;
use trackout_core::domain::PaymentProviderKind;
use trackout_core::payments::events;
use trackout_core::services::commerce::checkout::{self as service, CheckoutBody, CheckoutStarted};
use trackout_core::services::commerce::licenses::{self, LicenseCheck};
use trackout_core::services::commerce::pricing::{self, Quote};
use trackout_core::services::commerce::{dev_checkout, payment_events};
use trackout_core::services::guest;

use crate::session::MaybeSession;
use crate::{ApiError, AppState};

/// What `POST /checkout` takes: with a session, the beat and tier; without one (a guest),
/// also the `email` the purchase, its receipt and its claim link go to.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CheckoutRequest {
    /// One item (`beat_id` and `tier`) or a cart (`items`), and a `coupon`.
    #[serde(flatten)]
    checkout: CheckoutBody,
    /// A guest's email (ignored with a session).
    #[schema(value_type = Option<String>)]
    email: Option<trackout_core::domain::Email>,
    /// A guest's name for the license (defaults to the account's).
    name: Option<String>,
}

/// Starts buying a tier: a pending purchase and a checkout page to pay on (Stripe Checkout, or
/// the development payment page). For the exclusive tier the beat is held while you pay.
/// Without a session it is a guest checkout for the `email` given: the answer is the same
/// whether or not that email has an account.
#[utoipa::path(tag = "commerce", security((), ("session" = [])), request_body = CheckoutRequest, responses(
    (status = 200, body = CheckoutStarted),
    (status = 404, description = "no such published beat"),
    (status = 409, description = "tier_unavailable, exclusive_on_hold, sold_exclusively or own_beat"),
    (status = 422, description = "invalid_input: a guest checkout needs an `email`"),
    (status = 429, description = "rate_limited"),
    (status = 502, description = "the payment provider is unavailable; nothing was charged"),
))]
#[post("/checkout")]
#[instrument(skip_all)]
pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: MaybeSession,
    body: crate::json::Json<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    if !state.config.uses_stripe() && !state.dev_payments_allowed() {
        return Err(trackout_core::Error::Unavailable(
            "this store takes no payments: it has no Stripe keys and is not a local test store"
                .into(),
        )
        .into());
    }
    let body = body.into_inner();
    let (address, _) = super::auth::client(&req, &state);
    let limits = &state.limits;
    let mut started: CheckoutStarted = match session.0 {
        Some(actor) => {
            limits.check(&limits.checkout, address.0, None)?;
            service::start(
                &state.db,
                state.payments.as_ref(),
                &state.config,
                &actor,
                body.checkout,
            )
            .await?
        }
        None => {
            let email = body.email.ok_or_else(|| {
                trackout_core::Error::invalid(
                    "email",
                    "log in, or give an email for the receipt and your files",
                )
            })?;
            limits.check(
                &limits.checkout,
                address.0,
                Some((&limits.checkout_account, email.as_str())),
            )?;
            guest::start(
                state.accounts(),
                state.payments.as_ref(),
                guest::GuestCheckout {
                    checkout: body.checkout,
                    email,
                    name: body.name,
                },
            )
            .await?
        }
    };
    if PaymentProviderKind::Dev.is(state.payments.name()) && !started.paid {
        // The development page is paid by whoever holds this URL, exactly as Stripe's is.
        started.checkout_url =
            dev_checkout::pay_link(&state.tokens, started.purchase_id, &started.checkout_url);
    }
    Ok(HttpResponse::Ok().json(started))
}

/// What a checkout of these items (and coupon) would cost, line by line: list price, what the
/// bulk deal and the coupon take off, and the price paid; and why the coupon does not apply,
/// if it does not. Starts nothing, holds nothing, takes no coupon use.
#[utoipa::path(tag = "commerce", security((), ("session" = [])), request_body = CheckoutBody, responses(
    (status = 200, body = Quote),
    (status = 404, description = "no such published beat"),
    (status = 409, description = "tier_unavailable, sold_exclusively, own_beat or already_owned"),
    (status = 422, description = "invalid_input"),
    (status = 429, description = "rate_limited"),
))]
#[post("/checkout/quote")]
#[instrument(skip_all)]
pub async fn quote(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: MaybeSession,
    body: crate::json::Json<CheckoutBody>,
) -> Result<HttpResponse, ApiError> {
    // Coupon codes are guessable words: quotes share the checkout's limit per address.
    let (address, _) = super::auth::client(&req, &state);
    state
        .limits
        .check(&state.limits.checkout, address.0, None)?;
    let quote: Quote = pricing::quote(
        &state.db,
        &state.config,
        session.0.as_ref(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(quote))
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
    super::webhook_signature::verify(
        &req,
        &body,
        &state.config.commerce.stripe_webhook_secrets,
        "STRIPE_WEBHOOK_SECRET",
    )?;
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
