//! A buyer's own checkouts: cancelling one left awaiting payment, and knowing which licenses
//! they already own (so they are not sold the same one twice).

use chrono::Utc;
use entity::purchase;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::checkout::release_hold;
use super::library::{self, PurchaseView};
use crate::auth::Tokens;
use crate::domain::{PurchaseStatus, TierKind};
use crate::payments::PaymentProvider;
use crate::services::Actor;
use crate::services::access::own_purchase;
use crate::{Error, Result};

/// Whether `actor` holds a paid (not refunded) license of this tier of the beat.
pub(crate) async fn owns(
    db: &DatabaseConnection,
    actor: &Actor,
    beat_id: Uuid,
    tier: TierKind,
) -> Result<bool> {
    Ok(purchase::Entity::find()
        .filter(purchase::Column::BuyerId.eq(actor.user_id))
        .filter(purchase::Column::BeatId.eq(beat_id))
        .filter(purchase::Column::TierKind.eq(tier.as_str()))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Paid.as_str()))
        .one(db)
        .await?
        .is_some())
}

fn not_pending(status: &str) -> Error {
    Error::conflict(
        "not_pending",
        format!("only a checkout awaiting payment can be cancelled; this purchase is {status}"),
    )
}

/// `POST /api/v1/purchases/{id}/cancel`: the buyer gives up a checkout awaiting payment. The
/// provider's session is ended first (Stripe then refuses to take the payment), then the
/// purchase is cancelled and an exclusive's hold released, both only if it is still pending:
/// a payment that completed meanwhile wins, and the answer says so.
pub async fn cancel(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    tokens: &Tokens,
    actor: &Actor,
    purchase_id: Uuid,
    ttl_seconds: u64,
) -> Result<PurchaseView> {
    let found = own_purchase(db, actor, purchase_id).await?;
    if !PurchaseStatus::Pending.is(&found.status) {
        return Err(not_pending(&found.status));
    }
    if let Some(session) = found.checkout_session_id.as_deref()
        && found.provider == payments.name()
    {
        payments.expire_checkout(session).await.map_err(|e| {
            tracing::warn!(%purchase_id, error = %e, "expiring a checkout session failed");
            Error::Unavailable(
                "the payment provider could not cancel this checkout; nothing changed, try again in a moment"
                    .into(),
            )
        })?;
    }
    let txn = crate::db::write_txn(db).await?;
    let cancelled = purchase::Entity::update_many()
        .col_expr(
            purchase::Column::Status,
            Expr::value(PurchaseStatus::Cancelled.as_str()),
        )
        .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(purchase::Column::Id.eq(found.id))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    if cancelled.rows_affected == 0 {
        let now = purchase::Entity::find_by_id(found.id).one(&txn).await?;
        return Err(not_pending(
            now.as_ref().map_or("gone", |p| p.status.as_str()),
        ));
    }
    release_hold(&txn, found.beat_id, found.id).await?;
    super::coupons::give_back(&txn, super::ledger::order_of(&found)).await?;
    // The session was the whole order's: its other items end with it.
    for other in super::payment_events::order(&txn, super::ledger::order_of(&found)).await? {
        if other.id != found.id {
            super::payment_events::cancel(&txn, &other).await?;
        }
    }
    txn.commit().await?;
    library::get(db, tokens, actor, purchase_id, ttl_seconds).await
}
