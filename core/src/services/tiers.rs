use chrono::{DateTime, Utc};
use entity::{beat, lease_tier};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use uuid::Uuid;

use super::access::own_beat;
use super::{Actor, TierView};
use crate::domain::{BeatStatus, LeaseTerms, PriceCents, TierKind};
use crate::{Error, Result};

/// The four tiers every new beat starts with.
pub(crate) fn default_tiers(beat_id: Uuid, now: DateTime<Utc>) -> Vec<lease_tier::ActiveModel> {
    TierKind::ALL
        .into_iter()
        .map(|kind| {
            let terms = kind.default_terms();
            lease_tier::ActiveModel {
                id: Set(Uuid::now_v7()),
                beat_id: Set(beat_id),
                kind: Set(kind.as_str().to_owned()),
                name: Set(kind.default_name().to_owned()),
                price_cents: Set(kind.default_price().get()),
                enabled: Set(true),
                distribution_copies: Set(terms.distribution_copies.map(to_i64)),
                audio_streams: Set(terms.audio_streams.map(to_i64)),
                music_videos: Set(terms.music_videos.map(to_i64)),
                radio_stations: Set(terms.radio_stations.map(to_i64)),
                term_years: Set(terms.term_years.map(i32::from)),
                updated_at: Set(now),
            }
        })
        .collect()
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn tier_view(t: lease_tier::Model) -> Result<TierView> {
    let kind = TierKind::parse(&t.kind)?;
    Ok(TierView {
        kind,
        name: t.name,
        price_cents: t.price_cents,
        enabled: t.enabled,
        terms: LeaseTerms {
            distribution_copies: t.distribution_copies.map(|v| v.max(0) as u64),
            audio_streams: t.audio_streams.map(|v| v.max(0) as u64),
            music_videos: t.music_videos.map(|v| v.max(0) as u64),
            radio_stations: t.radio_stations.map(|v| v.max(0) as u64),
            term_years: t.term_years.map(|v| v.clamp(0, i32::from(u16::MAX)) as u16),
        },
        includes: kind.includes().to_vec(),
    })
}

/// One tier as the producer sets it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierSetting {
    #[schema(value_type = String, example = "wav_lease")]
    pub kind: TierKind,
    pub name: Option<String>,
    #[schema(value_type = i64, example = 4999)]
    pub price_cents: PriceCents,
    pub enabled: bool,
    #[schema(value_type = Object)]
    pub terms: LeaseTerms,
}

pub async fn list(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    beat_id: Uuid,
) -> Result<Vec<TierView>> {
    Ok(super::beats::get(db, actor, beat_id).await?.tiers)
}

/// Sets the given tiers; tiers not mentioned keep their settings.
pub async fn set(
    db: &DatabaseConnection,
    actor: &Actor,
    beat_id: Uuid,
    settings: Vec<TierSetting>,
) -> Result<Vec<TierView>> {
    let mut kinds: Vec<TierKind> = settings.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    if kinds.len() != settings.len() {
        return Err(Error::invalid("tiers", "each tier may appear only once"));
    }
    let now = Utc::now();
    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, beat_id).await?;
    for s in settings {
        let name = match s.name {
            Some(name) => crate::domain::clean_text("name", "tier name", &name, 60)?,
            None => s.kind.default_name().to_owned(),
        };
        let existing = lease_tier::Entity::find()
            .filter(lease_tier::Column::BeatId.eq(beat_id))
            .filter(lease_tier::Column::Kind.eq(s.kind.as_str()))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound("tier"))?;
        let mut row: lease_tier::ActiveModel = existing.into();
        row.name = Set(name);
        row.price_cents = Set(s.price_cents.get());
        row.enabled = Set(s.enabled);
        row.distribution_copies = Set(s.terms.distribution_copies.map(to_i64));
        row.audio_streams = Set(s.terms.audio_streams.map(to_i64));
        row.music_videos = Set(s.terms.music_videos.map(to_i64));
        row.radio_stations = Set(s.terms.radio_stations.map(to_i64));
        row.term_years = Set(s.terms.term_years.map(i32::from));
        row.updated_at = Set(now);
        row.update(&txn).await?;
    }
    let any_enabled = lease_tier::Entity::find()
        .filter(lease_tier::Column::BeatId.eq(beat_id))
        .filter(lease_tier::Column::Enabled.eq(true))
        .one(&txn)
        .await?
        .is_some();
    if beat.status == BeatStatus::Published.as_str() && !any_enabled {
        return Err(Error::conflict(
            "no_tier_for_sale",
            "a published beat must keep at least one tier for sale",
        ));
    }
    let mut row: beat::ActiveModel = beat.into();
    row.updated_at = Set(now);
    row.update(&txn).await?;
    txn.commit().await?;
    list(db, Some(actor), beat_id).await
}
