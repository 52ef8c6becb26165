//! What a cart costs, priced on the server with the producers' deals and the buyer's coupon
//! (`domain::discounts`). The quote and the checkout call the same function, so the prices
//! the storefront shows line by line are the prices charged.

use chrono::Utc;
use entity::coupon;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::cart::CheckoutBody;
use super::checkout::{Line, lines};
use super::coupons::{self, Refusal};
use crate::config::Config;
use crate::domain::TierKind;
use crate::domain::discounts::{self, PricedCart};
use crate::services::Actor;
use crate::{Error, Result};

/// A cart's lines, checked, and their prices.
pub(super) struct Priced {
    pub lines: Vec<Line>,
    pub cart: PricedCart,
    /// The coupon that applies, if one does.
    pub coupon: Option<coupon::Model>,
    /// Why the code asked for does not apply, if it does not.
    pub refusal: Option<Refusal>,
}

pub(super) async fn price(
    db: &DatabaseConnection,
    config: &Config,
    actor: Option<&Actor>,
    body: &CheckoutBody,
) -> Result<Priced> {
    let items = body.items()?;
    let lines = lines(db, actor, items).await?;
    let priced_lines: Vec<discounts::Line> = lines
        .iter()
        .map(|l| discounts::Line {
            beat_id: l.beat.id,
            producer_id: l.beat.producer_id,
            tier: l.kind,
            price_cents: l.tier.price_cents,
        })
        .collect();
    let mut producers: Vec<Uuid> = priced_lines.iter().map(|l| l.producer_id).collect();
    producers.sort();
    producers.dedup();
    let deals = super::deals::of_producers(db, &producers).await?;
    let code = body
        .coupon
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let (found, mut refusal) = match code {
        None => (None, None),
        Some(code) => match coupons::find(db, code).await? {
            Ok(c) => (Some(c), None),
            Err(why) => (None, Some(why)),
        },
    };
    let wanted = found.as_ref().map(coupons::priced).transpose()?;
    let cart = discounts::price(&priced_lines, &deals, wanted.as_ref(), Utc::now());
    if let Some(why) = cart.coupon_refused {
        refusal = Some(why.into());
    }
    chargeable(&cart, &config.commerce.currency)?;
    Ok(Priced {
        lines,
        coupon: found.filter(|_| refusal.is_none()),
        refusal,
        cart,
    })
}

/// Refuses a total that costs something but less than Stripe takes in one payment: caught
/// here, for the quote and the checkout alike, instead of as a 502 from Stripe.
fn chargeable(cart: &PricedCart, currency: &str) -> Result<()> {
    let Some(minimum) = cart.below_minimum(currency) else {
        return Ok(());
    };
    let money = |cents: i64| {
        format!(
            "{}.{:02} {}",
            cents / 100,
            cents % 100,
            currency.to_ascii_uppercase()
        )
    };
    Err(Error::Unprocessable {
        code: "below_minimum_charge",
        message: format!(
            "after discounts this order comes to {}, below the smallest card payment of {}; \
             add an item or leave out a discount",
            money(cart.total_cents()),
            money(minimum)
        ),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteLine {
    pub beat_id: Uuid,
    pub producer_id: Uuid,
    pub title: String,
    #[schema(value_type = String)]
    pub tier: TierKind,
    pub tier_name: String,
    pub list_price_cents: i64,
    /// Taken off by the producer's bulk deal.
    pub deal_cents: i64,
    /// This line's share of the coupon.
    pub coupon_cents: i64,
    /// What the buyer pays for it, and what its license will say.
    pub price_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponQuote {
    pub code: String,
    pub applied: bool,
    /// `unknown`, `retired`, `expired`, `used_up` or `not_applicable`, when not applied.
    pub reason: Option<&'static str>,
    pub message: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub currency: String,
    pub list_total_cents: i64,
    pub deal_cents: i64,
    pub coupon_cents: i64,
    pub total_cents: i64,
    pub coupon: Option<CouponQuote>,
}

/// `POST /api/v1/checkout/quote`: the checkout's prices without starting it. Nothing is
/// held and no coupon use is taken.
pub async fn quote(
    db: &DatabaseConnection,
    config: &Config,
    actor: Option<&Actor>,
    body: CheckoutBody,
) -> Result<Quote> {
    let priced = price(db, config, actor, &body).await?;
    let lines: Vec<QuoteLine> = priced
        .lines
        .iter()
        .zip(&priced.cart.lines)
        .map(|(l, p)| QuoteLine {
            beat_id: l.beat.id,
            producer_id: l.beat.producer_id,
            title: l.beat.title.clone(),
            tier: l.kind,
            tier_name: l.tier.name.clone(),
            list_price_cents: p.line.price_cents,
            deal_cents: p.deal_cents,
            coupon_cents: p.coupon_cents,
            price_cents: p.paid_cents(),
        })
        .collect();
    let coupon = body
        .coupon
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|code| CouponQuote {
            code: code.to_ascii_uppercase(),
            applied: priced.refusal.is_none(),
            reason: priced.refusal.map(Refusal::as_str),
            message: priced.refusal.map(Refusal::message),
        });
    Ok(Quote {
        list_total_cents: lines.iter().map(|l| l.list_price_cents).sum(),
        deal_cents: lines.iter().map(|l| l.deal_cents).sum(),
        coupon_cents: lines.iter().map(|l| l.coupon_cents).sum(),
        total_cents: priced.cart.total_cents(),
        currency: config.commerce.currency.clone(),
        lines,
        coupon,
    })
}
