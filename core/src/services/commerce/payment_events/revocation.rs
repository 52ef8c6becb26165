//! Money taken back: a refund in full or an open dispute ends the license (whenever it
//! arrives: a purchase not yet completed finds the revocation waiting); a partial refund is
//! recorded and the license stands; a dispute closed as won gives the access back.

use chrono::Utc;
use entity::{purchase, revoked_payment};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::Result;
use crate::domain::{PurchaseStatus, RevokeReason, TierKind};
use crate::jobs::PayPayees;
use crate::services::commerce::ledger;

pub(super) async fn mark_revoked<C: ConnectionTrait>(
    conn: &C,
    purchase_id: uuid::Uuid,
    payment_intent: &str,
    reason: &str,
) -> Result<()> {
    let now = Utc::now();
    purchase::Entity::update_many()
        .col_expr(
            purchase::Column::Status,
            Expr::value(PurchaseStatus::Revoked.as_str()),
        )
        .col_expr(
            purchase::Column::PaymentIntentId,
            Expr::value(Some(payment_intent.to_owned())),
        )
        .col_expr(purchase::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(
            purchase::Column::RevokeReason,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(purchase::Column::UpdatedAt, Expr::value(now))
        .filter(purchase::Column::Id.eq(purchase_id))
        .filter(purchase::Column::Status.is_in([
            PurchaseStatus::Pending.as_str(),
            PurchaseStatus::Cancelled.as_str(),
            PurchaseStatus::Paid.as_str(),
            PurchaseStatus::Held.as_str(),
        ]))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every purchase paid by `payment_intent`, now and when its completion arrives later.
pub(super) async fn revoke(
    txn: &DatabaseTransaction,
    payment_intent: &str,
    reason: RevokeReason,
) -> Result<()> {
    revoked_payment::Entity::insert(revoked_payment::ActiveModel {
        payment_intent_id: Set(payment_intent.to_owned()),
        reason: Set(reason.as_str().to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(revoked_payment::Column::PaymentIntentId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    for p in paid_by(txn, payment_intent).await? {
        mark_revoked(txn, p.id, payment_intent, reason.as_str()).await?;
        // A refund is final: the payees give their shares back in the same step. An open
        // dispute only suspends; the money comes back if it is lost.
        if reason == RevokeReason::Refunded {
            ledger::reverse(txn, ledger::order_of(&p)).await?;
        }
    }
    Ok(())
}

async fn paid_by(txn: &DatabaseTransaction, payment_intent: &str) -> Result<Vec<purchase::Model>> {
    Ok(purchase::Entity::find()
        .filter(purchase::Column::PaymentIntentId.eq(payment_intent))
        .order_by_asc(purchase::Column::Id)
        .all(txn)
        .await?)
}

/// Stripe's `charge.refunded`: the amount refunded so far (cumulative) is recorded over the
/// purchases of the payment; only all of it revokes.
pub(super) async fn refunded(
    txn: &DatabaseTransaction,
    payment_intent: &str,
    amount_refunded: i64,
    full: bool,
) -> Result<()> {
    // One payment may be an order of several items: what was refunded is shared over them by
    // what each was paid, to the cent.
    let paid = paid_by(txn, payment_intent).await?;
    let weights: Vec<u64> = paid
        .iter()
        .map(|p| p.amount_paid_cents.unwrap_or(p.price_cents).max(0) as u64)
        .collect();
    let shares = crate::domain::largest_remainder(amount_refunded, &weights);
    for (p, amount_refunded) in paid.into_iter().zip(shares) {
        if amount_refunded > p.amount_refunded_cents {
            purchase::Entity::update_many()
                .col_expr(
                    purchase::Column::AmountRefundedCents,
                    Expr::value(amount_refunded),
                )
                .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(purchase::Column::Id.eq(p.id))
                .filter(purchase::Column::AmountRefundedCents.lt(amount_refunded))
                .exec(txn)
                .await?;
        }
    }
    if full {
        revoke(txn, payment_intent, RevokeReason::Refunded).await?;
    }
    Ok(())
}

/// A dispute closed. Won: the purchases it suspended are paid again (unless the beat's
/// exclusive rights were put back on sale meanwhile, which the producer was told ends that
/// exclusive). Lost, or anything else: they stay revoked.
pub(super) async fn dispute_closed(
    txn: &DatabaseTransaction,
    payment_intent: &str,
    won: bool,
) -> Result<()> {
    if !won {
        for p in paid_by(txn, payment_intent).await? {
            ledger::reverse(txn, ledger::order_of(&p)).await?;
        }
        return Ok(());
    }
    let suspended: Vec<_> = paid_by(txn, payment_intent)
        .await?
        .into_iter()
        .filter(|p| {
            PurchaseStatus::Revoked.is(&p.status)
                && p.revoke_reason.as_deref() == Some(RevokeReason::Disputed.as_str())
        })
        .collect();
    for p in &suspended {
        if p.tier_kind == TierKind::Exclusive.as_str() {
            let beat = entity::beat::Entity::find_by_id(p.beat_id).one(txn).await?;
            if beat.is_none_or(|b| b.exclusive_hold_purchase_id != Some(p.id)) {
                tracing::warn!(purchase = %p.id, "a won dispute for an exclusive whose beat was put back on sale; it stays revoked");
                continue;
            }
        }
        purchase::Entity::update_many()
            .col_expr(
                purchase::Column::Status,
                Expr::value(PurchaseStatus::Paid.as_str()),
            )
            .col_expr(
                purchase::Column::RevokedAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(
                purchase::Column::RevokeReason,
                Expr::value(Option::<String>::None),
            )
            .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(purchase::Column::Id.eq(p.id))
            .filter(purchase::Column::Status.eq(PurchaseStatus::Revoked.as_str()))
            .exec(txn)
            .await?;
        // If the dispute opened before the payees were paid, they are paid now (once).
        crate::queue::enqueue(
            txn,
            &PayPayees {
                order_id: ledger::order_of(p),
            },
        )
        .await?;
    }
    // A completion that arrives after the dispute was won finds nothing waiting for it.
    revoked_payment::Entity::delete_many()
        .filter(revoked_payment::Column::PaymentIntentId.eq(payment_intent))
        .filter(revoked_payment::Column::Reason.eq(RevokeReason::Disputed.as_str()))
        .exec(txn)
        .await?;
    Ok(())
}
