use sea_orm::entity::prelude::*;

/// The file a producer uploaded for a beat: its master, trackout or voice tag. One current row
/// per beat and kind; a re-upload replaces the row and purges the old object.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    /// `master`, `trackout` or `voice_tag`.
    pub kind: String,
    pub storage_key: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content_type: String,
    pub file_name: Option<String>,
    /// What the upload inflates to once unpacked (a trackout zip's stems), for quotas.
    pub inflated_bytes: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
