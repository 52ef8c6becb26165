use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    /// Argon2id PHC string; empty for an account made by a guest checkout (no password yet).
    pub password_hash: String,
    pub display_name: String,
    /// `producer` or `artist`.
    pub role: String,
    pub created_at: DateTimeUtc,
    /// When the owner proved the address (a verification link, a reset, a claim).
    pub email_verified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
