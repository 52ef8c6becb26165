use std::collections::HashMap;

use chrono::Utc;
use entity::{beat, beat_label, deliverable, lease_tier, upload, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Deserialize;
use uuid::Uuid;

use super::access::{own_beat, visible_beat};
use super::tiers::{default_tiers, tier_view};
use super::{Actor, BeatView, ProducerView};
use crate::domain::{BeatStatus, BeatTitle, Bpm, Description, Genre, Isrc, Label, MusicalKey};
use crate::jobs::PurgeObject;
use crate::queue;
use crate::{Error, Result};

const MAX_MOODS: usize = 8;
const MAX_TAGS: usize = 20;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBeat {
    #[schema(value_type = String, example = "Midnight Run")]
    pub title: BeatTitle,
    /// Left out (or `null`), the trackout check fills it from the audio.
    #[serde(default)]
    #[schema(value_type = Option<u16>, example = 140)]
    pub bpm: Option<Bpm>,
    /// Left out (or `null`), the trackout check fills it from the audio.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "A min")]
    pub key: Option<MusicalKey>,
    #[schema(value_type = String, example = "trap")]
    pub genre: Genre,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub moods: Vec<Label>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub tags: Vec<Label>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub description: Description,
    #[schema(value_type = Option<String>, example = "US-S1Z-25-00001")]
    pub isrc: Option<Isrc>,
}

/// A partial edit: absent fields stay as they are; `isrc: null` clears the ISRC.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatChanges {
    #[schema(value_type = Option<String>)]
    pub title: Option<BeatTitle>,
    #[schema(value_type = Option<u16>)]
    pub bpm: Option<Bpm>,
    #[schema(value_type = Option<String>)]
    pub key: Option<MusicalKey>,
    #[schema(value_type = Option<String>)]
    pub genre: Option<Genre>,
    #[schema(value_type = Option<Vec<String>>)]
    pub moods: Option<Vec<Label>>,
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Vec<Label>>,
    #[schema(value_type = Option<String>)]
    pub description: Option<Description>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub isrc: Option<Option<Isrc>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn check_labels(moods: &[Label], tags: &[Label]) -> Result<()> {
    if moods.len() > MAX_MOODS {
        return Err(Error::invalid(
            "moods",
            format!("at most {MAX_MOODS} moods"),
        ));
    }
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(())
}

async fn replace_labels<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    kind: &str,
    labels: &[Label],
) -> Result<()> {
    beat_label::Entity::delete_many()
        .filter(beat_label::Column::BeatId.eq(beat_id))
        .filter(beat_label::Column::Kind.eq(kind))
        .exec(conn)
        .await?;
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<_> = labels
        .iter()
        .filter(|l| seen.insert(l.as_str().to_owned()))
        .enumerate()
        .map(|(i, l)| beat_label::ActiveModel {
            beat_id: Set(beat_id),
            kind: Set(kind.to_owned()),
            value: Set(l.as_str().to_owned()),
            position: Set(i as i32),
        })
        .collect();
    if !rows.is_empty() {
        beat_label::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    quotas: &crate::config::QuotaConfig,
    actor: &Actor,
    new: NewBeat,
) -> Result<BeatView> {
    actor.require_producer()?;
    check_labels(&new.moods, &new.tags)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = crate::db::write_txn(db).await?;
    super::quotas::allow_new_beat(&txn, actor, quotas).await?;
    // The beat links to its producer's page: a producer gets a handle with their first beat.
    if let Some(producer) = user::Entity::find_by_id(actor.user_id).one(&txn).await? {
        super::profiles::ensure_handle(&txn, &producer).await?;
    }
    beat::ActiveModel {
        id: Set(id),
        producer_id: Set(actor.user_id),
        title: Set(new.title.as_str().to_owned()),
        bpm: Set(new.bpm.map(|b| i32::from(b.get()))),
        musical_key: Set(new.key.map(|k| k.as_str().to_owned())),
        bpm_detected_confidence: Set(None),
        key_detected_confidence: Set(None),
        genre: Set(new.genre.as_str().to_owned()),
        description: Set(new.description.as_str().to_owned()),
        isrc: Set(new.isrc.map(|i| i.as_str().to_owned())),
        status: Set(BeatStatus::Draft.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
        exclusive_hold_purchase_id: Set(None),
        exclusive_hold_until_ms: Set(None),
    }
    .insert(&txn)
    .await?;
    replace_labels(&txn, id, "mood", &new.moods).await?;
    replace_labels(&txn, id, "tag", &new.tags).await?;
    lease_tier::Entity::insert_many(default_tiers(id, now))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    get_own_view(db, actor, id).await
}

async fn get_own_view(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<BeatView> {
    let beat = own_beat(db, actor, id).await?;
    Ok(views(db, vec![beat]).await?.remove(0))
}

/// A published beat for anyone; a draft only for its producer.
pub async fn get(db: &DatabaseConnection, actor: Option<&Actor>, id: Uuid) -> Result<BeatView> {
    let beat = visible_beat(db, actor, id).await?;
    Ok(views(db, vec![beat]).await?.remove(0))
}

/// The producer's own beats, drafts included, newest first.
pub async fn list_own(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<BeatView>> {
    actor.require_producer()?;
    let beats = beat::Entity::find()
        .filter(beat::Column::ProducerId.eq(actor.user_id))
        .order_by_desc(beat::Column::CreatedAt)
        .all(db)
        .await?;
    views(db, beats).await
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    changes: BeatChanges,
) -> Result<BeatView> {
    check_labels(
        changes.moods.as_deref().unwrap_or_default(),
        changes.tags.as_deref().unwrap_or_default(),
    )?;
    let txn = crate::db::write_txn(db).await?;
    let beat = own_beat(&txn, actor, id).await?;
    let mut row: beat::ActiveModel = beat.into();
    if let Some(title) = changes.title {
        row.title = Set(title.as_str().to_owned());
    }
    // Typing a value, even the detected one again, is the producer confirming it.
    if let Some(bpm) = changes.bpm {
        row.bpm = Set(Some(i32::from(bpm.get())));
        row.bpm_detected_confidence = Set(None);
    }
    if let Some(key) = changes.key {
        row.musical_key = Set(Some(key.as_str().to_owned()));
        row.key_detected_confidence = Set(None);
    }
    if let Some(genre) = changes.genre {
        row.genre = Set(genre.as_str().to_owned());
    }
    if let Some(description) = changes.description {
        row.description = Set(description.as_str().to_owned());
    }
    if let Some(isrc) = changes.isrc {
        row.isrc = Set(isrc.map(|i| i.as_str().to_owned()));
    }
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    if let Some(moods) = &changes.moods {
        replace_labels(&txn, id, "mood", moods).await?;
    }
    if let Some(tags) = &changes.tags {
        replace_labels(&txn, id, "tag", tags).await?;
    }
    txn.commit().await?;
    get_own_view(db, actor, id).await
}

/// Deletes the beat and everything hanging off it. Its stored files (uploads and renders) are
/// purged by jobs that commit with the delete, so no object outlives its row for long and none
/// is lost early. A beat someone bought is kept (`beat_has_sales`).
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    own_beat(&txn, actor, id).await?;
    let sold = entity::purchase::Entity::find()
        .filter(entity::purchase::Column::BeatId.eq(id))
        .one(&txn)
        .await?
        .is_some();
    if sold {
        return Err(Error::conflict(
            "beat_has_sales",
            "this beat has been bought: it stays so that its buyers keep their files; unpublish it instead",
        ));
    }
    let uploads = upload::Entity::find()
        .filter(upload::Column::BeatId.eq(id))
        .all(&txn)
        .await?;
    let rendered = deliverable::Entity::find()
        .filter(deliverable::Column::BeatId.eq(id))
        .all(&txn)
        .await?;
    let covers = super::covers::stored_keys(&txn, id).await?;
    let keys = uploads
        .into_iter()
        .map(|u| u.storage_key)
        .chain(rendered.into_iter().filter_map(|d| d.storage_key))
        .chain(covers);
    for key in keys {
        queue::enqueue(&txn, &PurgeObject { key }).await?;
    }
    beat::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Builds full views for a page of beats in seven queries, whatever the page size.
pub(crate) async fn views(
    db: &DatabaseConnection,
    beats: Vec<beat::Model>,
) -> Result<Vec<BeatView>> {
    let ids: Vec<Uuid> = beats.iter().map(|b| b.id).collect();
    let producer_ids: Vec<Uuid> = beats.iter().map(|b| b.producer_id).collect();
    let mut labels: HashMap<Uuid, (Vec<String>, Vec<String>)> = HashMap::new();
    for l in beat_label::Entity::find()
        .filter(beat_label::Column::BeatId.is_in(ids.clone()))
        .order_by_asc(beat_label::Column::Position)
        .all(db)
        .await?
    {
        let entry = labels.entry(l.beat_id).or_default();
        if l.kind == "mood" {
            entry.0.push(l.value);
        } else {
            entry.1.push(l.value);
        }
    }
    let mut tiers: HashMap<Uuid, Vec<lease_tier::Model>> = HashMap::new();
    for t in lease_tier::Entity::find()
        .filter(lease_tier::Column::BeatId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        tiers.entry(t.beat_id).or_default().push(t);
    }
    let playable: std::collections::HashSet<(Uuid, String)> = deliverable::Entity::find()
        .filter(deliverable::Column::BeatId.is_in(ids))
        .filter(deliverable::Column::StorageKey.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.beat_id, d.kind))
        .collect();
    let handles = super::profiles::handles(db, producer_ids.clone()).await?;
    let mut covers = super::covers::views_for(db, beats.iter().map(|b| b.id).collect()).await?;
    let producers: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(producer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    beats
        .into_iter()
        .map(|b| {
            let (moods, tags) = labels.remove(&b.id).unwrap_or_default();
            let (bpm_detected, key_detected) = super::listing::detections(&b);
            let mut tier_views = tiers
                .remove(&b.id)
                .unwrap_or_default()
                .into_iter()
                .map(tier_view)
                .collect::<Result<Vec<_>>>()?;
            tier_views.sort_by_key(|t| t.kind);
            let lowest_price_cents = tier_views
                .iter()
                .filter(|t| t.enabled)
                .map(|t| t.price_cents)
                .min();
            let link = |kind: &str| {
                playable
                    .contains(&(b.id, kind.to_owned()))
                    .then(|| format!("/api/v1/beats/{}/{kind}", b.id))
            };
            Ok(BeatView {
                preview_url: link("preview"),
                peaks_url: link("peaks"),
                cover: covers.remove(&b.id),
                producer: ProducerView {
                    id: b.producer_id,
                    display_name: producers.get(&b.producer_id).cloned().unwrap_or_default(),
                    handle: handles.get(&b.producer_id).cloned(),
                },
                id: b.id,
                title: b.title,
                bpm_detected,
                key_detected,
                bpm: b.bpm,
                key: b.musical_key,
                genre: b.genre,
                moods,
                tags,
                description: b.description,
                isrc: b.isrc,
                status: b.status,
                lowest_price_cents,
                tiers: tier_views,
                created_at: b.created_at,
                updated_at: b.updated_at,
                published_at: b.published_at,
            })
        })
        .collect()
}
