use sea_orm::entity::prelude::*;

/// One movement of a sale's money to (or back from) a payee. `kind`: `transfer` (sent to the
/// payee's connected account, or simulated by the development provider), `accrual` (owed,
/// waiting for a connected account, with payouts enabled) or `reversal` (taken back after a refund or a lost
/// dispute; its amounts are negative).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub payee_id: Uuid,
    pub kind: String,
    /// What the payee gets (negative for a reversal), net of the fee.
    pub amount_cents: i64,
    /// The platform's cut of this payee's share (negative for a reversal: it is given back).
    pub fee_cents: i64,
    pub currency: String,
    pub transfer_id: Option<String>,
    pub reversal_id: Option<String>,
    /// Made by the development payment provider: no money moved.
    pub simulated: bool,
    pub idempotency_key: String,
    /// Why Stripe refused this transfer or reversal for good (retrying cannot help): shown to
    /// the payee until the operator resolves it. Transient failures are retried, not recorded.
    pub payout_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
