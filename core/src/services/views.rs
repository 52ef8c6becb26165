//! What the services hand back: plain, serializable views of rows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{LeaseTerms, Role, TierKind};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = String, example = "producer")]
    pub role: Role,
    /// Whether the owner proved the address; a producer must have, to publish.
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProducerView {
    pub id: Uuid,
    pub display_name: String,
    /// Their page is `/p/<handle>` (`/p/<id>` while they have no handle).
    pub handle: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TierView {
    #[schema(value_type = String, example = "wav_lease")]
    pub kind: TierKind,
    pub name: String,
    pub price_cents: i64,
    pub enabled: bool,
    #[schema(value_type = Object)]
    pub terms: LeaseTerms,
    /// The files a buyer of this tier receives.
    pub includes: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BeatView {
    pub id: Uuid,
    pub producer: ProducerView,
    pub title: String,
    /// `null` until the producer types it or the trackout check hears it; a beat is
    /// published only with both.
    pub bpm: Option<i32>,
    pub key: Option<String>,
    /// Set while `bpm` is what the check heard, not what the producer typed: the dashboard
    /// asks them to confirm it. Typing a BPM clears it.
    pub bpm_detected: Option<super::listing::Detection>,
    pub key_detected: Option<super::listing::Detection>,
    pub genre: String,
    pub moods: Vec<String>,
    pub tags: Vec<String>,
    pub description: String,
    pub isrc: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    /// The cheapest enabled tier, what a catalog card shows.
    pub lowest_price_cents: Option<i64>,
    pub tiers: Vec<TierView>,
    /// The voice-tagged MP3 preview, once rendered (supports HTTP Range for seeking).
    pub preview_url: Option<String>,
    /// Waveform peaks of the preview in BBC audiowaveform JSON, for the player.
    pub peaks_url: Option<String>,
    /// The cover art in every size the pages use, once the producer has uploaded one and it
    /// is resized; `None` shows the cover drawn from the title.
    pub cover: Option<super::covers::CoverView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadView {
    pub id: Uuid,
    /// `master`, `trackout` or `voice_tag`.
    pub kind: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content_type: String,
    pub file_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<entity::upload::Model> for UploadView {
    fn from(u: entity::upload::Model) -> Self {
        UploadView {
            id: u.id,
            kind: u.kind,
            size_bytes: u.size_bytes,
            sha256: u.sha256,
            content_type: u.content_type,
            file_name: u.file_name,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: Uuid,
    pub kind: String,
    /// `queued`, `running`, `done`, `dead`, or `superseded` (newer uploads made it pointless:
    /// dropped before it started, or cancelled while it ran; `last_error` says which).
    pub state: String,
    pub attempts: i32,
    /// Why the last attempt failed; for a dead job, why it gave up.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<entity::job::Model> for JobView {
    fn from(j: entity::job::Model) -> Self {
        JobView {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            last_error: j.last_error,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}
