//! What both Stripe webhook endpoints check before reading a byte of the event: that this
//! store takes the endpoint's events at all, and that the `Stripe-Signature` header signs the
//! raw body with one of the endpoint's secrets.

use actix_web::HttpRequest;
use secrecy::{ExposeSecret, SecretString};
use tracing::warn;
use trackout_core::payments::signature;

use crate::ApiError;

/// Refuses the request unless it is signed with one of `secrets` (`variable` names where
/// they are set, for the error when none are).
pub fn verify(
    req: &HttpRequest,
    body: &[u8],
    secrets: &[SecretString],
    variable: &str,
) -> Result<(), ApiError> {
    let secrets: Vec<&str> = secrets.iter().map(|s| s.expose_secret()).collect();
    if secrets.is_empty() {
        return Err(ApiError::bad_request(
            "webhooks_disabled",
            format!("this store takes no webhooks here (no {variable})"),
        ));
    }
    let header = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    signature::verify(body, header, &secrets, now).map_err(|e| {
        warn!(error = %e, endpoint = variable, "refused a webhook");
        ApiError::bad_request("bad_signature", e.to_string())
    })
}
