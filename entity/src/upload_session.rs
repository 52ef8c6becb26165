use sea_orm::entity::prelude::*;

/// A resumable upload in progress (tus 1.0): `offset_bytes` of `size_bytes` have arrived and
/// wait in the session's part file. Gone once completed, terminated or expired.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    pub user_id: Uuid,
    /// `master`, `trackout` or `voice_tag`.
    pub kind: String,
    pub size_bytes: i64,
    pub offset_bytes: i64,
    pub file_name: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
