use sea_orm::entity::prelude::*;

/// What one share has served of one file: the copies counted, and the bytes reserved against
/// them (a resumed download spends from its copy's budget instead of counting again).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_file_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file: String,
    pub copies: i32,
    pub bytes_reserved: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
