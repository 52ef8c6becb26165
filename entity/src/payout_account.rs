use sea_orm::entity::prelude::*;

/// A payee's Stripe Connect (Express) account: one per user. The flags are what Stripe's last
/// applied `account.updated` said; `status_event_at` is that event's `created` (Unix seconds),
/// so that an older event delivered late changes nothing. `simulated` rows are made by the
/// development payment provider: no Stripe account exists.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payout_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(unique)]
    pub stripe_account_id: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    pub simulated: bool,
    pub status_event_at: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
