use sea_orm::entity::prelude::*;

/// A producer's coupon code. `code` is stored upper-case (codes are matched ignoring case)
/// and names one live coupon in the whole store. Exactly one of `percent_off` and
/// `amount_off_cents` is set. `uses` counts the orders holding a use (`coupon_redemptions`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub producer_id: Uuid,
    pub code: String,
    pub percent_off: Option<i32>,
    pub amount_off_cents: Option<i64>,
    pub expires_at: Option<DateTimeUtc>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    /// A JSON array of beat ids, when the coupon covers only those.
    pub beat_ids: Option<Json>,
    /// A JSON array of tier kinds, when the coupon covers only those.
    pub tiers: Option<Json>,
    pub created_at: DateTimeUtc,
    /// Retired by the producer: it applies to no new checkout.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
