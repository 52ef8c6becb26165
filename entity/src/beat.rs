use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "beats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub producer_id: Uuid,
    pub title: String,
    /// Empty until the producer types it or the trackout check hears it.
    pub bpm: Option<i32>,
    /// Canonical spelling from `MusicalKey`, e.g. `A min`, `F# maj`; empty like `bpm`.
    pub musical_key: Option<String>,
    /// Set while `bpm` is the check's detection rather than the producer's: how sure the
    /// detector was (0 to 1). Typing a BPM clears it.
    pub bpm_detected_confidence: Option<f64>,
    pub key_detected_confidence: Option<f64>,
    pub genre: String,
    pub description: String,
    pub isrc: Option<String>,
    /// `draft`, `published`, or `sold` once its exclusive rights are sold.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// The pending exclusive purchase holding the beat while its buyer is in checkout.
    pub exclusive_hold_purchase_id: Option<Uuid>,
    pub exclusive_hold_until_ms: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
