use chrono::Utc;
use entity::{beat, lease_tier};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::beats::own_beat;
use super::processing::current_check;
use super::{Actor, BeatView};
use crate::domain::BeatStatus;
use crate::{Error, Result};

/// Puts a beat in the catalog once its master and trackout are uploaded, its trackout check
/// has passed (warnings are fine) and at least one tier is for sale.
pub async fn publish(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<BeatView> {
    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    super::verification::require_verified(&txn, actor.user_id).await?;
    let (uploads, check) = current_check(&txn, beat_id).await?;
    for (kind, what) in [("master", "a master WAV"), ("trackout", "a trackout")] {
        if !uploads.iter().any(|u| u.kind == kind) {
            return Err(Error::conflict(
                "missing_upload",
                format!("upload {what} before publishing"),
            ));
        }
    }
    let check = check.ok_or_else(|| {
        Error::conflict(
            "check_pending",
            "the trackout check has not finished yet; publish once it has",
        )
    })?;
    if !check.passes {
        let findings = check
            .report
            .get("findings")
            .cloned()
            .unwrap_or(serde_json::Value::Array(vec![]));
        let errors: Vec<_> = findings
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f.get("level").and_then(|l| l.as_str()) == Some("error"))
            .cloned()
            .collect();
        return Err(Error::Conflict {
            code: "trackout_has_errors",
            message: format!(
                "the trackout check found {} error(s); fix them and upload the trackout again",
                check.error_count
            ),
            details: Some(serde_json::json!({ "findings": errors })),
        });
    }
    let rendered = super::deliverables::list(&txn, beat_id).await?;
    let missing: Vec<&str> = crate::domain::DeliverableKind::ALL
        .into_iter()
        .filter(|kind| {
            !rendered
                .iter()
                .any(|d| d.kind == kind.as_str() && d.state == "done")
        })
        .map(|kind| kind.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Conflict {
            code: "deliverables_pending",
            message: format!(
                "still rendering: {}; publish once processing shows them done",
                missing.join(", ")
            ),
            details: Some(serde_json::json!({ "pending": missing })),
        });
    }
    let for_sale = lease_tier::Entity::find()
        .filter(lease_tier::Column::BeatId.eq(beat_id))
        .filter(lease_tier::Column::Enabled.eq(true))
        .one(&txn)
        .await?;
    if for_sale.is_none() {
        return Err(Error::conflict(
            "no_tier_for_sale",
            "enable at least one lease tier before publishing",
        ));
    }
    if beat.status != BeatStatus::Published.as_str() {
        let now = Utc::now();
        let mut row: beat::ActiveModel = beat.into();
        row.status = Set(BeatStatus::Published.as_str().to_owned());
        row.published_at = Set(Some(now));
        row.updated_at = Set(now);
        row.update(&txn).await?;
    }
    txn.commit().await?;
    super::beats::get(db, Some(actor), beat_id).await
}

/// Takes a beat off sale (back to a draft). Buyers keep everything they bought; a beat whose
/// exclusive is sold stays sold.
pub async fn unpublish(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<BeatView> {
    let beat = own_beat(db, actor, beat_id).await?;
    if beat.status == BeatStatus::Sold.as_str() {
        return Err(Error::conflict(
            "sold_exclusively",
            "this beat's exclusive rights are sold; it is already off sale",
        ));
    }
    if beat.status == BeatStatus::Published.as_str() {
        let mut row: beat::ActiveModel = beat.into();
        row.status = Set(BeatStatus::Draft.as_str().to_owned());
        row.updated_at = Set(Utc::now());
        row.update(db).await?;
    }
    super::beats::get(db, Some(actor), beat_id).await
}
