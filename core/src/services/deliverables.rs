//! The state of each rendered file of a beat. The worker renders; this layer records.

use chrono::Utc;
use entity::{beat, deliverable, upload, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::processing::current_check;
use crate::domain::{BeatStatus, DeliverableKind, DeliverableState, UploadKind};
use crate::jobs::{PurgeObject, SweepBase};
use crate::storage::ObjectKey;
use crate::{Error, Result, queue};

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliverableView {
    /// `preview`, `peaks`, `mp3_lease`, `wav_lease` or `bundle`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Why the last render failed.
    pub error: Option<String>,
    pub size_bytes: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<deliverable::Model> for DeliverableView {
    fn from(d: deliverable::Model) -> Self {
        DeliverableView {
            kind: d.kind,
            state: d.state,
            error: d.error,
            size_bytes: d.size_bytes,
            details: d.details,
            updated_at: d.updated_at,
        }
    }
}

/// Everything a render reads, loaded in one place.
pub struct RenderInputs {
    pub beat: beat::Model,
    pub producer_name: String,
    pub master: Option<upload::Model>,
    pub trackout: Option<upload::Model>,
    pub voice_tag: Option<upload::Model>,
    pub check_passed: bool,
}

impl RenderInputs {
    /// A short digest of exactly what a render of `kinds` depends on: the uploads and the
    /// metadata written into the files. Same inputs, same fingerprint, same storage key.
    pub fn fingerprint(&self, kinds: &[DeliverableKind], settings: &str) -> String {
        let mut h = Sha256::new();
        let id =
            |u: &Option<upload::Model>| u.as_ref().map(|u| u.id.to_string()).unwrap_or_default();
        for part in [
            id(&self.master),
            id(&self.voice_tag),
            if kinds.contains(&DeliverableKind::Bundle) {
                id(&self.trackout)
            } else {
                String::new()
            },
            self.beat.title.clone(),
            self.producer_name.clone(),
            self.beat.bpm.map(|b| b.to_string()).unwrap_or_default(),
            self.beat.musical_key.clone().unwrap_or_default(),
            self.beat.genre.clone(),
            self.beat.isrc.clone().unwrap_or_default(),
            settings.to_owned(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        hex::encode(&h.finalize()[..10])
    }
}

pub async fn inputs(db: &DatabaseConnection, beat_id: Uuid) -> Result<Option<RenderInputs>> {
    let Some(beat) = beat::Entity::find_by_id(beat_id).one(db).await? else {
        return Ok(None);
    };
    let producer_name = user::Entity::find_by_id(beat.producer_id)
        .one(db)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let (uploads, check) = current_check(db, beat_id).await?;
    let mut inputs = RenderInputs {
        beat,
        producer_name,
        master: None,
        trackout: None,
        voice_tag: None,
        check_passed: check.is_some_and(|c| c.passes),
    };
    for u in uploads {
        match UploadKind::from_db(&u.kind) {
            Some(UploadKind::Master) => inputs.master = Some(u),
            Some(UploadKind::Trackout) => inputs.trackout = Some(u),
            Some(UploadKind::VoiceTag) => inputs.voice_tag = Some(u),
            None => {}
        }
    }
    Ok(Some(inputs))
}

pub fn key_for(beat_id: Uuid, kind: DeliverableKind, fingerprint: &str) -> ObjectKey {
    ObjectKey::parse(&format!(
        "beats/{beat_id}/deliverables/{}/{fingerprint}/{}",
        kind.as_str(),
        kind.file_name()
    ))
    .expect("uuids, kinds and hex fingerprints make valid keys")
}

pub async fn current<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    kind: DeliverableKind,
) -> Result<Option<deliverable::Model>> {
    Ok(deliverable::Entity::find()
        .filter(deliverable::Column::BeatId.eq(beat_id))
        .filter(deliverable::Column::Kind.eq(kind.as_str()))
        .one(conn)
        .await?)
}

/// Sets the state of `kinds`, keeping whatever file each had: a published beat keeps playing
/// its old preview while the new one renders.
pub async fn set_state<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    kinds: &[DeliverableKind],
    state: DeliverableState,
    fingerprint: &str,
    error: Option<&str>,
) -> Result<()> {
    for kind in kinds {
        let row = deliverable::ActiveModel {
            id: Set(Uuid::now_v7()),
            beat_id: Set(beat_id),
            kind: Set(kind.as_str().to_owned()),
            state: Set(state.as_str().to_owned()),
            fingerprint: Set(fingerprint.to_owned()),
            storage_key: Set(None),
            size_bytes: Set(None),
            sha256: Set(None),
            error: Set(error.map(str::to_owned)),
            details: Set(None),
            updated_at: Set(Utc::now()),
        };
        deliverable::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([deliverable::Column::BeatId, deliverable::Column::Kind])
                    .update_columns([
                        deliverable::Column::State,
                        deliverable::Column::Fingerprint,
                        deliverable::Column::Error,
                        deliverable::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(conn)
            .await?;
    }
    Ok(())
}

pub struct Rendered {
    pub kind: DeliverableKind,
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
    pub details: Option<serde_json::Value>,
}

/// How long a replaced base bundle is kept before it is swept (if nothing refers to it): far
/// longer than any fulfilment takes, retries included.
pub const BASE_SWEEP_DELAY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Whether `key` is a base bundle something still needs: the current bundle of a beat, or the
/// prefix of a purchase's personalized bundle.
pub async fn base_in_use(db: &DatabaseConnection, key: &str) -> Result<bool> {
    let sold = entity::purchase_file::Entity::find()
        .filter(entity::purchase_file::Column::PrefixKey.eq(key))
        .one(db)
        .await?
        .is_some();
    let current = deliverable::Entity::find()
        .filter(deliverable::Column::StorageKey.eq(key))
        .one(db)
        .await?
        .is_some();
    Ok(sold || current)
}

/// A render was stopped (newer uploads cancelled its job, or a shutdown outlasted its grace)
/// after its file may have reached the bucket and before [`record_done`] named it: the file
/// is swept later, unless something refers to it by then. Later, not now: the same key may be
/// rewritten meanwhile (a released job's rerun, a listing edited back), and a sweep between
/// that upload and its record would delete a file about to be named.
pub async fn sweep_unrecorded(db: &DatabaseConnection, key: &ObjectKey) -> Result<()> {
    queue::enqueue_after(
        db,
        &SweepBase {
            key: key.to_string(),
        },
        BASE_SWEEP_DELAY,
    )
    .await?;
    Ok(())
}

/// Records a finished render. The file it replaces (rendered from older inputs) is purged by
/// a job that commits with the change, so nothing points at a missing object.
pub async fn record_done(
    db: &DatabaseConnection,
    beat_id: Uuid,
    fingerprint: &str,
    rendered: Rendered,
) -> Result<bool> {
    let txn = crate::db::write_txn(db).await?;
    // The beat, then the job, as an upload's transaction takes them (see `checks::record`).
    super::pipeline::lock_beat(&txn, beat_id).await?;
    if !queue::still_current(&txn).await? {
        // Newer uploads superseded this render: its file is for inputs that are gone. The
        // render that replaces it writes under another fingerprint, hence another key.
        let existing = current(&txn, beat_id, rendered.kind).await?;
        if existing.is_none_or(|d| d.storage_key.as_deref() != Some(rendered.key.as_str())) {
            queue::enqueue(
                &txn,
                &PurgeObject {
                    key: rendered.key.to_string(),
                },
            )
            .await?;
        }
        txn.commit().await?;
        tracing::info!(kind = rendered.kind.as_str(), "superseded render discarded");
        return Ok(false);
    }
    let Some(existing) = current(&txn, beat_id, rendered.kind).await? else {
        // The beat was deleted while we rendered; its purge covers nothing we made, so do it.
        queue::enqueue(
            &txn,
            &PurgeObject {
                key: rendered.key.to_string(),
            },
        )
        .await?;
        txn.commit().await?;
        return Ok(false);
    };
    if let Some(old) = existing.storage_key.as_deref()
        && old != rendered.key.as_str()
    {
        if rendered.kind == DeliverableKind::Bundle {
            // A base bundle may be in use: personalized bundles sold earlier start with its
            // bytes, and a fulfilment in flight may be reading it right now. It is swept later,
            // only if nothing refers to it then.
            queue::enqueue_after(
                &txn,
                &SweepBase {
                    key: old.to_owned(),
                },
                BASE_SWEEP_DELAY,
            )
            .await?;
        } else {
            queue::enqueue(
                &txn,
                &PurgeObject {
                    key: old.to_owned(),
                },
            )
            .await?;
        }
    }
    let mut row: deliverable::ActiveModel = existing.into();
    row.state = Set(DeliverableState::Done.as_str().to_owned());
    row.fingerprint = Set(fingerprint.to_owned());
    row.storage_key = Set(Some(rendered.key.to_string()));
    row.size_bytes = Set(Some(i64::try_from(rendered.size).unwrap_or(i64::MAX)));
    row.sha256 = Set(Some(rendered.sha256));
    row.error = Set(None);
    row.details = Set(rendered.details);
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

pub async fn list<C: ConnectionTrait>(conn: &C, beat_id: Uuid) -> Result<Vec<deliverable::Model>> {
    let mut rows = deliverable::Entity::find()
        .filter(deliverable::Column::BeatId.eq(beat_id))
        .all(conn)
        .await?;
    rows.sort_by_key(|d| DeliverableKind::from_db(&d.kind));
    Ok(rows)
}

/// A file a listener may fetch: the preview or its peaks of a published beat (or of the
/// caller's own draft).
pub struct PublicFile {
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
    pub content_type: &'static str,
}

pub async fn public_file(
    db: &DatabaseConnection,
    actor: Option<&super::Actor>,
    beat_id: Uuid,
    kind: DeliverableKind,
) -> Result<PublicFile> {
    let beat = beat::Entity::find_by_id(beat_id)
        .one(db)
        .await?
        .filter(|b| {
            b.status == BeatStatus::Published.as_str()
                || actor.is_some_and(|a| a.user_id == b.producer_id)
        })
        .ok_or(Error::NotFound("beat"))?;
    let row = current(db, beat.id, kind).await?;
    let (Some(key), Some(size), Some(sha256)) = row
        .map(|d| (d.storage_key, d.size_bytes, d.sha256))
        .unwrap_or_default()
    else {
        return Err(Error::NotFound("preview"));
    };
    Ok(PublicFile {
        key: ObjectKey::parse(&key)?,
        size: size.max(0) as u64,
        sha256,
        content_type: kind.content_type(),
    })
}
