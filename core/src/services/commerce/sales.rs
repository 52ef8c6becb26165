//! A producer's sales: every completed purchase of their beats, per beat and tier, with totals
//! net of refunds. Payments held for review and payments refunded because the beat was no
//! longer for sale are listed too, so the producer sees everything the store took.

use crate::domain::PurchaseStatus;
use std::collections::BTreeMap;

use entity::{beat, purchase};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Result;
use crate::config::CommerceConfig;
use crate::domain::{LedgerKind, SellingMode};
use crate::services::Actor;
use crate::services::commerce::ledger;

#[derive(Debug, Serialize, ToSchema)]
pub struct TierSales {
    pub tier: String,
    pub count: u64,
    pub revenue_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatSales {
    pub beat_id: Uuid,
    pub title: String,
    pub tiers: Vec<TierSales>,
    pub count: u64,
    pub revenue_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SaleView {
    pub purchase_id: Uuid,
    pub beat_id: Uuid,
    pub tier: String,
    pub buyer: String,
    pub price_cents: i64,
    /// Refunded so far (a partial refund keeps the license); revenue counts the rest.
    pub refunded_cents: i64,
    pub currency: String,
    /// `paid`; `revoked` (refunded in full or disputed); `held` (charged another amount than
    /// the price: see `hold_reason`); `refunded` (returned: no longer for sale). Only `paid`
    /// counts in revenue.
    pub status: String,
    pub hold_reason: Option<String>,
    pub license_id: Option<String>,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    /// On a marketplace: what this sale's order moved to you, from the ledger.
    pub payout: Option<SalePayout>,
}

/// One order's money for one payee, as the ledger records it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalePayout {
    /// `transfer` (sent, or simulated by the development provider) or `accrual` (owed until
    /// you can be paid).
    pub kind: LedgerKind,
    pub amount_cents: i64,
    /// The store's cut of your share.
    pub fee_cents: i64,
    /// What a refund or lost dispute took back (0 or negative).
    pub reversed_cents: i64,
    pub transfer_id: Option<String>,
    /// No money moved: the development payment provider made it.
    pub simulated: bool,
}

/// Your earnings on a marketplace, summed from the ledger.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Earnings {
    /// Sent to you (transfers), before reversals.
    pub paid_cents: i64,
    /// Owed to you, waiting for an account to send it to.
    pub owed_cents: i64,
    /// Taken back by refunds and lost disputes (0 or negative).
    pub reversed_cents: i64,
    /// The store's cut, net of what reversals gave back.
    pub fees_cents: i64,
    /// Paid plus owed plus reversed: what your sales earned you.
    pub net_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sales {
    pub beats: Vec<BeatSales>,
    pub count: u64,
    pub revenue_cents: i64,
    pub currency: String,
    /// Every completed sale, newest first.
    pub sales: Vec<SaleView>,
    /// `single_seller` (every sale is the operator's own) or `marketplace`.
    pub selling: SellingMode,
    /// On a marketplace: what the ledger says you earned. Absent on a single-seller store.
    pub earnings: Option<Earnings>,
}

fn earnings_of(entries: &[entity::ledger_entry::Model]) -> Earnings {
    let mut e = Earnings::default();
    for row in entries {
        match row.kind.as_str() {
            k if LedgerKind::Transfer.is(k) => e.paid_cents += row.amount_cents,
            k if LedgerKind::Accrual.is(k) => e.owed_cents += row.amount_cents,
            _ => e.reversed_cents += row.amount_cents,
        }
        e.fees_cents += row.fee_cents;
    }
    e.net_cents = e.paid_cents + e.owed_cents + e.reversed_cents;
    e
}

fn payout_of(order: Uuid, entries: &[entity::ledger_entry::Model]) -> Option<SalePayout> {
    let of_order = || entries.iter().filter(move |e| e.order_id == order);
    let first = of_order().find(|e| !LedgerKind::Reversal.is(&e.kind))?;
    Some(SalePayout {
        kind: LedgerKind::parse(&first.kind)?,
        amount_cents: first.amount_cents,
        fee_cents: first.fee_cents,
        reversed_cents: of_order()
            .filter(|e| LedgerKind::Reversal.is(&e.kind))
            .map(|e| e.amount_cents)
            .sum(),
        transfer_id: first.transfer_id.clone(),
        simulated: first.simulated,
    })
}

pub async fn for_producer(
    db: &DatabaseConnection,
    actor: &Actor,
    commerce: &CommerceConfig,
) -> Result<Sales> {
    actor.require_producer()?;
    let currency = commerce.currency.as_str();
    let entries = match commerce.selling {
        SellingMode::Marketplace => ledger::entries_of(db, actor.user_id).await?,
        SellingMode::SingleSeller => Vec::new(),
    };
    let beats: BTreeMap<Uuid, String> = beat::Entity::find()
        .filter(beat::Column::ProducerId.eq(actor.user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.title))
        .collect();
    let purchases = purchase::Entity::find()
        .filter(purchase::Column::BeatId.is_in(beats.keys().copied().collect::<Vec<_>>()))
        .filter(purchase::Column::Status.is_in([
            PurchaseStatus::Paid.as_str(),
            PurchaseStatus::Revoked.as_str(),
            PurchaseStatus::Held.as_str(),
            PurchaseStatus::Refunded.as_str(),
        ]))
        .order_by_desc(purchase::Column::PaidAt)
        .all(db)
        .await?;
    let mut per_beat: BTreeMap<Uuid, BTreeMap<String, (u64, i64)>> = BTreeMap::new();
    for p in purchases
        .iter()
        .filter(|p| PurchaseStatus::Paid.is(&p.status))
    {
        let entry = per_beat
            .entry(p.beat_id)
            .or_default()
            .entry(p.tier_kind.clone())
            .or_default();
        entry.0 += 1;
        entry.1 += p.price_cents - p.amount_refunded_cents.clamp(0, p.price_cents);
    }
    let beats_sold: Vec<BeatSales> = per_beat
        .into_iter()
        .map(|(beat_id, tiers)| {
            let tiers: Vec<TierSales> = tiers
                .into_iter()
                .map(|(tier, (count, revenue_cents))| TierSales {
                    tier,
                    count,
                    revenue_cents,
                })
                .collect();
            BeatSales {
                beat_id,
                title: beats.get(&beat_id).cloned().unwrap_or_default(),
                count: tiers.iter().map(|t| t.count).sum(),
                revenue_cents: tiers.iter().map(|t| t.revenue_cents).sum(),
                tiers,
            }
        })
        .collect();
    Ok(Sales {
        count: beats_sold.iter().map(|b| b.count).sum(),
        revenue_cents: beats_sold.iter().map(|b| b.revenue_cents).sum(),
        beats: beats_sold,
        currency: currency.to_owned(),
        selling: commerce.selling,
        earnings: (commerce.selling == SellingMode::Marketplace).then(|| earnings_of(&entries)),
        sales: purchases
            .into_iter()
            .map(|p| SaleView {
                payout: payout_of(ledger::order_of(&p), &entries),
                purchase_id: p.id,
                beat_id: p.beat_id,
                tier: p.tier_kind,
                buyer: p.buyer_name,
                price_cents: p.price_cents,
                refunded_cents: p.amount_refunded_cents,
                hold_reason: p.hold_reason,
                currency: p.currency,
                status: p.status,
                license_id: p.license_id,
                paid_at: p.paid_at,
            })
            .collect(),
    })
}
