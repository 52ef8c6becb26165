use std::collections::HashMap;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    ExpireCheckoutSession, ProductData,
};

use crate::domain::PaymentProviderKind;

use super::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider};

/// Stripe Checkout through async-stripe.
pub struct StripeProvider {
    client: stripe::Client,
}

impl StripeProvider {
    pub fn new(secret_key: &SecretString, api_base: Option<&str>) -> Result<Self, PaymentError> {
        let mut builder = stripe::ClientBuilder::new(secret_key.expose_secret());
        if let Some(base) = api_base {
            // The client appends `v1/...` to the base as written.
            builder = builder.url(format!("{}/", base.trim_end_matches('/')));
        }
        let client = builder.build().map_err(|e| PaymentError(e.to_string()))?;
        Ok(StripeProvider { client })
    }
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        PaymentProviderKind::Stripe.as_str()
    }

    async fn create_checkout(&self, r: CheckoutRequest) -> Result<CheckoutSession, PaymentError> {
        let currency = r
            .currency
            .parse::<stripe_types::Currency>()
            .map_err(|_| PaymentError(format!("unknown currency {}", r.currency)))?;
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(r.amount_cents);
        price.product_data = Some(ProductData::new(r.product_name));
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let purchase = r.purchase_id.to_string();
        let mut request = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .client_reference_id(purchase.clone())
            .metadata(HashMap::from([(
                "purchase_id".to_owned(),
                purchase.clone(),
            )]))
            .customer_email(r.customer_email)
            .success_url(r.success_url)
            .cancel_url(r.cancel_url);
        if let Some(expires_at) = r.expires_at {
            request = request.expires_at(expires_at);
        }
        // One purchase, one session: a retried request returns the session already made.
        let key = IdempotencyKey::new(format!("trackout-checkout-{purchase}"))
            .map_err(|e| PaymentError(e.to_string()))?;
        let session = request
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| PaymentError(e.to_string()))?;
        let url = session
            .url
            .ok_or_else(|| PaymentError("Stripe returned a session without a URL".into()))?;
        Ok(CheckoutSession {
            id: session.id.to_string(),
            url,
        })
    }

    async fn expire_checkout(&self, session_id: &str) -> Result<(), PaymentError> {
        ExpireCheckoutSession::new(session_id)
            .send(&self.client)
            .await
            .map(drop)
            .map_err(|e| PaymentError(e.to_string()))
    }
}
