//! A payment arrived. It becomes a paid purchase only if it paid exactly the price of
//! something still for sale; a payment of another amount is held for the producer, and one
//! for something no longer for sale is refunded in full, never fulfilled.

use chrono::Utc;
use entity::{beat, purchase, revoked_payment};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::revocation::mark_revoked;
use crate::Result;
use crate::domain::{BeatStatus, PurchaseStatus, TierKind, largest_remainder};
use crate::jobs::{CloseCheckouts, FulfillPurchase, PayPayees, RefundPayment};
use crate::payments::events::Charged;
use crate::queue::{self, now_ms};
use crate::services::commerce::ledger;

pub(super) struct Payment<'a> {
    pub payment_intent: Option<&'a str>,
    pub charged: Option<&'a Charged>,
}

/// A short, readable license number: `TRK-` and 12 characters from the purchase id.
fn license_id(purchase_id: uuid::Uuid) -> String {
    let hex = purchase_id.simple().to_string().to_uppercase();
    format!("TRK-{}-{}-{}", &hex[20..24], &hex[24..28], &hex[28..32])
}

/// Why money cannot buy this purchase now, if it cannot.
fn not_for_sale(purchase: &purchase::Model, beat: Option<&beat::Model>) -> Option<String> {
    if PurchaseStatus::Cancelled.is(&purchase.status) {
        return Some(
            "the checkout had already been closed when the payment arrived (the beat's exclusive rights sold, or the checkout expired)".into(),
        );
    }
    let Some(beat) = beat else {
        return Some("the beat was removed from the store before the payment arrived".into());
    };
    let exclusive = purchase.tier_kind == TierKind::Exclusive.as_str();
    let ours = beat.exclusive_hold_purchase_id == Some(purchase.id);
    if BeatStatus::Sold.is(&beat.status) && !ours {
        return Some(
            "the beat's exclusive rights were sold to another buyer before the payment arrived"
                .into(),
        );
    }
    let on_sale =
        BeatStatus::Published.is(&beat.status) || (BeatStatus::Sold.is(&beat.status) && ours);
    if !on_sale {
        return Some("the producer took the beat off sale before the payment arrived".into());
    }
    let held_by_another = beat.exclusive_hold_purchase_id.is_some()
        && !ours
        && beat
            .exclusive_hold_until_ms
            .is_some_and(|until| until > now_ms());
    if exclusive && held_by_another {
        return Some(
            "the exclusive hold had lapsed and another buyer was checking out the exclusive rights"
                .into(),
        );
    }
    None
}

/// The states a payment may still turn a purchase out of.
fn awaiting_payment() -> SimpleExpr {
    purchase::Column::Status.is_in([
        PurchaseStatus::Pending.as_str(),
        PurchaseStatus::Cancelled.as_str(),
    ])
}

pub(super) async fn complete(
    txn: &DatabaseTransaction,
    order: Vec<purchase::Model>,
    payment: Payment<'_>,
) -> Result<()> {
    // The items of an order move together; one already out of waiting means an earlier
    // event settled the order.
    if order.is_empty() || !order.iter().all(|p| awaiting(&p.status)) {
        return Ok(());
    }
    let order_id = ledger::order_of(&order[0]);
    if let Some(pi) = payment.payment_intent
        && revoked_payment::Entity::find_by_id(pi.to_owned())
            .one(txn)
            .await?
            .is_some()
    {
        // The refund or dispute arrived first: the purchase is over before it began.
        for p in &order {
            mark_revoked(txn, p.id, pi, "refunded before the checkout completed").await?;
        }
        return Ok(());
    }
    let now = Utc::now();
    let settle = |id: uuid::Uuid, status: PurchaseStatus, paid_cents: Option<i64>| {
        purchase::Entity::update_many()
            .col_expr(purchase::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                purchase::Column::PaymentIntentId,
                Expr::value(payment.payment_intent.map(str::to_owned)),
            )
            .col_expr(purchase::Column::AmountPaidCents, Expr::value(paid_cents))
            .col_expr(purchase::Column::UpdatedAt, Expr::value(now))
            .filter(purchase::Column::Id.eq(id))
            .filter(awaiting_payment())
    };

    let total: i64 = order.iter().map(|p| p.price_cents).sum();
    let currency = order[0].currency.clone();
    let exact = payment
        .charged
        .is_some_and(|c| c.amount == total && order.iter().all(|p| p.currency == c.currency));
    if !exact {
        let reason = match payment.charged {
            Some(c) => format!(
                "the payment provider charged {} {} for {} priced {} {}",
                c.amount,
                c.currency.to_uppercase(),
                if order.len() == 1 {
                    "a purchase"
                } else {
                    "an order"
                },
                total,
                currency.to_uppercase()
            ),
            None => "the payment provider did not say what it charged".into(),
        };
        tracing::error!(order = %order_id, %reason, "a payment does not match its order; held, not fulfilled");
        // What was charged is shared over the items by their prices, to the cent.
        let shares: Vec<Option<i64>> = match payment.charged {
            Some(c) => {
                let weights: Vec<u64> = order.iter().map(|p| p.price_cents.max(0) as u64).collect();
                largest_remainder(c.amount, &weights)
                    .into_iter()
                    .map(Some)
                    .collect()
            }
            None => vec![None; order.len()],
        };
        for (p, share) in order.iter().zip(shares) {
            settle(p.id, PurchaseStatus::Held, share)
                .col_expr(
                    purchase::Column::HoldReason,
                    Expr::value(Some(reason.clone())),
                )
                .col_expr(purchase::Column::PaidAt, Expr::value(Some(now)))
                .exec(txn)
                .await?;
        }
        return Ok(());
    }

    // All or nothing: an order with one item no longer for sale goes back whole.
    let mut refusal = None;
    for p in &order {
        let beat = beat::Entity::find_by_id(p.beat_id).one(txn).await?;
        if let Some(reason) = not_for_sale(p, beat.as_ref()) {
            refusal = Some(if order.len() == 1 {
                reason
            } else {
                format!(
                    "{:?} in this order: {reason}; the whole order is refunded",
                    p.beat_title
                )
            });
            break;
        }
    }
    if let Some(reason) = refusal {
        tracing::warn!(order = %order_id, %reason, "a payment for something no longer for sale; refunding it");
        let mut refunded = 0;
        for p in &order {
            refunded += settle(p.id, PurchaseStatus::Refunded, Some(p.price_cents))
                .col_expr(
                    purchase::Column::RevokeReason,
                    Expr::value(Some(reason.clone())),
                )
                .col_expr(purchase::Column::RevokedAt, Expr::value(Some(now)))
                .exec(txn)
                .await?
                .rows_affected;
        }
        if refunded > 0 && payment.payment_intent.is_some() {
            queue::enqueue(
                txn,
                &RefundPayment {
                    purchase_id: order_id,
                },
            )
            .await?;
        }
        return Ok(());
    }

    let mut any_paid = false;
    for p in &order {
        let paid = settle(p.id, PurchaseStatus::Paid, Some(p.price_cents))
            .col_expr(purchase::Column::PaidAt, Expr::value(Some(now)))
            .col_expr(
                purchase::Column::LicenseId,
                Expr::value(Some(license_id(p.id))),
            )
            .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
            .exec(txn)
            .await?;
        if paid.rows_affected == 0 {
            continue; // settled meanwhile
        }
        any_paid = true;
        if p.tier_kind == TierKind::Exclusive.as_str() {
            sell_exclusive(txn, p.beat_id, p.id).await?;
        }
        queue::enqueue(txn, &FulfillPurchase { purchase_id: p.id }).await?;
    }
    if any_paid {
        queue::enqueue(txn, &PayPayees { order_id }).await?;
    }
    Ok(())
}

fn awaiting(status: &str) -> bool {
    PurchaseStatus::Pending.is(status) || PurchaseStatus::Cancelled.is(status)
}

/// The beat leaves the catalog and sells nothing more; earlier lessees keep everything, and
/// every other open checkout of it is closed.
async fn sell_exclusive(
    txn: &DatabaseTransaction,
    beat_id: uuid::Uuid,
    purchase_id: uuid::Uuid,
) -> Result<()> {
    beat::Entity::update_many()
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
        .exec(txn)
        .await?;
    queue::enqueue(
        txn,
        &CloseCheckouts {
            beat_id,
            sold_to: purchase_id,
        },
    )
    .await?;
    Ok(())
}
