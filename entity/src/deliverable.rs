use sea_orm::entity::prelude::*;

/// One rendered file of a beat (preview, waveform peaks, MP3 lease, WAV lease, trackout
/// bundle) and the state of its render. `fingerprint` names the inputs it was made from, so a
/// repeated job knows whether there is anything to do.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliverables")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    /// `preview`, `peaks`, `mp3_lease`, `wav_lease` or `bundle`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub fingerprint: String,
    pub storage_key: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub error: Option<String>,
    /// What the render reported (durations, whether the default voice tag was used…).
    pub details: Option<Json>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
