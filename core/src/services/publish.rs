use chrono::Utc;
use entity::{beat, lease_tier};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::access::own_beat;
use super::processing::current_check;
use super::{Actor, BeatView};
use crate::domain::{BeatStatus, DeliverableState};
use crate::{Error, Result};

/// Puts a beat in the catalog once its master and trackout are uploaded, its trackout check
/// has passed (warnings are fine), it has a BPM and a key (typed or detected) and at least
/// one tier is for sale.
pub async fn publish(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<BeatView> {
    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    if BeatStatus::Sold.is(&beat.status) {
        return Err(Error::conflict(
            "sold_exclusively",
            "this beat's exclusive rights are sold; it cannot go back on sale (if the exclusive was refunded, relist it explicitly)",
        ));
    }
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
        let report: trackout_media::Report = serde_json::from_value(check.report.clone())
            .map_err(|e| Error::Corrupt(format!("a stored trackout check report: {e}")))?;
        let errors: Vec<_> = report
            .findings
            .into_iter()
            .filter(|f| f.level == trackout_media::Level::Error)
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
    // Only now: until the check has run, an empty tempo or key may still be filled by it.
    super::listing::require_for_sale(&beat)?;
    let rendered = super::deliverables::list(&txn, beat_id).await?;
    let missing: Vec<&str> = crate::domain::DeliverableKind::ALL
        .into_iter()
        .filter(|kind| {
            !rendered
                .iter()
                .any(|d| d.kind == kind.as_str() && DeliverableState::Done.is(&d.state))
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

/// What putting a sold beat back on sale did to the licenses sold before.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Relisted {
    pub beat: BeatView,
    /// The exclusive that had sold the beat: no longer valid (refunded or disputed).
    pub exclusive_license_id: Option<String>,
    /// `revoked` or `refunded`.
    pub exclusive_status: String,
    pub exclusive_reason: Option<String>,
    /// Lease licenses sold before the exclusive, still valid: the new buyers share the beat
    /// with them.
    pub leases_still_valid: u64,
    pub message: String,
}

/// Puts a sold beat back on sale after its exclusive was refunded or lost to a dispute. Never
/// done by Publish: this is the explicit step that says what became of the earlier licenses.
pub async fn relist(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<Relisted> {
    use entity::purchase;
    use sea_orm::PaginatorTrait;
    use sea_orm::sea_query::Expr;

    use crate::domain::{PurchaseStatus, TierKind};

    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    if !BeatStatus::Sold.is(&beat.status) {
        return Err(Error::conflict(
            "not_sold",
            "only a beat whose exclusive rights were sold can be relisted; use publish",
        ));
    }
    let exclusive = match beat.exclusive_hold_purchase_id {
        Some(id) => purchase::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    };
    let still_valid = exclusive
        .as_ref()
        .is_some_and(|p| PurchaseStatus::Paid.is(&p.status) || PurchaseStatus::Held.is(&p.status));
    if still_valid {
        return Err(Error::conflict(
            "exclusive_still_valid",
            "the exclusive license is still valid: the buyer owns these rights; it can be relisted only once the exclusive is refunded or lost to a dispute",
        ));
    }
    let leases = purchase::Entity::find()
        .filter(purchase::Column::BeatId.eq(beat_id))
        .filter(purchase::Column::TierKind.ne(TierKind::Exclusive.as_str()))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Paid.as_str()))
        .count(&txn)
        .await?;
    beat::Entity::update_many()
        .col_expr(
            beat::Column::Status,
            Expr::value(BeatStatus::Published.as_str()),
        )
        .col_expr(
            beat::Column::ExclusiveHoldPurchaseId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            beat::Column::ExclusiveHoldUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(beat::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(beat::Column::Id.eq(beat_id))
        .filter(beat::Column::Status.eq(BeatStatus::Sold.as_str()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let (license, status, reason) = match exclusive {
        Some(p) => (p.license_id, p.status, p.revoke_reason),
        None => (None, PurchaseStatus::Revoked.as_str().to_owned(), None),
    };
    let message = format!(
        "Back on sale. The exclusive license{} is {status}{} and grants nothing any more; {leases} lease license(s) sold before it remain valid.",
        license
            .as_deref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default(),
        reason
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default(),
    );
    Ok(Relisted {
        beat: super::beats::get(db, Some(actor), beat_id).await?,
        exclusive_license_id: license,
        exclusive_status: status,
        exclusive_reason: reason,
        leases_still_valid: leases,
        message,
    })
}
