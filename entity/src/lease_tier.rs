use sea_orm::entity::prelude::*;

/// One lease tier of a beat. A `None` limit means unlimited; a `None` term means perpetual.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lease_tiers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub beat_id: Uuid,
    /// `mp3_lease`, `wav_lease`, `trackout_lease` or `exclusive`.
    pub kind: String,
    pub name: String,
    pub price_cents: i64,
    pub enabled: bool,
    pub distribution_copies: Option<i64>,
    pub audio_streams: Option<i64>,
    pub music_videos: Option<i64>,
    pub radio_stations: Option<i64>,
    pub term_years: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
