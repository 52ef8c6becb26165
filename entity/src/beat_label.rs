use sea_orm::entity::prelude::*;

/// A mood or a tag on a beat, one row each so the catalog can filter on them in SQL.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "beat_labels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub beat_id: Uuid,
    /// `mood` or `tag`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
