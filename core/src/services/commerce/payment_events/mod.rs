//! What a payment event does to a purchase. Stripe's webhook and the development provider's
//! "Pay" button both end here. Each event id is recorded in the same transaction as its
//! effect, so a replayed event changes nothing, and every transition is conditional on the
//! state it leaves, so events arriving twice or out of order cannot complete a purchase twice
//! or bring a refunded one back.

mod completion;
mod revocation;

use chrono::Utc;
use entity::{purchase, stripe_event};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::domain::{PurchaseStatus, RevokeReason};
use crate::payments::events::{Charged, EventEnvelope, PaymentEvent};
use crate::services::commerce::checkout::release_hold;
use crate::{Error, Result};

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
            charged,
        }
        | PaymentEvent::AsyncSucceeded {
            purchase_id,
            session_id,
            payment_intent,
            charged,
        } => {
            let order = find(&txn, *purchase_id, session_id).await?;
            if !order.is_empty() {
                let paid = completion::Payment {
                    payment_intent: payment_intent.as_deref(),
                    charged: charged.as_ref(),
                };
                completion::complete(&txn, order, paid).await?;
            }
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
            for purchase in find(&txn, *purchase_id, session_id).await? {
                cancel(&txn, &purchase).await?;
            }
        }
        PaymentEvent::Refunded {
            payment_intent,
            amount_refunded,
            full,
        } => revocation::refunded(&txn, payment_intent, *amount_refunded, *full).await?,
        PaymentEvent::Disputed { payment_intent } => {
            revocation::revoke(&txn, payment_intent, RevokeReason::Disputed).await?
        }
        PaymentEvent::DisputeClosed {
            payment_intent,
            won,
        } => revocation::dispute_closed(&txn, payment_intent, *won).await?,
        PaymentEvent::Ignored => {}
    }
    txn.commit().await?;
    Ok(Applied::Done)
}

/// The purchases of the order an event names (its id is the order's, which a one-item order
/// shares with its purchase), if the session is the one we opened for it.
async fn find(
    txn: &DatabaseTransaction,
    order_id: Uuid,
    session_id: &str,
) -> Result<Vec<purchase::Model>> {
    let found = order(txn, order_id).await?;
    let ours = !found.is_empty()
        && found
            .iter()
            .all(|p| p.checkout_session_id.as_deref() == Some(session_id));
    if !ours {
        if !found.is_empty() {
            tracing::warn!(%order_id, session_id, "an event names a session that is not this order's");
        }
        return Ok(Vec::new());
    }
    Ok(found)
}

/// Every purchase of an order, first item first.
pub async fn order<C: sea_orm::ConnectionTrait>(
    conn: &C,
    order_id: Uuid,
) -> Result<Vec<purchase::Model>> {
    Ok(purchase::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(purchase::Column::OrderId.eq(order_id))
                .add(purchase::Column::Id.eq(order_id)),
        )
        .order_by_asc(purchase::Column::Id)
        .all(conn)
        .await?)
}

/// An unpaid checkout ended: the purchase is cancelled and an exclusive hold let go.
pub(crate) async fn cancel(txn: &DatabaseTransaction, purchase: &purchase::Model) -> Result<bool> {
    let cancelled = purchase::Entity::update_many()
        .col_expr(
            purchase::Column::Status,
            Expr::value(PurchaseStatus::Cancelled.as_str()),
        )
        .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(purchase::Column::Id.eq(purchase.id))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    release_hold(txn, purchase.beat_id, purchase.id).await?;
    if cancelled.rows_affected == 1 {
        super::coupons::give_back(txn, super::ledger::order_of(purchase)).await?;
    }
    Ok(cancelled.rows_affected == 1)
}

/// Completes an order that costs nothing (a bulk deal and a coupon took it all): there is no
/// payment to wait for, and Stripe refuses one of 0, so the store records the event a
/// provider would send, charging 0, and applies it through the one completion path.
pub async fn complete_free(db: &DatabaseConnection, order_id: Uuid, currency: &str) -> Result<()> {
    let session_id = format!("free_{}", order_id.simple());
    purchase::Entity::update_many()
        .col_expr(
            purchase::Column::CheckoutSessionId,
            Expr::value(Some(session_id.clone())),
        )
        .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(purchase::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    let envelope = EventEnvelope {
        id: format!("evt_free_{}", order_id.simple()),
        event_type: "checkout.session.completed".into(),
        event: PaymentEvent::CheckoutCompleted {
            purchase_id: order_id,
            session_id,
            payment_intent: None,
            paid: true,
            charged: Some(Charged {
                amount: 0,
                currency: currency.to_owned(),
            }),
        },
    };
    apply(db, &envelope).await?;
    Ok(())
}

/// The development provider's "Pay": the event Stripe would send for a paid checkout of the
/// order, charging exactly its total.
pub fn dev_payment_event(order: &[purchase::Model]) -> Result<EventEnvelope> {
    let first = order
        .first()
        .ok_or_else(|| Error::conflict("no_checkout", "this order has no items to pay"))?;
    let session_id = first
        .checkout_session_id
        .clone()
        .ok_or_else(|| Error::conflict("no_checkout", "this purchase has no checkout to pay"))?;
    let order_id = crate::services::commerce::ledger::order_of(first);
    Ok(EventEnvelope {
        id: format!("evt_dev_{}", order_id.simple()),
        event_type: "checkout.session.completed".into(),
        event: PaymentEvent::CheckoutCompleted {
            purchase_id: order_id,
            session_id,
            payment_intent: Some(format!("pi_dev_{}", order_id.simple())),
            paid: true,
            charged: Some(Charged {
                amount: order.iter().map(|p| p.price_cents).sum(),
                currency: first.currency.clone(),
            }),
        },
    })
}
