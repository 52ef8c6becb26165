//! What each upload sets in motion, so that whatever order a beat's three uploads arrive in,
//! every deliverable is rendered once, from the final set of inputs.
//!
//! The rule: a render starts at once when its inputs are complete, and waits the settle
//! window (`TRACKOUT_PROCESSING_SETTLE_MS`) when they are not yet, so that the beat's other
//! uploads arriving meanwhile are taken in by that one render:
//! - the preview needs the master; with the voice tag it starts at once, without one it waits
//!   (a voice tag arriving then supersedes it and starts at once); a lone voice tag starts
//!   nothing;
//! - the check needs the trackout; with the master it starts at once (the check reads both),
//!   without one it waits; a lone master starts no check;
//! - the lease files follow a passing check of the current trackout and master (see
//!   `checks::record`); a new master or trackout cancels the lease render of the old ones.
//!
//! Each of these jobs has a supersede key: a newer one drops the queued one and cancels the
//! running one (`queue::supersede`).

use std::time::Duration;

use entity::{beat, job, upload};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::deliverables;
use crate::domain::{DeliverableKind, DeliverableState, UploadKind};
use crate::jobs::{CheckTrackout, JobPayload, RenderLeases, RenderPreview};
use crate::{Result, queue};

/// Serializes the recording of a beat's uploads on PostgreSQL (SQLite has one writer at a
/// time anyway), so that two uploads landing together supersede each other's jobs in order.
/// A worker recording a result for the beat takes it first too, before its own job's row:
/// one order for both, so the two cannot deadlock.
pub async fn lock_beat<C: ConnectionTrait>(conn: &C, beat_id: Uuid) -> Result<()> {
    beat::Entity::find_by_id(beat_id)
        .lock_exclusive()
        .one(conn)
        .await?;
    Ok(())
}

/// Enqueues what the upload of `kind` (already inserted in `conn`'s transaction) starts, by
/// the rule above; returns those jobs.
pub async fn after_upload<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    kind: UploadKind,
    settle: Duration,
) -> Result<Vec<job::Model>> {
    let present: Vec<String> = upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat_id))
        .select_only()
        .column(upload::Column::Kind)
        .into_tuple()
        .all(conn)
        .await?;
    let has = |k: UploadKind| present.iter().any(|p| p == k.as_str());
    let wait_unless = |complete: bool| if complete { Duration::ZERO } else { settle };
    let mut jobs = Vec::new();

    if kind != UploadKind::VoiceTag && has(UploadKind::Trackout) {
        let delay = wait_unless(has(UploadKind::Master));
        jobs.push(queue::enqueue_after(conn, &CheckTrackout { beat_id }, delay).await?);
        // The lease files of the old master or trackout are not worth finishing. After the
        // check's supersession: a check recording right now has then committed the lease job
        // it starts, and this cancels it too.
        if let Some(key) = (RenderLeases { beat_id }).supersede_key() {
            queue::supersede(conn, &key).await?;
        }
    }
    if kind != UploadKind::Trackout && has(UploadKind::Master) {
        let delay = wait_unless(has(UploadKind::VoiceTag));
        jobs.push(queue::enqueue_after(conn, &RenderPreview { beat_id }, delay).await?);
        deliverables::set_state(
            conn,
            beat_id,
            &DeliverableKind::PREVIEW,
            DeliverableState::Queued,
            "",
            None,
        )
        .await?;
    }
    Ok(jobs)
}
