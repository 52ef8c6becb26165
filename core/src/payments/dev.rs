use async_trait::async_trait;

use crate::domain::PaymentProviderKind;

use super::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider, RefundRequest};

/// Stands in for Stripe in development: the checkout page is served by the store itself and
/// its "Pay" button completes the purchase through the same event handling as a webhook.
/// The API refuses to serve it unless the store listens on loopback or it is enabled
/// explicitly (`TRACKOUT_DEV_PAYMENTS=true`).
pub struct DevProvider {
    public_url: String,
}

impl DevProvider {
    pub fn new(public_url: String) -> Self {
        DevProvider { public_url }
    }

    pub fn session_id(purchase_id: uuid::Uuid) -> String {
        format!("cs_dev_{}", purchase_id.simple())
    }
}

#[async_trait]
impl PaymentProvider for DevProvider {
    fn name(&self) -> &'static str {
        PaymentProviderKind::Dev.as_str()
    }

    async fn create_checkout(
        &self,
        request: CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError> {
        Ok(CheckoutSession {
            id: DevProvider::session_id(request.purchase_id),
            url: format!("{}/pay/dev/{}", self.public_url, request.purchase_id),
        })
    }

    /// No money moved, so there is nothing to end: the page itself refuses what is no longer
    /// payable.
    async fn expire_checkout(&self, _session_id: &str) -> Result<(), PaymentError> {
        Ok(())
    }

    /// A simulated refund: nothing was charged.
    async fn refund(&self, request: RefundRequest) -> Result<String, PaymentError> {
        Ok(format!("re_dev_{}", request.idempotency_key))
    }
}
