//! Stripe Connect through async-stripe: Express accounts and their onboarding links,
//! transfers from a charge to a connected account, and transfer reversals. Every call that
//! moves money or creates something carries an idempotency key, so a retry after a dropped
//! connection returns what the first attempt made.

use std::collections::HashMap;

use stripe::{RequestStrategy, StripeRequest};
use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers, CreateAccountType,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::CreateTransfer;
use stripe_connect::transfer_reversal::CreateIdTransferReversal;
use stripe_core::payment_intent::RetrievePaymentIntent;

use super::stripe::{classify, key};
use super::{AccountRequest, ConnectedAccount, PaymentError, ReversalRequest, TransferRequest};

pub(super) async fn create_account(
    client: &stripe::Client,
    r: AccountRequest,
) -> Result<ConnectedAccount, PaymentError> {
    let mut transfers = CreateAccountCapabilitiesTransfers::new();
    transfers.requested = Some(true);
    let mut capabilities = CreateAccountCapabilities::new();
    capabilities.transfers = Some(transfers);
    let account = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .email(r.email)
        .capabilities(capabilities)
        .metadata(HashMap::from([(
            "trackout_user_id".to_owned(),
            r.user_id.to_string(),
        )]))
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key(r.idempotency_key)?))
        .send(client)
        .await
        .map_err(classify)?;
    Ok(ConnectedAccount {
        id: account.id.to_string(),
        charges_enabled: account.charges_enabled.unwrap_or(false),
        payouts_enabled: account.payouts_enabled.unwrap_or(false),
        details_submitted: account.details_submitted.unwrap_or(false),
        simulated: false,
    })
}

pub(super) async fn onboarding_link(
    client: &stripe::Client,
    account: &str,
    refresh_url: String,
    return_url: String,
) -> Result<String, PaymentError> {
    let link = CreateAccountLink::new(account, CreateAccountLinkType::AccountOnboarding)
        .refresh_url(refresh_url)
        .return_url(return_url)
        .send(client)
        .await
        .map_err(classify)?;
    Ok(link.url)
}

pub(super) async fn charge_of(
    client: &stripe::Client,
    payment_intent: &str,
) -> Result<String, PaymentError> {
    let intent = RetrievePaymentIntent::new(payment_intent)
        .send(client)
        .await
        .map_err(classify)?;
    // A succeeded payment has its charge; one without is not settled yet, so try later.
    intent
        .latest_charge
        .map(|c| c.id().to_string())
        .ok_or_else(|| PaymentError::transient(format!("{payment_intent} has no charge yet")))
}

pub(super) async fn transfer(
    client: &stripe::Client,
    r: TransferRequest,
) -> Result<String, PaymentError> {
    let currency = r
        .currency
        .parse::<stripe_types::Currency>()
        .map_err(|_| PaymentError::permanent(format!("unknown currency {}", r.currency)))?;
    let transfer = CreateTransfer::new(currency, r.destination)
        .amount(r.amount_cents)
        .source_transaction(r.source_transaction)
        .transfer_group(r.transfer_group)
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key(r.idempotency_key)?))
        .send(client)
        .await
        .map_err(classify)?;
    Ok(transfer.id.to_string())
}

pub(super) async fn reverse_transfer(
    client: &stripe::Client,
    r: ReversalRequest,
) -> Result<String, PaymentError> {
    let reversal = CreateIdTransferReversal::new(r.transfer_id.as_str())
        .amount(r.amount_cents)
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key(r.idempotency_key)?))
        .send(client)
        .await
        .map_err(classify)?;
    Ok(reversal.id.to_string())
}
