use std::collections::HashMap;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    ExpireCheckoutSession, ProductData,
};
use stripe_core::refund::CreateRefund;

use crate::domain::PaymentProviderKind;

use super::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider, RefundRequest};

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
        let items: Vec<CreateCheckoutSessionLineItems> = r
            .lines
            .into_iter()
            .map(|line| {
                let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency.clone());
                price.unit_amount = Some(line.amount_cents);
                price.product_data = Some(ProductData::new(line.product_name));
                let mut item = CreateCheckoutSessionLineItems::new();
                item.price_data = Some(price);
                item.quantity = Some(1);
                item
            })
            .collect();
        let purchase = r.purchase_id.to_string();
        let mut request = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Payment)
            .line_items(items)
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
        // One order, one session: a retried request returns the session already made.
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
        match ExpireCheckoutSession::new(session_id)
            .send(&self.client)
            .await
        {
            Ok(_) => Ok(()),
            // 400: the session is no longer open (expired, or completed, which its own
            // `checkout.session.completed` event settles). Nothing is left to end.
            Err(stripe::StripeError::Stripe(_, 400)) => Ok(()),
            Err(e) => Err(PaymentError(e.to_string())),
        }
    }

    async fn refund(&self, r: RefundRequest) -> Result<String, PaymentError> {
        let key =
            IdempotencyKey::new(r.idempotency_key).map_err(|e| PaymentError(e.to_string()))?;
        let refund = CreateRefund::new()
            .payment_intent(r.payment_intent)
            .metadata(HashMap::from([("reason".to_owned(), r.reason)]))
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| PaymentError(e.to_string()))?;
        Ok(refund.id.to_string())
    }
}
