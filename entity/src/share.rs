use sea_orm::entity::prelude::*;

/// A link an artist hands to their mixing engineer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub purchase_id: Uuid,
    pub label: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub max_downloads: Option<i32>,
    /// Downloads counted against `max_downloads`, taken one at a time by a conditional update.
    pub downloads_used: i32,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
