//! Producer uploads: streamed into storage under a fresh key, hashed and capped on the way,
//! then recorded together with their processing job in one transaction. A failure anywhere
//! leaves neither a row nor an object behind.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use entity::upload;
use futures_util::Stream;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::access::own_beat;
use super::quotas;
use super::{Actor, JobView, UploadView, pipeline};
use crate::config::Config;
use crate::domain::UploadKind;
use crate::jobs::PurgeObject;
use crate::queue;
use crate::storage::{IngestError, ObjectKey, Storage, ingest};
use crate::{Error, Result};

pub struct IncomingUpload<S> {
    pub kind: UploadKind,
    pub content_type: Option<String>,
    /// The declared length, when the client sent one: lets us refuse before reading a byte.
    pub content_length: Option<u64>,
    pub file_name: Option<String>,
    pub body: S,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UploadAccepted {
    pub upload: UploadView,
    /// The processing jobs the upload started: none while it waits for another upload (a voice
    /// tag with no master yet).
    pub jobs: Vec<JobView>,
}

pub fn limit_for(config: &Config, kind: UploadKind) -> u64 {
    match kind {
        UploadKind::Master => config.uploads.master_bytes,
        UploadKind::Trackout => config.uploads.trackout_bytes,
        UploadKind::VoiceTag => config.uploads.voice_tag_bytes,
    }
}

fn clean_file_name(raw: Option<String>) -> Option<String> {
    let name: String = raw?
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = name.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

pub async fn store<S, E>(
    db: &DatabaseConnection,
    storage: &Arc<dyn Storage>,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    incoming: IncomingUpload<S>,
) -> Result<UploadAccepted>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display,
{
    let kind = incoming.kind;
    own_beat(db, actor, beat_id).await?;
    let accepted = incoming
        .content_type
        .as_deref()
        .is_some_and(|ct| kind.accepts_content_type(ct));
    if !accepted {
        return Err(Error::UnsupportedMediaType {
            expected: kind.canonical_content_type(),
        });
    }
    let limit = limit_for(config, kind);
    let what = kind.label();
    if incoming.content_length.is_some_and(|len| len > limit) {
        return Err(Error::TooLarge { what, limit });
    }
    // The upload this one replaces no longer counts against the quota once this one is in.
    let replacing = current(db, beat_id, kind).await?;
    let quotas = &config.quotas;
    if let Some(len) = incoming.content_length {
        quotas::allow_bytes(db, actor.user_id, replacing, len, quotas).await?;
    }
    let storage_ref: &dyn Storage = storage.as_ref();

    let upload_id = Uuid::now_v7();
    let key = object_key(beat_id, upload_id, kind)?;
    let stored = ingest(
        storage_ref,
        &key,
        incoming.body,
        limit,
        kind.canonical_content_type(),
    )
    .await
    .map_err(|e| match e {
        IngestError::TooLarge { limit } => Error::TooLarge { what, limit },
        IngestError::Interrupted(why) => Error::UploadInterrupted(why),
        IngestError::Storage(e) => Error::Storage(e),
    })?;
    let placed = Placed {
        beat_id,
        upload_id,
        kind,
        key,
    };
    accept_stored(
        db,
        storage,
        config,
        actor,
        placed,
        stored,
        replacing,
        incoming.file_name,
    )
    .await
}

/// The beat's upload of this kind now: the one a new upload replaces, whose bytes stop
/// counting against the quota once the new one is in.
pub async fn current(
    db: &DatabaseConnection,
    beat_id: Uuid,
    kind: UploadKind,
) -> Result<Option<Uuid>> {
    Ok(upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat_id))
        .filter(upload::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?
        .map(|u| u.id))
}

/// Where an upload's object lives: `beats/<beat>/uploads/<upload>/<master.wav|...>`.
pub fn object_key(beat_id: Uuid, upload_id: Uuid, kind: UploadKind) -> Result<ObjectKey> {
    Ok(ObjectKey::parse(&format!(
        "beats/{beat_id}/uploads/{upload_id}/{}",
        kind.file_name()
    ))?)
}

/// An object in storage that is to become upload `upload_id` of the beat.
pub struct Placed {
    pub beat_id: Uuid,
    pub upload_id: Uuid,
    pub kind: UploadKind,
    pub key: ObjectKey,
}

/// What every upload goes through once its bytes are in storage, counted and hashed: sniffed,
/// counted against the quota with what it unpacks to, and recorded with its jobs in one
/// transaction. Refused or failed, the object is removed.
#[allow(clippy::too_many_arguments)]
pub async fn accept_stored(
    db: &DatabaseConnection,
    storage: &Arc<dyn Storage>,
    config: &Config,
    actor: &Actor,
    placed: Placed,
    stored: crate::storage::Ingested,
    replacing: Option<Uuid>,
    file_name: Option<String>,
) -> Result<UploadAccepted> {
    let Placed {
        beat_id,
        upload_id,
        kind,
        key,
    } = placed;
    let what = kind.label();
    let quotas = &config.quotas;
    if let Err(reason) = kind.looks_right(&stored.head) {
        if let Err(e) = storage.delete(&key).await {
            tracing::warn!(%key, error = %e, "could not remove a refused upload");
        }
        return Err(Error::Invalid {
            field: "body",
            message: format!("the {what} was refused: {reason}"),
        });
    }
    // Counted again with what it really holds: its bytes, and what a trackout unpacks to.
    let inflated = quotas::declared_inflation(Arc::clone(storage), kind, &key, stored.size).await?;
    if let Err(refused) =
        quotas::allow_bytes(db, actor.user_id, replacing, stored.size + inflated, quotas).await
    {
        if let Err(e) = storage.delete(&key).await {
            tracing::warn!(%key, error = %e, "could not remove an upload over quota");
        }
        return Err(refused);
    }
    let recorded = record(
        db,
        actor,
        beat_id,
        upload_id,
        kind,
        &key,
        stored,
        inflated,
        file_name,
        config.worker.settle(),
    )
    .await;
    if recorded.is_err() {
        // The row never committed, so nothing refers to the object: take it back out.
        if let Err(e) = storage.delete(&key).await {
            tracing::warn!(%key, error = %e, "could not remove the object of a failed upload");
        }
    }
    recorded
}

#[allow(clippy::too_many_arguments)]
async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    beat_id: Uuid,
    upload_id: Uuid,
    kind: UploadKind,
    key: &ObjectKey,
    stored: crate::storage::Ingested,
    inflated: u64,
    file_name: Option<String>,
    settle: std::time::Duration,
) -> Result<UploadAccepted> {
    let txn = crate::db::write_txn(db).await?;
    // The beat may have been deleted while the body streamed in.
    own_beat(&txn, actor, beat_id).await?;
    // One upload of a beat records at a time, so that its jobs supersede each other in order.
    pipeline::lock_beat(&txn, beat_id).await?;
    let previous = upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat_id))
        .filter(upload::Column::Kind.eq(kind.as_str()))
        .one(&txn)
        .await?;
    if let Some(previous) = previous {
        upload::Entity::delete_by_id(previous.id).exec(&txn).await?;
        queue::enqueue(
            &txn,
            &PurgeObject {
                key: previous.storage_key,
            },
        )
        .await?;
    }
    let row = upload::ActiveModel {
        id: Set(upload_id),
        beat_id: Set(beat_id),
        kind: Set(kind.as_str().to_owned()),
        storage_key: Set(key.to_string()),
        size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
        sha256: Set(stored.sha256),
        content_type: Set(kind.canonical_content_type().to_owned()),
        file_name: Set(clean_file_name(file_name)),
        inflated_bytes: Set((inflated > 0).then(|| i64::try_from(inflated).unwrap_or(i64::MAX))),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let jobs = pipeline::after_upload(&txn, beat_id, kind, settle).await?;
    txn.commit().await?;
    Ok(UploadAccepted {
        upload: row.into(),
        jobs: jobs.into_iter().map(Into::into).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_lose_their_folders_and_control_characters() {
        assert_eq!(
            clean_file_name(Some("C:\\beats\\Night.wav".into())).as_deref(),
            Some("Night.wav")
        );
        assert_eq!(
            clean_file_name(Some("../../etc/passwd".into())).as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_file_name(Some("a\nb.zip".into())).as_deref(),
            Some("ab.zip")
        );
        assert_eq!(clean_file_name(Some("  ".into())), None);
    }
}
