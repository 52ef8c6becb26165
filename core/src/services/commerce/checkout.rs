//! Starting an order: a pending purchase per item, the hold of every exclusive among them,
//! then one checkout session at the payment provider with a line item per purchase.

use chrono::Utc;
use entity::{beat, lease_tier, purchase, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::config::Config;
use crate::domain::{BeatStatus, PaymentProviderKind, PurchaseStatus, TierKind};
use crate::payments::{CheckoutLine, CheckoutRequest, PaymentProvider};
use crate::queue::now_ms;
use crate::services::Actor;
use crate::services::tiers::tier_view;
use crate::{Error, Result};

pub use super::cart::{CartItem, CheckoutBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutStarted {
    /// The order, which is also its first item's purchase (a one-item checkout's purchase).
    pub purchase_id: Uuid,
    /// Every item's purchase, in the order asked for.
    pub purchase_ids: Vec<Uuid>,
    /// Send the buyer here to pay (or, for an order that costs nothing, to the library).
    pub checkout_url: String,
    /// Already paid: the order cost nothing (a deal or a coupon took it all), so there is
    /// no payment page.
    pub paid: bool,
}

/// Takes the beat's exclusive for `purchase` until `until_ms`, if nobody else holds it. One
/// conditional UPDATE, so of two buyers racing exactly one gets it, on either database.
async fn hold_exclusive<C: sea_orm::ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    purchase: Uuid,
    until_ms: i64,
) -> Result<bool> {
    let now = now_ms();
    let taken = beat::Entity::update_many()
        .col_expr(
            beat::Column::ExclusiveHoldPurchaseId,
            Expr::value(Some(purchase)),
        )
        .col_expr(
            beat::Column::ExclusiveHoldUntilMs,
            Expr::value(Some(until_ms)),
        )
        .filter(beat::Column::Id.eq(beat_id))
        .filter(beat::Column::Status.eq(BeatStatus::Published.as_str()))
        .filter(
            Condition::any()
                .add(beat::Column::ExclusiveHoldUntilMs.is_null())
                .add(beat::Column::ExclusiveHoldUntilMs.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Lets go of a hold that `purchase` still has (a failed or cancelled checkout).
pub(crate) async fn release_hold<C: sea_orm::ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    purchase: Uuid,
) -> Result<()> {
    beat::Entity::update_many()
        .col_expr(
            beat::Column::ExclusiveHoldPurchaseId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            beat::Column::ExclusiveHoldUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .filter(beat::Column::Id.eq(beat_id))
        .filter(beat::Column::ExclusiveHoldPurchaseId.eq(purchase))
        // A sold beat names its buyer in the same column: that is not a hold to let go.
        .filter(beat::Column::Status.ne(BeatStatus::Sold.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// A payment event may arrive a few minutes after Stripe's checkout closed: the beat stays
/// held that much longer than the session, so a late completion never finds another buyer's
/// hold in its place.
const HOLD_OUTLASTS_CHECKOUT_MS: i64 = 10 * 60_000;

/// Whether `buyer` already holds an exclusive on another beat: one at a time, so nobody can
/// take a whole catalog off sale by opening checkouts.
async fn holds_another_exclusive<C: sea_orm::ConnectionTrait>(
    conn: &C,
    buyer: Uuid,
    cart: &[Uuid],
) -> Result<bool> {
    let pending: Vec<Uuid> = purchase::Entity::find()
        .filter(purchase::Column::BuyerId.eq(buyer))
        .filter(purchase::Column::TierKind.eq(TierKind::Exclusive.as_str()))
        .filter(purchase::Column::Status.eq(PurchaseStatus::Pending.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if pending.is_empty() {
        return Ok(false);
    }
    let held = beat::Entity::find()
        .filter(beat::Column::ExclusiveHoldPurchaseId.is_in(pending))
        .filter(beat::Column::ExclusiveHoldUntilMs.gt(now_ms()))
        .filter(beat::Column::Status.eq(BeatStatus::Published.as_str()))
        .filter(beat::Column::Id.is_not_in(cart.iter().copied()))
        .one(conn)
        .await?;
    Ok(held.is_some())
}

/// One item, checked, at its tier's list price.
pub(super) struct Line {
    pub beat: beat::Model,
    pub tier: lease_tier::Model,
    pub terms: serde_json::Value,
    pub kind: TierKind,
}

/// The items of a cart, each checked as a checkout checks it. Without a buyer (a guest's
/// quote) what only an account can be refused for (its own beat, a license it owns) is left
/// for the checkout.
pub(super) async fn lines(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    items: Vec<CartItem>,
) -> Result<Vec<Line>> {
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        lines.push(line(db, actor, item).await.map_err(|e| naming(e, item))?);
    }
    Ok(lines)
}

/// A refusal of one item says which (`beat_id`, `tier`), so that a cart can offer to take
/// that item out.
fn naming(error: Error, item: CartItem) -> Error {
    match error {
        Error::Conflict {
            code,
            message,
            details: None,
        } => Error::Conflict {
            code,
            message,
            details: Some(serde_json::json!({
                "beat_id": item.beat_id,
                "tier": item.tier.as_str(),
            })),
        },
        other => other,
    }
}

async fn line(db: &DatabaseConnection, actor: Option<&Actor>, item: CartItem) -> Result<Line> {
    let beat = beat::Entity::find_by_id(item.beat_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("beat"))?;
    match beat.status.as_str() {
        s if s == BeatStatus::Published.as_str() => {}
        s if s == BeatStatus::Sold.as_str() => {
            return Err(Error::conflict(
                "sold_exclusively",
                "this beat's exclusive rights are sold; it is no longer for sale",
            ));
        }
        _ => return Err(Error::NotFound("beat")),
    }
    if actor.is_some_and(|a| beat.producer_id == a.user_id) {
        return Err(Error::conflict("own_beat", "you cannot buy your own beat"));
    }
    let tier = lease_tier::Entity::find()
        .filter(lease_tier::Column::BeatId.eq(beat.id))
        .filter(lease_tier::Column::Kind.eq(item.tier.as_str()))
        .one(db)
        .await?
        .filter(|t| t.enabled)
        .ok_or_else(|| Error::conflict("tier_unavailable", "this tier is not for sale"))?;
    let view = tier_view(tier.clone())?;
    if let Some(actor) = actor
        && super::cancel::owns(db, actor, beat.id, item.tier).await?
    {
        return Err(Error::conflict(
            "already_owned",
            "you already own this license; its files are in your library",
        ));
    }
    Ok(Line {
        terms: view.terms.to_stored()?,
        beat,
        tier,
        kind: item.tier,
    })
}

pub async fn start(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    config: &Config,
    actor: &Actor,
    body: CheckoutBody,
) -> Result<CheckoutStarted> {
    let started = open(db, payments, config, actor, body).await?;
    settle_free(db, config, &started).await?;
    Ok(started)
}

/// Completes an order that costs nothing. Separate from `open` so that a guest checkout
/// records whose order it is (the claim link, the name on the license) before its
/// fulfilment can run.
pub async fn settle_free(
    db: &DatabaseConnection,
    config: &Config,
    started: &CheckoutStarted,
) -> Result<()> {
    if started.paid {
        // Nothing to charge, and Stripe refuses a payment of 0: the order is paid here,
        // through the same completion as a payment event.
        super::payment_events::complete_free(db, started.purchase_id, &config.commerce.currency)
            .await?;
    }
    Ok(())
}

/// Everything `start` does but completing an order that costs nothing.
pub async fn open(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    config: &Config,
    actor: &Actor,
    body: CheckoutBody,
) -> Result<CheckoutStarted> {
    let buyer = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::unauthorized("account_gone", "this account no longer exists"))?;
    let priced = super::pricing::price(db, config, Some(actor), &body).await?;
    if let Some(why) = priced.refusal {
        // A code is never taken and silently ignored: the buyer asked for a discount.
        return Err(why.error());
    }
    let total_cents = priced.cart.total_cents();
    let lines = priced.lines;
    let prices = priced.cart.lines;

    // The order is its first item's purchase, so a one-item checkout is what it always was.
    let ids: Vec<Uuid> = lines.iter().map(|_| Uuid::now_v7()).collect();
    let order_id = ids[0];
    let now = Utc::now();
    let exclusive = lines.iter().any(|l| l.kind == TierKind::Exclusive);
    let checkout_ends_ms = now_ms() + (config.commerce.exclusive_hold_minutes * 60_000) as i64;
    let hold_until_ms = if PaymentProviderKind::Stripe.is(payments.name()) {
        checkout_ends_ms + HOLD_OUTLASTS_CHECKOUT_MS
    } else {
        checkout_ends_ms
    };
    let cart_beats: Vec<Uuid> = lines.iter().map(|l| l.beat.id).collect();
    let txn = crate::db::write_txn(db).await?;
    if exclusive {
        // Taken under the buyer's row lock, so two checkouts of the same buyer at once see
        // each other's hold.
        user::Entity::find_by_id(buyer.id)
            .lock_exclusive()
            .one(&txn)
            .await?;
        if holds_another_exclusive(&txn, buyer.id, &cart_beats).await? {
            return Err(Error::conflict(
                "exclusive_hold_limit",
                "you are already checking out the exclusive rights to another beat; finish or cancel that checkout first",
            ));
        }
    }
    if let Some(coupon) = &priced.coupon {
        super::coupons::take_use(&txn, coupon.id, order_id).await?;
    }
    for ((line, price), &purchase_id) in lines.iter().zip(&prices).zip(&ids) {
        purchase::ActiveModel {
            id: Set(purchase_id),
            buyer_id: Set(buyer.id),
            beat_id: Set(line.beat.id),
            beat_title: Set(line.beat.title.clone()),
            tier_kind: Set(line.tier.kind.clone()),
            tier_name: Set(line.tier.name.clone()),
            price_cents: Set(price.paid_cents()),
            deal_cents: Set(price.deal_cents),
            coupon_cents: Set(price.coupon_cents),
            currency: Set(config.commerce.currency.clone()),
            terms: Set(line.terms.clone()),
            buyer_name: Set(buyer.display_name.clone()),
            status: Set(PurchaseStatus::Pending.as_str().to_owned()),
            provider: Set(payments.name().into()),
            checkout_session_id: Set(None),
            payment_intent_id: Set(None),
            license_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            paid_at: Set(None),
            revoked_at: Set(None),
            revoke_reason: Set(None),
            amount_paid_cents: Set(None),
            amount_refunded_cents: Set(0),
            hold_reason: Set(None),
            order_id: Set(Some(order_id)),
        }
        .insert(&txn)
        .await?;
        super::splits::freeze(&txn, purchase_id, line.beat.id).await?;
        // Every exclusive in the cart takes its hold, or the whole checkout is refused.
        if line.kind == TierKind::Exclusive
            && !hold_exclusive(&txn, line.beat.id, purchase_id, hold_until_ms).await?
        {
            return Err(Error::conflict(
                "exclusive_on_hold",
                format!(
                    "another buyer is checking out the exclusive rights to {:?}; try again later",
                    line.beat.title
                ),
            ));
        }
    }
    txn.commit().await?;

    let public = config.public_url();
    if total_cents == 0 {
        // No payment page: `settle_free` completes it.
        return Ok(CheckoutStarted {
            purchase_id: order_id,
            purchase_ids: ids,
            checkout_url: format!("{public}{}", paid_return_path(order_id, lines.len())),
            paid: true,
        });
    }
    let success_url = format!("{public}{}", paid_return_path(order_id, lines.len()));
    let cancel_url = match lines.as_slice() {
        [one] => format!("{public}/beats/{}?checkout=cancelled", one.beat.id),
        _ => format!("{public}/cart?checkout=cancelled"),
    };
    let request = CheckoutRequest {
        purchase_id: order_id,
        lines: lines
            .iter()
            .zip(&prices)
            .map(|(l, price)| CheckoutLine {
                product_name: format!("{} — {}", l.beat.title, l.tier.name),
                amount_cents: price.paid_cents(),
            })
            .collect(),
        currency: config.commerce.currency.clone(),
        customer_email: buyer.email,
        success_url,
        cancel_url,
        expires_at: exclusive.then_some(checkout_ends_ms / 1000),
    };
    match payments.create_checkout(request).await {
        Ok(session) => {
            purchase::Entity::update_many()
                .col_expr(
                    purchase::Column::CheckoutSessionId,
                    Expr::value(Some(session.id)),
                )
                .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(purchase::Column::OrderId.eq(order_id))
                .exec(db)
                .await?;
            Ok(CheckoutStarted {
                purchase_id: order_id,
                purchase_ids: ids,
                checkout_url: session.url,
                paid: false,
            })
        }
        Err(e) => {
            tracing::error!(error = %e, %order_id, "creating a checkout session failed");
            let txn = crate::db::write_txn(db).await?;
            purchase::Entity::update_many()
                .col_expr(
                    purchase::Column::Status,
                    Expr::value(PurchaseStatus::Cancelled.as_str()),
                )
                .col_expr(purchase::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(purchase::Column::OrderId.eq(order_id))
                .exec(&txn)
                .await?;
            for (line, &purchase_id) in lines.iter().zip(&ids) {
                release_hold(&txn, line.beat.id, purchase_id).await?;
            }
            super::coupons::give_back(&txn, order_id).await?;
            txn.commit().await?;
            Err(Error::Unavailable(
                "the payment provider could not start a checkout; nothing was charged, try again"
                    .into(),
            ))
        }
    }
}

/// Where a paid order brings the buyer back to: one item to its purchase, a cart to the
/// library, where every one of its purchases is. Stripe's success URL and the development
/// page's redirect both come from here.
pub fn paid_return_path(order_id: Uuid, items: usize) -> String {
    if items == 1 {
        format!("/library/{order_id}?checkout=success")
    } else {
        "/library?checkout=success".to_owned()
    }
}

/// Whether a pending purchase can still be paid (the development page asks): an exclusive only
/// while its hold is its own and running. (Stripe enforces the same through the session's
/// `expires_at`.)
pub async fn still_payable(db: &DatabaseConnection, purchase: &purchase::Model) -> Result<bool> {
    if !PurchaseStatus::Pending.is(&purchase.status) {
        return Ok(false);
    }
    if purchase.tier_kind != TierKind::Exclusive.as_str() {
        return Ok(true);
    }
    let beat = beat::Entity::find_by_id(purchase.beat_id).one(db).await?;
    Ok(beat.is_some_and(|b| {
        b.status == BeatStatus::Published.as_str()
            && b.exclusive_hold_purchase_id == Some(purchase.id)
            && b.exclusive_hold_until_ms
                .is_some_and(|until| until > now_ms())
    }))
}

/// Closes every other open checkout of a beat whose exclusive rights just sold. Returns the
/// Stripe sessions of checkouts of the beat that may still be open at Stripe (sessions live at
/// most a day), to expire there: run again, it closes nothing twice and expires again what is
/// already ended, which Stripe answers harmlessly.
pub async fn close_checkouts(
    db: &DatabaseConnection,
    beat_id: Uuid,
    sold_to: Uuid,
) -> Result<Vec<String>> {
    let txn = crate::db::write_txn(db).await?;
    let others = purchase::Entity::find()
        .filter(purchase::Column::BeatId.eq(beat_id))
        .filter(purchase::Column::Id.ne(sold_to))
        .filter(purchase::Column::Status.is_in([
            PurchaseStatus::Pending.as_str(),
            PurchaseStatus::Cancelled.as_str(),
        ]))
        .filter(purchase::Column::CreatedAt.gt(Utc::now() - chrono::Duration::hours(25)))
        .all(&txn)
        .await?;
    let mut sessions = Vec::new();
    for p in others {
        super::payment_events::cancel(&txn, &p).await?;
        if PaymentProviderKind::Stripe.is(&p.provider)
            && let Some(session) = p.checkout_session_id
        {
            sessions.push(session);
        }
    }
    txn.commit().await?;
    Ok(sessions)
}
