use std::collections::HashMap;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, ExpireCheckoutSession, ProductData,
};
use stripe_core::refund::CreateRefund;

use crate::domain::PaymentProviderKind;

use super::{
    AccountRequest, CheckoutRequest, CheckoutSession, ConnectedAccount, PaymentError,
    PaymentProvider, RefundRequest, ReversalRequest, TransferRequest, stripe_connect,
};

/// Stripe Checkout through async-stripe.
pub struct StripeProvider {
    client: stripe::Client,
    /// A marketplace: each charge is grouped with the transfers it pays for (separate
    /// charges and transfers), by its order.
    connect: bool,
}

/// Failures by kind: Stripe refusing the request as sent is final, except a rate limit (429)
/// and a request still running under the same idempotency key (409); a 5xx, a dropped
/// connection or an answer we could not read may pass next time (the key makes a retry safe).
pub(super) fn classify(e: stripe::StripeError) -> PaymentError {
    match &e {
        stripe::StripeError::Stripe(_, status)
            if (400..500).contains(status) && *status != 429 && *status != 409 =>
        {
            PaymentError::permanent(e.to_string())
        }
        stripe::StripeError::ConfigError(_) => PaymentError::permanent(e.to_string()),
        _ => PaymentError::transient(e.to_string()),
    }
}

pub(super) fn key(raw: String) -> Result<IdempotencyKey, PaymentError> {
    IdempotencyKey::new(raw).map_err(|e| PaymentError::permanent(e.to_string()))
}

impl StripeProvider {
    pub fn new(
        secret_key: &SecretString,
        api_base: Option<&str>,
        connect: bool,
    ) -> Result<Self, PaymentError> {
        let mut builder = stripe::ClientBuilder::new(secret_key.expose_secret());
        if let Some(base) = api_base {
            // The client appends `v1/...` to the base as written.
            builder = builder.url(format!("{}/", base.trim_end_matches('/')));
        }
        let client = builder
            .build()
            .map_err(|e| PaymentError::permanent(e.to_string()))?;
        Ok(StripeProvider { client, connect })
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
            .map_err(|_| PaymentError::permanent(format!("unknown currency {}", r.currency)))?;
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
        if self.connect {
            let mut intent = CreateCheckoutSessionPaymentIntentData::new();
            intent.transfer_group = Some(purchase.clone());
            request = request.payment_intent_data(intent);
        }
        // One order, one session: a retried request returns the session already made.
        let key = key(format!("trackout-checkout-{purchase}"))?;
        let session = request
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(classify)?;
        let url = session
            .url
            .ok_or_else(|| PaymentError::transient("Stripe returned a session without a URL"))?;
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
            Err(e) => Err(classify(e)),
        }
    }

    async fn refund(&self, r: RefundRequest) -> Result<String, PaymentError> {
        let key = key(r.idempotency_key)?;
        let refund = CreateRefund::new()
            .payment_intent(r.payment_intent)
            .metadata(HashMap::from([("reason".to_owned(), r.reason)]))
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(classify)?;
        Ok(refund.id.to_string())
    }

    async fn create_account(&self, r: AccountRequest) -> Result<ConnectedAccount, PaymentError> {
        stripe_connect::create_account(&self.client, r).await
    }

    async fn onboarding_link(
        &self,
        account: &str,
        refresh_url: String,
        return_url: String,
    ) -> Result<String, PaymentError> {
        stripe_connect::onboarding_link(&self.client, account, refresh_url, return_url).await
    }

    async fn charge_of(&self, payment_intent: &str) -> Result<String, PaymentError> {
        stripe_connect::charge_of(&self.client, payment_intent).await
    }

    async fn transfer(&self, r: TransferRequest) -> Result<String, PaymentError> {
        stripe_connect::transfer(&self.client, r).await
    }

    async fn reverse_transfer(&self, r: ReversalRequest) -> Result<String, PaymentError> {
        stripe_connect::reverse_transfer(&self.client, r).await
    }
}
