//! A producer's bulk deals ("buy 2, get 1 free" on some tiers): set as a whole list, read
//! back, and loaded for the producers of a cart when it is priced.

use std::collections::BTreeSet;

use chrono::Utc;
use entity::deal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::TierKind;
use crate::domain::discounts::Deal;
use crate::services::Actor;
use crate::{Error, Result};

/// More deals than anyone offers at once; one best deal applies per cart anyway.
pub const MAX_DEALS: usize = 10;
/// A group larger than a cart can hold could never apply.
pub const MAX_GROUP: u32 = super::cart::MAX_ITEMS as u32;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealBody {
    /// Items paid for in each group (at least 1).
    pub buy: u32,
    /// Items free in each group: the cheapest (at least 1).
    pub free: u32,
    /// The tiers the deal counts.
    #[schema(value_type = Vec<String>, example = json!(["mp3_lease", "wav_lease"]))]
    pub tiers: Vec<TierKind>,
}

fn check(deals: &[DealBody]) -> Result<()> {
    if deals.len() > MAX_DEALS {
        return Err(Error::invalid(
            "deals",
            format!("a producer offers at most {MAX_DEALS} deals"),
        ));
    }
    for d in deals {
        if d.buy == 0 || d.free == 0 {
            return Err(Error::invalid(
                "buy",
                "a deal needs `buy` and `free` of at least 1",
            ));
        }
        if d.buy.saturating_add(d.free) > MAX_GROUP {
            return Err(Error::invalid(
                "buy",
                format!("`buy` + `free` can be at most {MAX_GROUP}: the most a cart holds"),
            ));
        }
        let distinct: BTreeSet<TierKind> = d.tiers.iter().copied().collect();
        if d.tiers.is_empty() || distinct.len() != d.tiers.len() {
            return Err(Error::invalid(
                "tiers",
                "a deal names one or more tiers, each once",
            ));
        }
    }
    Ok(())
}

fn view(row: deal::Model) -> Result<DealBody> {
    Ok(DealBody {
        buy: u32::try_from(row.buy).map_err(|_| Error::Corrupt(format!("deal {}", row.id)))?,
        free: u32::try_from(row.free).map_err(|_| Error::Corrupt(format!("deal {}", row.id)))?,
        tiers: serde_json::from_value(row.tiers)
            .map_err(|e| Error::Corrupt(format!("deal {}: {e}", row.id)))?,
    })
}

/// `PUT /api/v1/deals`: the producer's deals are now exactly these.
pub async fn replace(
    db: &DatabaseConnection,
    actor: &Actor,
    deals: Vec<DealBody>,
) -> Result<Vec<DealBody>> {
    actor.require_producer()?;
    check(&deals)?;
    let txn = crate::db::write_txn(db).await?;
    deal::Entity::delete_many()
        .filter(deal::Column::ProducerId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for (position, d) in deals.iter().enumerate() {
        deal::Entity::insert(deal::ActiveModel {
            id: Set(Uuid::now_v7()),
            producer_id: Set(actor.user_id),
            position: Set(position as i32),
            buy: Set(d.buy as i32),
            free: Set(d.free as i32),
            tiers: Set(serde_json::to_value(&d.tiers).map_err(|e| Error::Internal(e.to_string()))?),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(deals)
}

/// `GET /api/v1/deals`.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<DealBody>> {
    actor.require_producer()?;
    deal::Entity::find()
        .filter(deal::Column::ProducerId.eq(actor.user_id))
        .order_by_asc(deal::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// Every deal of these producers, as the pricing reads them.
pub(super) async fn of_producers<C: ConnectionTrait>(
    conn: &C,
    producers: &[Uuid],
) -> Result<Vec<Deal>> {
    let rows = deal::Entity::find()
        .filter(deal::Column::ProducerId.is_in(producers.iter().copied()))
        .order_by_asc(deal::Column::ProducerId)
        .order_by_asc(deal::Column::Position)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let producer_id = row.producer_id;
            let d = view(row)?;
            Ok(Deal {
                producer_id,
                buy: d.buy,
                free: d.free,
                tiers: d.tiers,
            })
        })
        .collect()
}
