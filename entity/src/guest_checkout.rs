use sea_orm::entity::prelude::*;

/// A purchase started without a session, for the account of the email given.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guest_checkouts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub purchase_id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
