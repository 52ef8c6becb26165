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
    /// The listing's tempo and key, which the check sets against what the master sounds
    /// like (`bpm_mismatch`, `key_mismatch`); the canonical spelling of `MusicalKey`.
    pub listed_bpm: Option<u16>,
    pub listed_key: Option<String>,
}

/// `None` when the beat is gone or has no trackout yet.
pub async fn inputs(db: &DatabaseConnection, beat_id: Uuid) -> Result<Option<CheckInputs>> {
    let (uploads, existing) = current_check(db, beat_id).await?;
    let listing = beat::Entity::find_by_id(beat_id).one(db).await?;
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
        listed_bpm: listing
            .as_ref()
            .and_then(|b| u16::try_from(b.bpm).ok())
            .filter(|&bpm| bpm > 0),
        listed_key: listing
            .map(|b| b.musical_key)
            .filter(|k| !k.trim().is_empty()),
    }))
}

pub struct CheckOutcome {
    pub passes: bool,
    pub error_count: i32,
    pub warning_count: i32,
    pub report: serde_json::Value,
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
