use async_trait::async_trait;
use uuid::Uuid;

use crate::domain::PaymentProviderKind;

use super::{
    AccountRequest, CheckoutRequest, CheckoutSession, ConnectedAccount, PaymentError,
    PaymentProvider, RefundRequest, ReversalRequest, TransferRequest,
};

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

    pub fn session_id(purchase_id: Uuid) -> String {
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

    /// Simulated onboarding: the payee can be paid at once, and the account says it is not
    /// real, so nobody mistakes the development store's earnings for money.
    async fn create_account(&self, r: AccountRequest) -> Result<ConnectedAccount, PaymentError> {
        Ok(ConnectedAccount {
            id: format!("acct_dev_{}", r.user_id.simple()),
            charges_enabled: true,
            payouts_enabled: true,
            details_submitted: true,
            simulated: true,
        })
    }

    /// Nothing to fill in: straight back to where Stripe would have returned the payee.
    async fn onboarding_link(
        &self,
        _account: &str,
        _refresh_url: String,
        return_url: String,
    ) -> Result<String, PaymentError> {
        Ok(return_url)
    }

    async fn charge_of(&self, payment_intent: &str) -> Result<String, PaymentError> {
        Ok(format!("ch_dev_{payment_intent}"))
    }

    async fn transfer(&self, _r: TransferRequest) -> Result<String, PaymentError> {
        Ok(format!("tr_dev_{}", Uuid::now_v7().simple()))
    }

    async fn reverse_transfer(&self, _r: ReversalRequest) -> Result<String, PaymentError> {
        Ok(format!("trr_dev_{}", Uuid::now_v7().simple()))
    }
}
