use sea_orm::entity::prelude::*;

/// A buyer's purchase of one tier of one beat. Tier, price and terms are copied at checkout:
/// a license says what was sold then, whatever the producer changes later.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub buyer_id: Uuid,
    pub beat_id: Uuid,
    /// The beat's title when it was bought: what the license and the file names say.
    pub beat_title: String,
    pub tier_kind: String,
    pub tier_name: String,
    /// What this item sells for in its order: the tier's list price less `deal_cents` and
    /// `coupon_cents`. What the buyer pays, the license prints and the payees share.
    pub price_cents: i64,
    pub currency: String,
    pub terms: Json,
    pub buyer_name: String,
    /// `pending`, `paid`, `held`, `cancelled`, `refunded` or `revoked`.
    pub status: String,
    /// `stripe` or `dev`.
    pub provider: String,
    pub checkout_session_id: Option<String>,
    pub payment_intent_id: Option<String>,
    pub license_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoke_reason: Option<String>,
    /// What the payment provider says it charged (Stripe's `amount_total`).
    pub amount_paid_cents: Option<i64>,
    /// Refunded so far; a partial refund keeps the license.
    pub amount_refunded_cents: i64,
    /// Why a paid purchase is held instead of fulfilled (the amount charged was not the price).
    pub hold_reason: Option<String>,
    /// The checkout it was bought in: one payment, one transfer per payee. Set on every
    /// purchase (older ones were each their own order).
    pub order_id: Option<Uuid>,
    /// Taken off the list price by the producer's bulk deal (all of it for a free item).
    pub deal_cents: i64,
    /// Taken off the list price by the order's coupon (this item's share of it).
    pub coupon_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
