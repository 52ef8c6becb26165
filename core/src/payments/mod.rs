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

/// One line of a checkout: one purchase.
pub struct CheckoutLine {
    /// What the buyer sees on the payment page, e.g. "Midnight Run — WAV Lease".
    pub product_name: String,
    pub amount_cents: i64,
}

pub struct CheckoutRequest {
    /// The order (its first purchase's id): what the payment events name.
    pub purchase_id: Uuid,
    pub lines: Vec<CheckoutLine>,
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

impl From<PaymentError> for crate::Error {
    /// A provider that refuses or fails may well succeed on the next attempt (a job retries).
    fn from(e: PaymentError) -> Self {
        crate::Error::Unavailable(e.to_string())
    }
}

/// A full refund of one payment, made once however often it is asked for.
pub struct RefundRequest {
    pub payment_intent: String,
    /// The same key for every retry of the same refund.
    pub idempotency_key: String,
    /// Why, in words: kept in the refund's metadata for the operator.
    pub reason: String,
}

#[async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// `stripe` or `dev`, recorded on each purchase.
    fn name(&self) -> &'static str;
    async fn create_checkout(
        &self,
        request: CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError>;
    /// Ends an open checkout so that it can no longer be paid. A checkout that already ended
    /// (expired, or completed: its payment event will say so) is not an error.
    async fn expire_checkout(&self, session_id: &str) -> Result<(), PaymentError>;
    /// Refunds a payment in full; returns the provider's refund id.
    async fn refund(&self, request: RefundRequest) -> Result<String, PaymentError>;
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
