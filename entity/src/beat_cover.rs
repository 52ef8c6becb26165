use sea_orm::entity::prelude::*;

/// A beat's cover art: the image the producer uploaded and, once the worker has made them,
/// its renditions (each size as WebP and JPEG) under fingerprinted keys.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "beat_covers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub beat_id: Uuid,
    pub original_key: String,
    /// `image/jpeg`, `image/png` or `image/webp`, as sniffed from the bytes.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width: i32,
    pub height: i32,
    /// `queued`, `done` or `failed`.
    pub state: String,
    /// The `CoverRenditions` the worker made.
    pub renditions: Option<Json>,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
