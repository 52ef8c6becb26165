//! Producers' coupon codes: made, listed and retired; looked up by code when a cart is
//! priced; and their uses, counted once per order. A code names one live coupon in the whole
//! store, matched ignoring case: the buyer types only the code, so it must say whose it is.
//!
//! A use is taken in the transaction that starts the checkout (one conditional UPDATE, so of
//! two orders racing for the last use exactly one gets it) and given back when that checkout
//! is cancelled or expires unpaid; a payment that arrives for a checkout already given up
//! takes it again. The buyer is never asked on the payment page for a discount that might
//! vanish by the time they pay.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{beat, coupon, coupon_redemption};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::TierKind;
use crate::domain::discounts::{Coupon, CouponOff, CouponRefused};
use crate::services::Actor;
use crate::{Error, Result};

/// Live coupons per producer.
pub const MAX_COUPONS: u64 = 100;
pub const MAX_SCOPED_BEATS: usize = 100;
pub const MAX_USES: u32 = 1_000_000;
/// The most a fixed-amount coupon takes off: more than any cart of tiers costs.
pub const MAX_AMOUNT_OFF_CENTS: i64 = 10_000_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponBody {
    /// 3 to 32 letters, digits, `-` or `_`; matched ignoring case.
    #[schema(example = "SUMMER25")]
    pub code: String,
    /// Whole percent off, 1 to 100 (or `amount_off_cents`).
    pub percent_off: Option<u8>,
    /// A fixed amount off the covered items, in cents (or `percent_off`).
    pub amount_off_cents: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    /// How many orders may use it.
    pub max_uses: Option<u32>,
    /// Only these beats (yours).
    pub beat_ids: Option<Vec<Uuid>>,
    /// Only these tiers.
    #[schema(value_type = Option<Vec<String>>)]
    pub tiers: Option<Vec<TierKind>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponView {
    pub code: String,
    pub percent_off: Option<u8>,
    pub amount_off_cents: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<u32>,
    /// Orders paid or being paid with it.
    pub uses: u32,
    pub beat_ids: Option<Vec<Uuid>>,
    #[schema(value_type = Option<Vec<String>>)]
    pub tiers: Option<Vec<TierKind>>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// Why a code takes nothing off a cart: the quote's `reason`, the checkout's refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Retired,
    Expired,
    UsedUp,
    /// Nothing in the cart is a beat and tier it covers (another producer's, or scoped).
    NotApplicable,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unknown => "unknown",
            Refusal::Retired => "retired",
            Refusal::Expired => "expired",
            Refusal::UsedUp => "used_up",
            Refusal::NotApplicable => "not_applicable",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::Unknown => "there is no such coupon",
            Refusal::Retired => "this coupon has been withdrawn by its producer",
            Refusal::Expired => "this coupon has expired",
            Refusal::UsedUp => "this coupon has been used as many times as it allows",
            Refusal::NotApplicable => {
                "this coupon covers nothing in this cart (it is for other beats, tiers or another producer's beats)"
            }
        }
    }

    /// What a checkout asking for this coupon answers. An unknown code is bad input, as it
    /// always was; a real coupon that refuses this cart is a conflict with its state.
    pub fn error(self) -> Error {
        match self {
            Refusal::Unknown => Error::invalid("coupon", self.message()),
            _ => Error::Conflict {
                code: "coupon_refused",
                message: self.message().into(),
                details: Some(serde_json::json!({ "reason": self.as_str() })),
            },
        }
    }
}

impl From<CouponRefused> for Refusal {
    fn from(r: CouponRefused) -> Self {
        match r {
            CouponRefused::Expired => Refusal::Expired,
            CouponRefused::UsedUp => Refusal::UsedUp,
            CouponRefused::NothingCovered => Refusal::NotApplicable,
        }
    }
}

/// The stored form of a code: codes are matched ignoring case.
fn normalize(code: &str) -> Option<String> {
    let code = code.trim();
    let ok = (3..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| code.to_ascii_uppercase())
}

fn json_of<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

fn read<T: serde::de::DeserializeOwned>(
    id: Uuid,
    v: Option<serde_json::Value>,
) -> Result<Option<T>> {
    v.map(|v| serde_json::from_value(v).map_err(|e| Error::Corrupt(format!("coupon {id}: {e}"))))
        .transpose()
}

fn view(c: coupon::Model) -> Result<CouponView> {
    Ok(CouponView {
        beat_ids: read(c.id, c.beat_ids)?,
        tiers: read(c.id, c.tiers)?,
        code: c.code,
        percent_off: c.percent_off.map(|p| p.clamp(0, 100) as u8),
        amount_off_cents: c.amount_off_cents,
        expires_at: c.expires_at,
        max_uses: c.max_uses.map(|m| m.max(0) as u32),
        uses: c.uses.max(0) as u32,
        created_at: c.created_at,
        retired_at: c.retired_at,
    })
}

/// The pricing's view of a stored coupon.
pub(super) fn priced(c: &coupon::Model) -> Result<Coupon> {
    let off = match (c.percent_off, c.amount_off_cents) {
        (Some(p), None) => CouponOff::Percent(
            u8::try_from(p).map_err(|_| Error::Corrupt(format!("coupon {}", c.id)))?,
        ),
        (None, Some(cents)) => CouponOff::Cents(cents),
        _ => return Err(Error::Corrupt(format!("coupon {} has no discount", c.id))),
    };
    Ok(Coupon {
        code: c.code.clone(),
        producer_id: c.producer_id,
        off,
        expires_at: c.expires_at,
        max_uses: c.max_uses.map(|m| m.max(0) as u32),
        uses: c.uses.max(0) as u32,
        beat_ids: read(c.id, c.beat_ids.clone())?,
        tiers: read(c.id, c.tiers.clone())?,
    })
}

async fn check(db: &DatabaseConnection, actor: &Actor, body: &CouponBody) -> Result<String> {
    let code = normalize(&body.code)
        .ok_or_else(|| Error::invalid("code", "a code is 3 to 32 letters, digits, `-` or `_`"))?;
    match (body.percent_off, body.amount_off_cents) {
        (Some(p), None) if (1..=100).contains(&p) => {}
        (Some(_), None) => {
            return Err(Error::invalid("percent_off", "`percent_off` is 1 to 100"));
        }
        (None, Some(c)) if (1..=MAX_AMOUNT_OFF_CENTS).contains(&c) => {}
        (None, Some(_)) => {
            return Err(Error::invalid(
                "amount_off_cents",
                format!("`amount_off_cents` is 1 to {MAX_AMOUNT_OFF_CENTS}"),
            ));
        }
        _ => {
            return Err(Error::invalid(
                "percent_off",
                "give exactly one of `percent_off` and `amount_off_cents`",
            ));
        }
    }
    if body.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(Error::invalid("expires_at", "`expires_at` is in the past"));
    }
    if body.max_uses.is_some_and(|m| !(1..=MAX_USES).contains(&m)) {
        return Err(Error::invalid(
            "max_uses",
            format!("`max_uses` is 1 to {MAX_USES}"),
        ));
    }
    if let Some(tiers) = &body.tiers {
        let distinct: BTreeSet<TierKind> = tiers.iter().copied().collect();
        if tiers.is_empty() || distinct.len() != tiers.len() {
            return Err(Error::invalid(
                "tiers",
                "`tiers` names one or more tiers, each once",
            ));
        }
    }
    if let Some(ids) = &body.beat_ids {
        let distinct: BTreeSet<Uuid> = ids.iter().copied().collect();
        if ids.is_empty() || ids.len() > MAX_SCOPED_BEATS || distinct.len() != ids.len() {
            return Err(Error::invalid(
                "beat_ids",
                format!("`beat_ids` names 1 to {MAX_SCOPED_BEATS} beats, each once"),
            ));
        }
        let own = beat::Entity::find()
            .filter(beat::Column::Id.is_in(distinct))
            .filter(beat::Column::ProducerId.eq(actor.user_id))
            .count(db)
            .await?;
        if own != ids.len() as u64 {
            return Err(Error::invalid(
                "beat_ids",
                "`beat_ids` may name only your own beats",
            ));
        }
    }
    let live = coupon::Entity::find()
        .filter(coupon::Column::ProducerId.eq(actor.user_id))
        .filter(coupon::Column::RetiredAt.is_null())
        .count(db)
        .await?;
    if live >= MAX_COUPONS {
        return Err(Error::invalid(
            "code",
            format!("at most {MAX_COUPONS} live coupons; retire one first"),
        ));
    }
    Ok(code)
}

/// `POST /api/v1/coupons`.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    body: CouponBody,
) -> Result<CouponView> {
    actor.require_producer()?;
    let code = check(db, actor, &body).await?;
    let row = coupon::ActiveModel {
        id: Set(Uuid::now_v7()),
        producer_id: Set(actor.user_id),
        code: Set(code),
        percent_off: Set(body.percent_off.map(i32::from)),
        amount_off_cents: Set(body.amount_off_cents),
        expires_at: Set(body.expires_at),
        max_uses: Set(body.max_uses.map(|m| m as i32)),
        uses: Set(0),
        beat_ids: Set(body.beat_ids.as_ref().map(json_of).transpose()?),
        tiers: Set(body.tiers.as_ref().map(json_of).transpose()?),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
    };
    let inserted = coupon::Entity::insert(row.clone())
        .exec_without_returning(db)
        .await
        .map_err(Error::from);
    match inserted {
        Ok(_) => {}
        Err(Error::Conflict { .. }) => {
            return Err(Error::conflict(
                "coupon_code_taken",
                "this code is already in use in this store; choose another",
            ));
        }
        Err(e) => return Err(e),
    }
    let id = row.id.unwrap();
    view(
        coupon::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| Error::Internal("a coupon just made is gone".into()))?,
    )
}

/// `GET /api/v1/coupons`: live and retired, newest first.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<CouponView>> {
    actor.require_producer()?;
    coupon::Entity::find()
        .filter(coupon::Column::ProducerId.eq(actor.user_id))
        .order_by_desc(coupon::Column::CreatedAt)
        .order_by_desc(coupon::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// `DELETE /api/v1/coupons/{code}`: no new checkout takes it; sales made with it keep their
/// prices, and checkouts already started with it keep theirs.
pub async fn retire(db: &DatabaseConnection, actor: &Actor, code: &str) -> Result<()> {
    actor.require_producer()?;
    let code = normalize(code).ok_or(Error::NotFound("coupon"))?;
    let retired = coupon::Entity::update_many()
        .col_expr(coupon::Column::RetiredAt, Expr::value(Some(Utc::now())))
        .filter(coupon::Column::ProducerId.eq(actor.user_id))
        .filter(coupon::Column::Code.eq(code))
        .filter(coupon::Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    if retired.rows_affected == 0 {
        return Err(Error::NotFound("coupon"));
    }
    Ok(())
}

/// The live coupon a buyer's code names, or why there is none.
pub(super) async fn find<C: ConnectionTrait>(
    conn: &C,
    code: &str,
) -> Result<std::result::Result<coupon::Model, Refusal>> {
    let Some(code) = normalize(code) else {
        return Ok(Err(Refusal::Unknown));
    };
    let rows = coupon::Entity::find()
        .filter(coupon::Column::Code.eq(code))
        .order_by_desc(coupon::Column::CreatedAt)
        .all(conn)
        .await?;
    if let Some(live) = rows.iter().find(|c| c.retired_at.is_none()) {
        return Ok(Ok(live.clone()));
    }
    Ok(Err(if rows.is_empty() {
        Refusal::Unknown
    } else {
        Refusal::Retired
    }))
}

/// Takes one use of `coupon` for `order_id`, in the checkout's transaction, if it still has
/// one: the loser of a race for the last use is told it is used up, and its checkout never
/// starts.
pub(super) async fn take_use<C: ConnectionTrait>(
    conn: &C,
    coupon_id: Uuid,
    order_id: Uuid,
) -> Result<()> {
    let now = Utc::now();
    let taken = coupon::Entity::update_many()
        .col_expr(
            coupon::Column::Uses,
            sea_orm::sea_query::ExprTrait::add(Expr::col(coupon::Column::Uses), 1),
        )
        .filter(coupon::Column::Id.eq(coupon_id))
        .filter(coupon::Column::RetiredAt.is_null())
        .filter(
            Condition::any()
                .add(coupon::Column::ExpiresAt.is_null())
                .add(coupon::Column::ExpiresAt.gt(now)),
        )
        .filter(Condition::any().add(coupon::Column::MaxUses.is_null()).add(
            sea_orm::sea_query::ExprTrait::lt(
                Expr::col(coupon::Column::Uses),
                Expr::col(coupon::Column::MaxUses),
            ),
        ))
        .exec(conn)
        .await?;
    if taken.rows_affected == 0 {
        let now_row = coupon::Entity::find_by_id(coupon_id).one(conn).await?;
        let why = match now_row {
            None => Refusal::Unknown,
            Some(c) if c.retired_at.is_some() => Refusal::Retired,
            Some(c) if c.expires_at.is_some_and(|at| at <= now) => Refusal::Expired,
            Some(_) => Refusal::UsedUp,
        };
        return Err(why.error());
    }
    coupon_redemption::Entity::insert(coupon_redemption::ActiveModel {
        order_id: Set(order_id),
        coupon_id: Set(coupon_id),
        held: Set(true),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The order's checkout ended unpaid: its use goes back to the coupon, once however often
/// this is called. (A payment still arriving for that checkout is refunded, never
/// fulfilled, so it never needs the use again.)
pub(crate) async fn give_back<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<()> {
    let released = coupon_redemption::Entity::update_many()
        .col_expr(coupon_redemption::Column::Held, Expr::value(false))
        .filter(coupon_redemption::Column::OrderId.eq(order_id))
        .filter(coupon_redemption::Column::Held.eq(true))
        .exec(conn)
        .await?;
    if released.rows_affected == 0 {
        return Ok(());
    }
    if let Some(r) = coupon_redemption::Entity::find_by_id(order_id)
        .one(conn)
        .await?
    {
        coupon::Entity::update_many()
            .col_expr(
                coupon::Column::Uses,
                sea_orm::sea_query::ExprTrait::sub(Expr::col(coupon::Column::Uses), 1),
            )
            .filter(coupon::Column::Id.eq(r.coupon_id))
            .exec(conn)
            .await?;
    }
    Ok(())
}
