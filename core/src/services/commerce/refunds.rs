//! The store's own refunds: a payment that arrived for something no longer for sale goes back
//! in full (the purchase is already `refunded`, with the reason the buyer sees).

use chrono::Utc;
use entity::purchase;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::Result;
use crate::domain::PurchaseStatus;
use crate::payments::RefundRequest;

/// The refund the order `purchase_id` (its first purchase) still needs, if any: the whole
/// payment, once every item of the order is `refunded`.
pub async fn due(db: &DatabaseConnection, purchase_id: Uuid) -> Result<Option<RefundRequest>> {
    let order = super::payment_events::order(db, purchase_id).await?;
    let Some(first) = order.first() else {
        return Ok(None);
    };
    let owed: i64 = order
        .iter()
        .map(|p| p.amount_paid_cents.unwrap_or(p.price_cents))
        .sum();
    let refunded: i64 = order.iter().map(|p| p.amount_refunded_cents).sum();
    if !order.iter().all(|p| PurchaseStatus::Refunded.is(&p.status)) || refunded >= owed {
        return Ok(None);
    }
    Ok(first
        .payment_intent_id
        .clone()
        .map(|payment_intent| RefundRequest {
            payment_intent,
            // One order, one refund: a retry after a lost answer returns the refund already made.
            idempotency_key: format!("trackout-refund-{}", first.id),
            reason: first
                .revoke_reason
                .clone()
                .unwrap_or_else(|| "no longer for sale".into()),
        }))
}

/// The provider accepted the refund: all of the payment is recorded as refunded, each item
/// its own price (Stripe's `charge.refunded` event says the same when it arrives).
pub async fn recorded(db: &DatabaseConnection, purchase_id: Uuid) -> Result<()> {
    for p in super::payment_events::order(db, purchase_id).await? {
        let owed = p.amount_paid_cents.unwrap_or(p.price_cents);
        purchase::Entity::update_many()
            .col_expr(purchase::Column::AmountRefundedCents, Expr::value(owed))
            .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(purchase::Column::Id.eq(p.id))
            .filter(purchase::Column::AmountRefundedCents.lt(owed))
            .exec(db)
            .await?;
    }
    Ok(())
}
