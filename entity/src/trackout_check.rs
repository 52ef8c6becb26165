use sea_orm::entity::prelude::*;

/// The stored report of one trackout check, tied to the exact uploads it read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trackout_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    pub trackout_upload_id: Uuid,
    pub master_upload_id: Option<Uuid>,
    pub passes: bool,
    pub error_count: i32,
    pub warning_count: i32,
    pub report: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
