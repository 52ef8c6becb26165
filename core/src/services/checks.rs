//! Storage of trackout check reports (the worker runs the check itself).

use chrono::Utc;
use entity::{beat, trackout_check, upload};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::deliverables;
use super::processing::current_check;
use crate::domain::{DeliverableKind, DeliverableState, UploadKind};
use crate::jobs::RenderLeases;
use crate::{Result, queue};

/// What a check of the beat needs: its current trackout, and master if there is one.
pub struct CheckInputs {
    pub trackout: upload::Model,
    pub master: Option<upload::Model>,
    /// A report for exactly these uploads already exists: a repeated job has nothing to do.
    pub already_checked: bool,
    /// The listing's tempo and key as the producer typed them, which the check sets against
    /// what the master sounds like (`bpm_mismatch`, `key_mismatch`); the canonical spelling
    /// of `MusicalKey`. A value the check itself filled in is not listed here.
    pub listed_bpm: Option<u16>,
    pub listed_key: Option<String>,
}

/// `None` when the beat is gone or has no trackout yet.
pub async fn inputs(db: &DatabaseConnection, beat_id: Uuid) -> Result<Option<CheckInputs>> {
    let (uploads, existing) = current_check(db, beat_id).await?;
    let typed = beat::Entity::find_by_id(beat_id)
        .one(db)
        .await?
        .map(|b| super::listing::typed(&b))
        .unwrap_or_default();
    let mut trackout = None;
    let mut master = None;
    for u in uploads {
        match UploadKind::from_db(&u.kind) {
            Some(UploadKind::Trackout) => trackout = Some(u),
            Some(UploadKind::Master) => master = Some(u),
            _ => {}
        }
    }
    Ok(trackout.map(|trackout| CheckInputs {
        trackout,
        master,
        already_checked: existing.is_some(),
        listed_bpm: typed.0,
        listed_key: typed.1,
    }))
}

pub struct CheckOutcome {
    pub passes: bool,
    pub error_count: i32,
    pub warning_count: i32,
    pub report: serde_json::Value,
    /// The report's `detected` section: fills the listing's empty tempo and key.
    pub detected: Option<trackout_media::DetectedSection>,
}

/// Stores a report for the uploads it read; a passing report starts the lease renders in the
/// same transaction. If the uploads were replaced meanwhile, nothing is stored.
pub async fn record(
    db: &DatabaseConnection,
    beat_id: Uuid,
    trackout_upload_id: Uuid,
    master_upload_id: Option<Uuid>,
    outcome: CheckOutcome,
) -> Result<bool> {
    let txn = crate::db::write_txn(db).await?;
    // The beat, then the job: the order an upload's transaction takes them in (it locks the
    // beat, then supersedes the jobs). Job first, the report's insert (its key on the beat)
    // and an upload deadlocked on PostgreSQL, and the upload answered 500.
    super::pipeline::lock_beat(&txn, beat_id).await?;
    if !queue::still_current(&txn).await? {
        // A newer check (new uploads) superseded this one.
        return Ok(false);
    }
    let still_current = upload::Entity::find_by_id(trackout_upload_id)
        .filter(upload::Column::BeatId.eq(beat_id))
        .one(&txn)
        .await?
        .is_some();
    if !still_current {
        return Ok(false);
    }
    let passes = outcome.passes;
    let outcome_detected = outcome.detected;
    trackout_check::ActiveModel {
        id: Set(Uuid::now_v7()),
        beat_id: Set(beat_id),
        trackout_upload_id: Set(trackout_upload_id),
        master_upload_id: Set(master_upload_id),
        passes: Set(outcome.passes),
        error_count: Set(outcome.error_count),
        warning_count: Set(outcome.warning_count),
        report: Set(outcome.report),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    // Before the renders are queued, so the preview's tags carry the filled-in tempo and key.
    if let Some(detected) = &outcome_detected {
        super::listing::prefill(&txn, beat_id, detected).await?;
    }
    if passes && master_upload_id.is_some() {
        queue::enqueue(&txn, &RenderLeases { beat_id }).await?;
        deliverables::set_state(
            &txn,
            beat_id,
            &DeliverableKind::LEASES,
            DeliverableState::Queued,
            "",
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}
