//! What a producer keeps in the store, against their quota: the beats they have, and the bytes
//! their beats take — every upload, what a trackout zip inflates to (its stems, as the bundle
//! will hold them: a 9 MB zip of silence can claim gigabytes), and every rendered file but the
//! bundle (counted by that inflation already).

use std::sync::Arc;

use entity::{beat, deliverable, upload};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::Actor;
use crate::config::QuotaConfig;
use crate::domain::{DeliverableKind, UploadKind};
use crate::storage::{ObjectKey, RangedReader, Storage};
use crate::{Error, Result};
use trackout_audio::text::bytes;

/// Refuses a new beat past the producer's beat count (`409 beat_quota_exceeded`).
pub(crate) async fn allow_new_beat<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    quotas: &QuotaConfig,
) -> Result<()> {
    let beats = beat::Entity::find()
        .filter(beat::Column::ProducerId.eq(actor.user_id))
        .count(conn)
        .await?;
    if beats >= quotas.beats {
        return Err(Error::conflict(
            "beat_quota_exceeded",
            format!(
                "you have {beats} beats, the most this store keeps per producer ({}); delete one you no longer sell",
                quotas.beats
            ),
        ));
    }
    Ok(())
}

/// The bytes a producer's beats take now. `replacing` is an upload about to be replaced (its
/// bytes no longer count once the new one is in).
pub async fn usage<C: ConnectionTrait>(
    conn: &C,
    producer: Uuid,
    replacing: Option<Uuid>,
) -> Result<u64> {
    let beats: Vec<Uuid> = beat::Entity::find()
        .filter(beat::Column::ProducerId.eq(producer))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    if beats.is_empty() {
        return Ok(0);
    }
    let uploads = upload::Entity::find()
        .filter(upload::Column::BeatId.is_in(beats.clone()))
        .all(conn)
        .await?;
    let rendered = deliverable::Entity::find()
        .filter(deliverable::Column::BeatId.is_in(beats))
        .filter(deliverable::Column::Kind.ne(DeliverableKind::Bundle.as_str()))
        .all(conn)
        .await?;
    let held: u64 = uploads
        .iter()
        .filter(|u| Some(u.id) != replacing)
        .map(|u| upload_cost(u.size_bytes, u.inflated_bytes))
        .sum();
    let made: u64 = rendered
        .iter()
        .map(|d| d.size_bytes.unwrap_or(0).max(0) as u64)
        .sum();
    Ok(held + made)
}

fn upload_cost(size: i64, inflated: Option<i64>) -> u64 {
    size.max(0) as u64 + inflated.unwrap_or(0).max(0) as u64
}

/// Refuses an upload of `adding` bytes that would take the producer past their storage quota
/// (`413 storage_quota_exceeded`, naming the quota and what is used).
pub async fn allow_bytes<C: ConnectionTrait>(
    conn: &C,
    producer: Uuid,
    replacing: Option<Uuid>,
    adding: u64,
    quotas: &QuotaConfig,
) -> Result<()> {
    let used = usage(conn, producer, replacing).await?;
    if used.saturating_add(adding) > quotas.storage_bytes {
        return Err(Error::QuotaExceeded {
            what: "storage",
            message: format!(
                "this upload needs {} (what it unpacks to included) and your beats already take {} of the {} this store keeps per producer; delete beats or files you no longer sell",
                bytes(adding),
                bytes(used),
                bytes(quotas.storage_bytes)
            ),
        });
    }
    Ok(())
}

/// What a stored trackout zip's central directory says its entries inflate to, read through
/// ranged GETs (nothing is inflated). A zip that cannot be read counts as nothing more than its
/// own bytes: the check will say what is wrong with it.
pub async fn declared_inflation(
    storage: Arc<dyn Storage>,
    kind: UploadKind,
    key: &ObjectKey,
    size: u64,
) -> Result<u64> {
    if kind != UploadKind::Trackout {
        return Ok(0);
    }
    let key = key.clone();
    let runtime = tokio::runtime::Handle::current();
    let read = tokio::task::spawn_blocking(move || {
        let reader = RangedReader::new(storage, key, size, runtime);
        trackout_audio::listing::declared_inflated_size(reader)
    })
    .await
    .map_err(|e| Error::Internal(format!("reading a trackout's directory: {e}")))?;
    Ok(read.unwrap_or(0))
}
