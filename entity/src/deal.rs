use sea_orm::entity::prelude::*;

/// A producer's bulk deal: in each group of `buy + free` of their items of these tiers in one
/// cart, the cheapest `free` are free. `tiers` is a JSON array of tier kinds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub producer_id: Uuid,
    /// Where it stands in the producer's list (the order they sent).
    pub position: i32,
    pub buy: i32,
    pub free: i32,
    pub tiers: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
