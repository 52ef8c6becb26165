//! Taking payments: Stripe Checkout and its webhooks, or, without Stripe keys, a development
//! provider that completes purchases through the very same event path.

mod dev;
pub mod events;
pub mod signature;
mod stripe;

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

pub use dev::DevProvider;
pub use stripe::StripeProvider;

use crate::config::Config;

pub struct CheckoutRequest {
    pub purchase_id: Uuid,
    /// What the buyer sees on the payment page, e.g. "Midnight Run — WAV Lease".
    pub product_name: String,
    pub amount_cents: i64,
    pub currency: String,
    pub customer_email: String,
    pub success_url: String,
    pub cancel_url: String,
    /// Unix seconds after which the checkout can no longer be paid (the exclusive hold).
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the payment provider refused or failed: {0}")]
pub struct PaymentError(pub String);

#[async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// `stripe` or `dev`, recorded on each purchase.
    fn name(&self) -> &'static str;
    async fn create_checkout(
        &self,
        request: CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError>;

    /// Ends an open checkout session so that it can no longer be paid (the buyer cancelled
    /// it). Providers without hosted sessions have nothing to end.
    async fn expire_checkout(&self, _session_id: &str) -> Result<(), PaymentError> {
        Ok(())
    }
}

/// Chosen once at start-up: Stripe with keys, the development provider without.
pub fn from_config(config: &Config) -> Result<Arc<dyn PaymentProvider>, PaymentError> {
    Ok(match &config.commerce.stripe_secret_key {
        Some(key) => Arc::new(StripeProvider::new(
            key,
            config.commerce.stripe_api_base.as_deref(),
        )?),
        None => Arc::new(DevProvider::new(config.public_url())),
    })
}
