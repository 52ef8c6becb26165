use chrono::Utc;
use entity::beat;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::access::own_beat;
use super::{Actor, BeatView};
use crate::config::CommerceConfig;
use crate::domain::BeatStatus;
use crate::services::commerce::payouts::gate::require_can_sell;
use crate::{Error, Result};

/// Puts a beat in the catalog once its master and trackout are uploaded, its trackout check
/// has passed (warnings are fine), its deliverables are rendered and at least one tier is for
/// sale (the rules: `readiness::blockers`). On a Stripe marketplace the producer must also be
/// able to be paid (`payouts::gate`).
pub async fn publish(
    db: &DatabaseConnection,
    commerce: &CommerceConfig,
    actor: &Actor,
    beat_id: Uuid,
) -> Result<BeatView> {
    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    let first = super::readiness::blockers(&txn, &beat)
        .await?
        .into_iter()
        .next();
    // A sold beat or an unconfirmed address is said first; then whether the producer can be
    // paid; then what the beat itself still lacks.
    if let Some(blocker) = first {
        if !matches!(blocker.code, "sold_exclusively" | "email_unverified") {
            require_can_sell(&txn, commerce, actor.user_id).await?;
        }
        return Err(blocker.into());
    }
    require_can_sell(&txn, commerce, actor.user_id).await?;
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
pub async fn relist(
    db: &DatabaseConnection,
    commerce: &CommerceConfig,
    actor: &Actor,
    beat_id: Uuid,
) -> Result<Relisted> {
    use entity::purchase;
    use sea_orm::PaginatorTrait;
    use sea_orm::sea_query::Expr;

    use crate::domain::{PurchaseStatus, TierKind};

    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    require_can_sell(&txn, commerce, actor.user_id).await?;
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
