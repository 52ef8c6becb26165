//! The development payment provider's checkout: what its page shows, and what its "Pay" button
//! does (exactly what a Stripe webhook for a paid checkout does).

use entity::{beat, purchase};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::checkout::still_payable;
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

async fn pending(db: &DatabaseConnection, id: Uuid) -> Result<purchase::Model> {
    purchase::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| PaymentProviderKind::Dev.is(&p.provider))
        .ok_or(Error::NotFound("checkout"))
}

pub async fn show(db: &DatabaseConnection, id: Uuid) -> Result<DevCheckout> {
    let purchase = pending(db, id).await?;
    let beat_title = beat::Entity::find_by_id(purchase.beat_id)
        .one(db)
        .await?
        .map(|b| b.title)
        .unwrap_or_else(|| purchase.beat_title.clone());
    Ok(DevCheckout {
        purchase_id: purchase.id,
        payable: still_payable(db, &purchase).await?,
        beat_title,
        tier_name: purchase.tier_name,
        price_cents: purchase.price_cents,
        currency: purchase.currency,
        status: purchase.status,
    })
}

/// Completes the checkout through the webhook's own path; paying twice changes nothing.
pub async fn pay(db: &DatabaseConnection, id: Uuid) -> Result<Uuid> {
    let purchase = pending(db, id).await?;
    if PurchaseStatus::Paid.is(&purchase.status) {
        return Ok(purchase.id); // paid already: paying twice changes nothing
    }
    if !PurchaseStatus::Pending.is(&purchase.status) {
        return Err(Error::conflict(
            "checkout_expired",
            format!(
                "this checkout is {}: it can no longer be paid; start again from the beat",
                purchase.status
            ),
        ));
    }
    if !still_payable(db, &purchase).await? {
        return Err(Error::conflict(
            "checkout_expired",
            "this checkout has expired: the exclusive hold ran out; start again from the beat",
        ));
    }
    payment_events::apply(db, &dev_payment_event(&purchase)?).await?;
    Ok(purchase.id)
}
