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

/// The refund `purchase_id` still needs, if any.
pub async fn due(db: &DatabaseConnection, purchase_id: Uuid) -> Result<Option<RefundRequest>> {
    let Some(p) = purchase::Entity::find_by_id(purchase_id).one(db).await? else {
        return Ok(None);
    };
    let owed = p.amount_paid_cents.unwrap_or(p.price_cents);
    if !PurchaseStatus::Refunded.is(&p.status) || p.amount_refunded_cents >= owed {
        return Ok(None);
    }
    Ok(p.payment_intent_id.map(|payment_intent| RefundRequest {
        payment_intent,
        // One purchase, one refund: a retry after a lost answer returns the refund already made.
        idempotency_key: format!("trackout-refund-{}", p.id),
        reason: p
            .revoke_reason
            .unwrap_or_else(|| "no longer for sale".into()),
    }))
}

/// The provider accepted the refund: all of the payment is recorded as refunded (Stripe's
/// `charge.refunded` event says the same when it arrives).
pub async fn recorded(db: &DatabaseConnection, purchase_id: Uuid) -> Result<()> {
    let Some(p) = purchase::Entity::find_by_id(purchase_id).one(db).await? else {
        return Ok(());
    };
    let owed = p.amount_paid_cents.unwrap_or(p.price_cents);
    purchase::Entity::update_many()
        .col_expr(purchase::Column::AmountRefundedCents, Expr::value(owed))
        .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(purchase::Column::Id.eq(purchase_id))
        .filter(purchase::Column::AmountRefundedCents.lt(owed))
        .exec(db)
        .await?;
    Ok(())
}
