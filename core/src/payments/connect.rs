//! Stripe Connect's side of a payment provider: connected accounts for payees, and money
//! moved to them (transfers) and back (transfer reversals) from the platform's charges.

/// A payee's connected account as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedAccount {
    pub id: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// Made by the development provider: there is no account and no money moves.
    pub simulated: bool,
}

/// One payee's share of one order, sent from the charge that paid for it.
#[derive(Debug, Clone)]
pub struct TransferRequest {
    pub amount_cents: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// The payee's connected account.
    pub destination: String,
    /// The charge the money comes from: Stripe holds the transfer until those funds are
    /// available instead of drawing on the platform's balance.
    pub source_transaction: String,
    /// The order: ties the charge and its transfers together in Stripe's dashboard.
    pub transfer_group: String,
    /// The same for every retry of the same (order, payee).
    pub idempotency_key: String,
}

/// Takes (part of) a transfer back.
#[derive(Debug, Clone)]
pub struct ReversalRequest {
    pub transfer_id: String,
    pub amount_cents: i64,
    pub idempotency_key: String,
}

/// What a new connected account is for.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    pub user_id: uuid::Uuid,
    pub email: String,
    /// One per user: two concurrent onboardings get the same account back.
    pub idempotency_key: String,
}
