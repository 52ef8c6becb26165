use sea_orm::entity::prelude::*;

/// Someone who shares a beat's money and publishing with its producer, by email (they may
/// have no account yet). Shares are basis points (`3333` is 33.33 %); the producer keeps what
/// the list leaves. `position` keeps the producer's order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "beat_collaborators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    pub position: i32,
    pub email: String,
    /// How they are credited; their account's name (or the email) when unset.
    pub name: Option<String>,
    pub role: String,
    pub profit_bps: i32,
    pub publishing_bps: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
