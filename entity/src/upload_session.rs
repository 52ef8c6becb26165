use sea_orm::entity::prelude::*;

/// A resumable upload in progress. Over tus 1.0 (local storage), `offset_bytes` of
/// `size_bytes` have arrived and wait in the session's part file. Over S3 multipart, the
/// client sends parts of `part_size_bytes` straight to the bucket's multipart upload
/// `multipart_id` at `storage_key`. Gone once completed, terminated or expired.
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
    /// `tus` or `s3_multipart`.
    pub protocol: String,
    /// The upload row this session becomes (its id is in `storage_key`).
    pub upload_id: Option<Uuid>,
    pub storage_key: Option<String>,
    pub multipart_id: Option<String>,
    pub part_size_bytes: Option<i64>,
    /// A completion in progress holds the session until then.
    pub completing_until: Option<DateTimeUtc>,
    /// The bucket assembled the parts: the object exists at `storage_key`, not yet recorded.
    pub assembled: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
