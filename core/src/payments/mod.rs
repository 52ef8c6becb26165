//! Taking payments: Stripe Checkout and its webhooks, or, without Stripe keys, a development
//! provider that completes purchases through the very same event path.

pub mod connect;
pub mod connect_events;
mod dev;
pub mod events;
pub mod signature;
mod stripe;
mod stripe_connect;

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

pub use connect::{AccountRequest, ConnectedAccount, ReversalRequest, TransferRequest};
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
#[error("the payment provider refused or failed: {message}")]
pub struct PaymentError {
    pub message: String,
    /// The provider refused the request as sent (a 4xx other than a rate limit or a request
    /// still in flight under the same idempotency key): sending it again cannot help.
    pub permanent: bool,
}

impl PaymentError {
    pub fn transient(message: impl Into<String>) -> Self {
        PaymentError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        PaymentError {
            message: message.into(),
            permanent: true,
        }
    }
}

impl From<PaymentError> for crate::Error {
    /// A provider that refuses or fails may well succeed on the next attempt (a job retries).
    /// Money movements that can be refused for good read `permanent` themselves and record it.
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
    /// Creates a payee's Express account (once per idempotency key).
    async fn create_account(
        &self,
        request: AccountRequest,
    ) -> Result<ConnectedAccount, PaymentError>;
    /// A single-use link to the provider's onboarding for `account`; `refresh_url` is where an
    /// expired link sends the payee (to ask for a new one), `return_url` where they land after.
    async fn onboarding_link(
        &self,
        account: &str,
        refresh_url: String,
        return_url: String,
    ) -> Result<String, PaymentError>;
    /// The charge a payment intent made: what transfers are sourced from.
    async fn charge_of(&self, payment_intent: &str) -> Result<String, PaymentError>;
    /// Sends a payee their share; returns the transfer id (the same one for a repeated key).
    async fn transfer(&self, request: TransferRequest) -> Result<String, PaymentError>;
    /// Takes a transfer back; returns the reversal id (the same one for a repeated key).
    async fn reverse_transfer(&self, request: ReversalRequest) -> Result<String, PaymentError>;
}

/// Chosen once at start-up: Stripe with keys, the development provider without.
pub fn from_config(config: &Config) -> Result<Arc<dyn PaymentProvider>, PaymentError> {
    Ok(match &config.commerce.stripe_secret_key {
        Some(key) => Arc::new(StripeProvider::new(
            key,
            config.commerce.stripe_api_base.as_deref(),
            config.commerce.selling == crate::domain::SellingMode::Marketplace,
        )?),
        None => Arc::new(DevProvider::new(config.public_url())),
    })
}
