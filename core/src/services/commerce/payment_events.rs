//! What a payment event does to a purchase. Stripe's webhook and the development provider's
//! "Pay" button both end here. Each event id is recorded in the same transaction as its
//! effect, so a replayed event changes nothing, and every transition is conditional on the
//! state it leaves, so events arriving twice or out of order cannot complete a purchase twice
//! or bring a refunded one back.

use chrono::Utc;
use entity::{beat, purchase, revoked_payment, stripe_event};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use super::checkout::release_hold;
use crate::domain::{BeatStatus, PurchaseStatus, RevokeReason, TierKind};
use crate::jobs::FulfillPurchase;
use crate::payments::events::{EventEnvelope, PaymentEvent};
use crate::{Error, Result, queue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Processed now.
    Done,
    /// Seen before; nothing changed.
    Replayed,
}

/// Applies one verified event exactly once.
pub async fn apply(db: &DatabaseConnection, envelope: &EventEnvelope) -> Result<Applied> {
    let txn = crate::db::write_txn(db).await?;
    let recorded = stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(envelope.id.clone()),
        event_type: Set(envelope.event_type.clone()),
        received_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(stripe_event::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if recorded == 0 {
        return Ok(Applied::Replayed);
    }
    match &envelope.event {
        PaymentEvent::CheckoutCompleted {
            purchase_id,
            session_id,
            payment_intent,
            paid: true,
        }
        | PaymentEvent::AsyncSucceeded {
            purchase_id,
            session_id,
            payment_intent,
        } => {
            complete(&txn, *purchase_id, session_id, payment_intent.as_deref()).await?;
        }
        PaymentEvent::CheckoutCompleted { paid: false, .. } => {
            // A delayed payment method: the purchase waits for async_payment_succeeded.
        }
        PaymentEvent::AsyncFailed {
            purchase_id,
            session_id,
        }
        | PaymentEvent::Expired {
            purchase_id,
            session_id,
        } => {
            cancel(&txn, *purchase_id, session_id).await?;
        }
        PaymentEvent::Refunded { payment_intent } => {
            revoke(&txn, payment_intent, RevokeReason::Refunded).await?
        }
        PaymentEvent::Disputed { payment_intent } => {
            revoke(&txn, payment_intent, RevokeReason::Disputed).await?
        }
        PaymentEvent::Ignored => {}
    }
    txn.commit().await?;
    Ok(Applied::Done)
}

async fn find(
    txn: &DatabaseTransaction,
    purchase_id: Uuid,
    session_id: &str,
) -> Result<Option<purchase::Model>> {
    let found = purchase::Entity::find_by_id(purchase_id).one(txn).await?;
    Ok(found.filter(|p| {
        // The session must be the one we opened for this purchase.
        let ours = p.checkout_session_id.as_deref() == Some(session_id);
        if !ours {
            tracing::warn!(%purchase_id, session_id, "an event names a session that is not this purchase's");
        }
        ours
    }))
}

/// A short, readable license number: `TRK-` and 12 characters from the purchase id.
fn license_id(purchase_id: Uuid) -> String {
    let hex = purchase_id.simple().to_string().to_uppercase();
    format!("TRK-{}-{}-{}", &hex[20..24], &hex[24..28], &hex[28..32])
}

async fn complete(
    txn: &DatabaseTransaction,
    purchase_id: Uuid,
    session_id: &str,
    payment_intent: Option<&str>,
) -> Result<()> {
    let Some(purchase) = find(txn, purchase_id, session_id).await? else {
        return Ok(());
    };
    if let Some(pi) = payment_intent
        && revoked_payment::Entity::find_by_id(pi.to_owned())
            .one(txn)
            .await?
            .is_some()
    {
        // The refund or dispute arrived first: the purchase is over before it began.
        mark_revoked(
            txn,
            purchase.id,
            pi,
            "refunded before the checkout completed",
        )
        .await?;
        return Ok(());
    }
    let now = Utc::now();
    let updated = purchase::Entity::update_many()
        .col_expr(
            purchase::Column::Status,
            Expr::value(PurchaseStatus::Paid.as_str()),
        )
        .col_expr(purchase::Column::PaidAt, Expr::value(Some(now)))
        .col_expr(purchase::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            purchase::Column::PaymentIntentId,
            Expr::value(payment_intent.map(str::to_owned)),
        )
        .col_expr(
            purchase::Column::LicenseId,
            Expr::value(Some(license_id(purchase.id))),
        )
        .filter(purchase::Column::Id.eq(purchase.id))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(()); // already completed (or cancelled) by another event
    }
    if purchase.tier_kind == TierKind::Exclusive.as_str() {
        sell_exclusive(txn, purchase.beat_id, purchase.id).await?;
    }
    queue::enqueue(
        txn,
        &FulfillPurchase {
            purchase_id: purchase.id,
        },
    )
    .await?;
    Ok(())
}

/// The beat leaves the catalog and sells no more leases; earlier lessees keep everything.
async fn sell_exclusive(txn: &DatabaseTransaction, beat_id: Uuid, purchase_id: Uuid) -> Result<()> {
    let sold = beat::Entity::update_many()
        .col_expr(beat::Column::Status, Expr::value(BeatStatus::Sold.as_str()))
        .col_expr(
            beat::Column::ExclusiveHoldPurchaseId,
            Expr::value(Some(purchase_id)),
        )
        .col_expr(
            beat::Column::ExclusiveHoldUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(beat::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(beat::Column::Id.eq(beat_id))
        .filter(beat::Column::Status.ne(BeatStatus::Sold.as_str()))
        .exec(txn)
        .await?;
    if sold.rows_affected == 0 {
        // Cannot happen with Stripe (a checkout expires with its hold), but if it does the
        // buyer paid and keeps their files; the producer must refund one of the two.
        tracing::error!(%beat_id, %purchase_id, "an exclusive was paid for a beat already sold");
    }
    Ok(())
}

async fn cancel(txn: &DatabaseTransaction, purchase_id: Uuid, session_id: &str) -> Result<()> {
    let Some(purchase) = find(txn, purchase_id, session_id).await? else {
        return Ok(());
    };
    purchase::Entity::update_many()
        .col_expr(
            purchase::Column::Status,
            Expr::value(PurchaseStatus::Cancelled.as_str()),
        )
        .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(purchase::Column::Id.eq(purchase.id))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    release_hold(txn, purchase.beat_id, purchase.id).await
}

async fn mark_revoked<C: ConnectionTrait>(
    conn: &C,
    purchase_id: Uuid,
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
            PurchaseStatus::Paid.as_str(),
        ]))
        .exec(conn)
        .await?;
    Ok(())
}

/// Refunds and disputes end a purchase whenever they arrive; a purchase not yet completed
/// finds the revocation waiting when its completion comes.
async fn revoke(
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
    let purchases = purchase::Entity::find()
        .filter(purchase::Column::PaymentIntentId.eq(payment_intent))
        .all(txn)
        .await?;
    for p in purchases {
        mark_revoked(txn, p.id, payment_intent, reason.as_str()).await?;
    }
    Ok(())
}

/// The development provider's "Pay": the event Stripe would send for a paid checkout.
pub fn dev_payment_event(purchase: &purchase::Model) -> Result<EventEnvelope> {
    let session_id = purchase
        .checkout_session_id
        .clone()
        .ok_or_else(|| Error::conflict("no_checkout", "this purchase has no checkout to pay"))?;
    Ok(EventEnvelope {
        id: format!("evt_dev_{}", purchase.id.simple()),
        event_type: "checkout.session.completed".into(),
        event: PaymentEvent::CheckoutCompleted {
            purchase_id: purchase.id,
            session_id,
            payment_intent: Some(format!("pi_dev_{}", purchase.id.simple())),
            paid: true,
        },
    })
}
