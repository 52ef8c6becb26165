use sea_orm::entity::prelude::*;

/// An account's TOTP secret (RFC 6238). `enabled_at` is empty until a code confirms the
/// enrolment; `last_step` is the last 30-second step a code was accepted for, so that no code
/// is accepted twice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The shared secret, base32 as authenticator apps show it.
    pub secret: String,
    pub enabled_at: Option<DateTimeUtc>,
    pub last_step: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
