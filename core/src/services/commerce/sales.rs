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
use crate::services::Actor;

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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sales {
    pub beats: Vec<BeatSales>,
    pub count: u64,
    pub revenue_cents: i64,
    pub currency: String,
    /// Every completed sale, newest first.
    pub sales: Vec<SaleView>,
}

pub async fn for_producer(db: &DatabaseConnection, actor: &Actor, currency: &str) -> Result<Sales> {
    actor.require_producer()?;
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
        sales: purchases
            .into_iter()
            .map(|p| SaleView {
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
