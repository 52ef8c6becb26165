//! The public catalog: published beats, filtered, sorted and paged in SQL.

use std::time::Instant;

use bytes::Bytes;
use entity::{beat, beat_label};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::BeatView;
use super::beats::views;
use crate::config::CacheConfig;
use crate::domain::{BeatStatus, Bpm, Genre, Label, MusicalKey};
use crate::fresh::Fresh;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Hash, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
    BpmAsc,
    BpmDesc,
}

/// Catalog query parameters as they arrive; [`CatalogQuery::parse`] turns them into filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    pub genre: Option<String>,
    pub mood: Option<String>,
    pub tag: Option<String>,
    /// A key in any common spelling: `Am`, `A min`, `F#m`.
    pub key: Option<String>,
    pub bpm_min: Option<i64>,
    pub bpm_max: Option<i64>,
    /// Free text matched against titles, tags and moods.
    pub q: Option<String>,
    /// One producer's beats: their handle (any case) or id.
    pub producer: Option<String>,
    #[param(value_type = Option<String>, example = "newest")]
    pub sort: Option<Sort>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Parsed and normalised, so that two spellings of one query share a cached page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CatalogQuery {
    genre: Option<Genre>,
    mood: Option<Label>,
    tag: Option<Label>,
    key: Option<MusicalKey>,
    bpm: (Option<Bpm>, Option<Bpm>),
    text: Option<String>,
    producer: Option<String>,
    sort: Sort,
    page: u64,
    per_page: u64,
}

const MAX_PER_PAGE: u64 = 100;
/// Far past the end of any catalog, and small enough that an offset never overflows.
const MAX_PAGE: u64 = 1_000_000;

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl CatalogQuery {
    pub fn parse(p: &CatalogParams) -> Result<CatalogQuery> {
        let bpm = (
            p.bpm_min.map(Bpm::parse).transpose()?,
            p.bpm_max.map(Bpm::parse).transpose()?,
        );
        if let (Some(lo), Some(hi)) = bpm
            && lo > hi
        {
            return Err(Error::invalid("bpm_min", "bpm_min must not exceed bpm_max"));
        }
        let per_page = p.per_page.unwrap_or(24);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Error::invalid(
                "per_page",
                format!("per_page must be from 1 to {MAX_PER_PAGE}"),
            ));
        }
        let page = p.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(Error::invalid(
                "page",
                format!("page must be from 1 to {MAX_PAGE}"),
            ));
        }
        Ok(CatalogQuery {
            genre: present(&p.genre).map(Genre::parse).transpose()?,
            mood: present(&p.mood).map(Label::parse).transpose()?,
            tag: present(&p.tag).map(Label::parse).transpose()?,
            key: present(&p.key).map(MusicalKey::parse).transpose()?,
            bpm,
            text: present(&p.q).map(|q| q.to_lowercase().chars().take(100).collect()),
            producer: present(&p.producer).map(str::to_owned),
            sort: p.sort.unwrap_or_default(),
            page,
            per_page,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogPage {
    pub items: Vec<BeatView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

fn labelled(kind: &str, value: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(beat_label::Column::BeatId)
        .from(beat_label::Entity)
        .and_where(beat_label::Column::Kind.eq(kind))
        .and_where(beat_label::Column::Value.eq(value))
        .to_owned()
}

fn like_pattern(text: &str) -> LikeExpr {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

// The cheapest enabled tier of the beat in the current row; for sorting by price.
const LOWEST_PRICE: &str = "(SELECT MIN(lease_tiers.price_cents) FROM lease_tiers \
     WHERE lease_tiers.beat_id = beats.id AND lease_tiers.enabled = TRUE)";

pub async fn search(db: &DatabaseConnection, q: &CatalogQuery) -> Result<CatalogPage> {
    let mut filter = Condition::all().add(beat::Column::Status.eq(BeatStatus::Published.as_str()));
    if let Some(genre) = &q.genre {
        filter = filter.add(beat::Column::Genre.eq(genre.as_str()));
    }
    if let Some(key) = &q.key {
        filter = filter.add(beat::Column::MusicalKey.eq(key.as_str()));
    }
    if let Some(lo) = q.bpm.0 {
        filter = filter.add(beat::Column::Bpm.gte(i32::from(lo.get())));
    }
    if let Some(hi) = q.bpm.1 {
        filter = filter.add(beat::Column::Bpm.lte(i32::from(hi.get())));
    }
    if let Some(mood) = &q.mood {
        filter = filter.add(beat::Column::Id.in_subquery(labelled("mood", mood.as_str())));
    }
    if let Some(tag) = &q.tag {
        filter = filter.add(beat::Column::Id.in_subquery(labelled("tag", tag.as_str())));
    }
    if let Some(text) = &q.text {
        let in_labels = Query::select()
            .column(beat_label::Column::BeatId)
            .from(beat_label::Entity)
            .and_where(Expr::col(beat_label::Column::Value).like(like_pattern(text)))
            .to_owned();
        filter = filter.add(
            Condition::any()
                .add(Func::lower(Expr::col(beat::Column::Title)).like(like_pattern(text)))
                .add(beat::Column::Id.in_subquery(in_labels)),
        );
    }

    if let Some(key) = &q.producer {
        match super::profiles::find_producer(db, key).await? {
            Some(producer) => filter = filter.add(beat::Column::ProducerId.eq(producer.id)),
            // Nobody by that name has beats: an empty page, as for any filter.
            None => filter = filter.add(Expr::val(1).eq(0)),
        }
    }

    let base = beat::Entity::find().filter(filter);
    let total = base.clone().count(db).await?;
    let ordered = match q.sort {
        Sort::Newest => base.order_by(beat::Column::PublishedAt, Order::Desc),
        Sort::PriceAsc => base.order_by(Expr::cust(LOWEST_PRICE), Order::Asc),
        Sort::PriceDesc => base.order_by(Expr::cust(LOWEST_PRICE), Order::Desc),
        Sort::BpmAsc => base.order_by(beat::Column::Bpm, Order::Asc),
        Sort::BpmDesc => base.order_by(beat::Column::Bpm, Order::Desc),
    }
    // A stable tie-break so that pages never repeat or skip a beat.
    .order_by(beat::Column::Id, Order::Desc);
    let beats = ordered
        .offset((q.page - 1) * q.per_page)
        .limit(q.per_page)
        .all(db)
        .await?;
    Ok(CatalogPage {
        items: views(db, beats).await?,
        page: q.page,
        per_page: q.per_page,
        total,
    })
}

/// The catalog's pages as they are sent, each kept for the configured staleness
/// (`crate::fresh`: that bound is how a published, edited, unpublished or sold beat reaches
/// every process's catalog).
pub type PageCache = Fresh<CatalogQuery, Bytes>;

pub fn page_cache(config: &CacheConfig) -> PageCache {
    Fresh::new(config.staleness(), config.catalog_pages)
}

/// The page `q` asks for, as JSON: from the cache while it is fresh, else from the database.
pub async fn page_json(
    db: &DatabaseConnection,
    cache: &PageCache,
    q: CatalogQuery,
) -> Result<Bytes> {
    if let Some(page) = cache.get(&q) {
        return Ok(page);
    }
    let read_at = Instant::now();
    let page = search(db, &q).await?;
    let json = Bytes::from(
        serde_json::to_vec(&page).map_err(|e| Error::Internal(format!("catalog page: {e}")))?,
    );
    cache.put(q, json.clone(), read_at);
    Ok(json)
}
