//! The development payment provider's checkout: what its page shows, and what its "Pay" button
//! does (exactly what a Stripe webhook for a paid checkout does).

use entity::{beat, purchase};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::checkout::{paid_return_path, still_payable};
use super::payment_events::{self, dev_payment_event};
use crate::auth::{TokenKind, Tokens, now_seconds};
use crate::domain::{PaymentProviderKind, PurchaseStatus};
use crate::{Error, Result};

/// How long a development checkout link works: as long as a checkout would.
const PAY_LINK_SECONDS: u64 = 2 * 3600;

/// The pay page's URL as handed to the buyer: with a proof (`?t=`, a token of its own kind
/// bound to this purchase) that only they hold, so nobody who guesses a purchase id can pay,
/// or see, somebody else's checkout.
pub fn pay_link(tokens: &Tokens, purchase_id: Uuid, url: &str) -> String {
    let now = now_seconds();
    let proof = tokens.issue_bearer(
        TokenKind::DevCheckout,
        purchase_id,
        Uuid::new_v4(),
        now,
        now + PAY_LINK_SECONDS,
    );
    format!("{url}?t={proof}")
}

/// Whether `proof` lets its holder see and pay `purchase_id`.
pub fn may_pay(tokens: &Tokens, purchase_id: Uuid, proof: Option<&str>) -> Result<()> {
    let valid = proof.is_some_and(|proof| {
        tokens
            .verify_bearer(TokenKind::DevCheckout, proof)
            .is_ok_and(|c| c.sub == purchase_id)
    });
    if valid {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "this checkout link is incomplete or expired: open it from the Buy button again".into(),
        ))
    }
}

pub struct DevCheckout {
    pub purchase_id: Uuid,
    pub beat_title: String,
    pub tier_name: String,
    pub price_cents: i64,
    pub currency: String,
    pub status: String,
    /// Whether "Pay" would complete it now (an exclusive's hold may have lapsed).
    pub payable: bool,
}

/// The order's purchases, if it is a development checkout.
async fn order(db: &DatabaseConnection, id: Uuid) -> Result<Vec<purchase::Model>> {
    let order = payment_events::order(db, id).await?;
    if order.is_empty()
        || !order
            .iter()
            .all(|p| PaymentProviderKind::Dev.is(&p.provider))
    {
        return Err(Error::NotFound("checkout"));
    }
    Ok(order)
}

async fn payable(db: &DatabaseConnection, order: &[purchase::Model]) -> Result<bool> {
    for p in order {
        if !still_payable(db, p).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub async fn show(db: &DatabaseConnection, id: Uuid) -> Result<DevCheckout> {
    let order = order(db, id).await?;
    let mut titles = Vec::with_capacity(order.len());
    for p in &order {
        titles.push(
            beat::Entity::find_by_id(p.beat_id)
                .one(db)
                .await?
                .map(|b| b.title)
                .unwrap_or_else(|| p.beat_title.clone()),
        );
    }
    Ok(DevCheckout {
        purchase_id: order[0].id,
        payable: payable(db, &order).await?,
        beat_title: titles.join(" + "),
        tier_name: order
            .iter()
            .map(|p| p.tier_name.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        price_cents: order.iter().map(|p| p.price_cents).sum(),
        currency: order[0].currency.clone(),
        status: order[0].status.clone(),
    })
}

/// Completes the checkout through the webhook's own path; paying twice changes nothing.
/// Returns where the buyer goes next, as Stripe's success URL would send them.
pub async fn pay(db: &DatabaseConnection, id: Uuid) -> Result<String> {
    let order = order(db, id).await?;
    let first = &order[0];
    let next = paid_return_path(first.id, order.len());
    if PurchaseStatus::Paid.is(&first.status) {
        return Ok(next); // paid already: paying twice changes nothing
    }
    if let Some(p) = order
        .iter()
        .find(|p| !PurchaseStatus::Pending.is(&p.status))
    {
        return Err(Error::conflict(
            "checkout_expired",
            format!(
                "this checkout is {}: it can no longer be paid; start again from the beat",
                p.status
            ),
        ));
    }
    if !payable(db, &order).await? {
        return Err(Error::conflict(
            "checkout_expired",
            "this checkout has expired: the exclusive hold ran out; start again from the beat",
        ));
    }
    payment_events::apply(db, &dev_payment_event(&order)?).await?;
    Ok(next)
}
