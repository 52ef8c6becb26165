use sea_orm::entity::prelude::*;

/// The order that took a use of a coupon. `held`: the use counts in the coupon's `uses`
/// (false once the checkout was cancelled or expired unpaid).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupon_redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    pub coupon_id: Uuid,
    pub held: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
