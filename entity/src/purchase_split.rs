use sea_orm::entity::prelude::*;

/// One party to a purchase as frozen at checkout: the producer (position 0, `email` null)
/// and each collaborator, with the shares the license prints and the ledger pays by.
/// `payee_id` is the account paid; null while a collaborator's email has no verified account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_splits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub purchase_id: Uuid,
    pub position: i32,
    pub email: Option<String>,
    pub payee_id: Option<Uuid>,
    pub name: String,
    pub role: String,
    pub profit_bps: i32,
    pub publishing_bps: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
