//! Cover art: the upload (checked, then stored as it came), its renditions (recorded by the
//! worker) and the fingerprinted URLs the pages load them from.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::Utc;
use entity::beat_cover;
use futures_util::{Stream, StreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::own_beat;
use super::{Actor, JobView};
use crate::config::Config;
use crate::cover::{self, CoverFormat};
use crate::jobs::{PurgeObject, RenderCover};
use crate::storage::{ObjectKey, Storage};
use crate::{Error, Result, queue};

const QUEUED: &str = "queued";
const DONE: &str = "done";
const FAILED: &str = "failed";

/// One stored image of a rendition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredImage {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredRendition {
    pub width: u32,
    pub jpeg: StoredImage,
    pub webp: StoredImage,
}

/// What the worker made of a cover; stored as the row's `renditions`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CoverRenditions {
    /// In every URL: a new cover is a new address, so each may be cached forever.
    pub fingerprint: String,
    pub sizes: Vec<StoredRendition>,
}

/// One size of the cover, as the pages load it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverSize {
    /// Square: width and height, in pixels.
    pub width: u32,
    pub jpeg: String,
    /// Offered only where it is smaller than the JPEG (flat artwork; photos stay JPEG).
    pub webp: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverView {
    /// Smallest first.
    pub sizes: Vec<CoverSize>,
}

/// The producer's view of the cover's processing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverStatus {
    pub id: Uuid,
    /// `queued`, `done` or `failed`.
    pub state: String,
    pub error: Option<String>,
    pub width: i32,
    pub height: i32,
    pub cover: Option<CoverView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverAccepted {
    pub cover: CoverStatus,
    /// The job making the sizes.
    pub job: JobView,
}

fn renditions(row: &beat_cover::Model) -> Option<CoverRenditions> {
    row.renditions
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
}

fn file_name(fingerprint: &str, width: u32, ext: &str) -> String {
    format!("{fingerprint}-{width}.{ext}")
}

fn view_of(row: &beat_cover::Model) -> Option<CoverView> {
    if row.state != DONE {
        return None;
    }
    let made = renditions(row)?;
    let url = |name: String| format!("/api/v1/beats/{}/cover/{name}", row.beat_id);
    Some(CoverView {
        sizes: made
            .sizes
            .iter()
            .map(|s| CoverSize {
                width: s.width,
                jpeg: url(file_name(&made.fingerprint, s.width, "jpg")),
                webp: (s.webp.size <= s.jpeg.size)
                    .then(|| url(file_name(&made.fingerprint, s.width, "webp"))),
            })
            .collect(),
    })
}

fn status_of(row: &beat_cover::Model) -> CoverStatus {
    CoverStatus {
        id: row.id,
        state: row.state.clone(),
        error: row.error.clone(),
        width: row.width,
        height: row.height,
        cover: view_of(row),
    }
}

/// The covers of these beats that are ready, for their views.
pub(crate) async fn views_for<C: ConnectionTrait>(
    conn: &C,
    beats: Vec<Uuid>,
) -> Result<HashMap<Uuid, CoverView>> {
    Ok(beat_cover::Entity::find()
        .filter(beat_cover::Column::BeatId.is_in(beats))
        .filter(beat_cover::Column::State.eq(DONE))
        .all(conn)
        .await?
        .iter()
        .filter_map(|row| view_of(row).map(|v| (row.beat_id, v)))
        .collect())
}

/// Every object a cover row refers to: the original and each rendition.
fn keys_of(row: &beat_cover::Model) -> Vec<String> {
    let mut keys = vec![row.original_key.clone()];
    if let Some(made) = renditions(row) {
        for s in made.sizes {
            keys.push(s.jpeg.key);
            keys.push(s.webp.key);
        }
    }
    keys
}

/// The stored objects of the beat's cover, for purging with the beat.
pub(crate) async fn stored_keys<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
) -> Result<Vec<String>> {
    Ok(beat_cover::Entity::find()
        .filter(beat_cover::Column::BeatId.eq(beat_id))
        .all(conn)
        .await?
        .iter()
        .flat_map(keys_of)
        .collect())
}

pub struct IncomingCover<S> {
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub body: S,
}

/// `PUT /api/v1/beats/{id}/cover`: checks the image (type, framing, dimensions; see
/// [`cover::inspect`]), stores it, and queues its sizes in the same transaction as its row. A
/// refused or failed upload leaves neither a row nor an object; a new cover replaces the old
/// one, whose files are purged.
pub async fn upload<S, E>(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    incoming: IncomingCover<S>,
) -> Result<CoverAccepted>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display,
{
    own_beat(db, actor, beat_id).await?;
    incoming
        .content_type
        .as_deref()
        .and_then(CoverFormat::from_content_type)
        .ok_or(Error::UnsupportedMediaType {
            expected: CoverFormat::ACCEPTED,
        })?;
    let limit = config.uploads.cover_bytes;
    if incoming.content_length.is_some_and(|len| len > limit) {
        return Err(Error::TooLarge {
            what: "cover",
            limit,
        });
    }
    // A cover is a few MB at most: it is checked whole, in memory, counted as it arrives.
    let mut body = Box::pin(incoming.body);
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Error::UploadInterrupted(e.to_string()))?;
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(Error::TooLarge {
                what: "cover",
                limit,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    let bytes = Bytes::from(bytes);
    let checked = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || cover::inspect(&bytes))
            .await
            .map_err(|e| Error::Internal(format!("the cover check stopped: {e}")))?
    };
    let inspected = checked.map_err(|reason| Error::Invalid {
        field: "body",
        message: format!("the cover was refused: {reason}"),
    })?;

    let cover_id = Uuid::now_v7();
    let key = ObjectKey::parse(&format!(
        "beats/{beat_id}/covers/{cover_id}/original.{}",
        inspected.format.extension()
    ))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    let stream = futures_util::stream::once(async move { Ok(bytes) }).boxed();
    storage
        .put(&key, stream, inspected.format.content_type())
        .await?;
    let recorded = async {
        let txn = crate::db::write_txn(db).await?;
        own_beat(&txn, actor, beat_id).await?;
        if let Some(previous) = beat_cover::Entity::find()
            .filter(beat_cover::Column::BeatId.eq(beat_id))
            .one(&txn)
            .await?
        {
            beat_cover::Entity::delete_by_id(previous.id)
                .exec(&txn)
                .await?;
            for key in keys_of(&previous) {
                queue::enqueue(&txn, &PurgeObject { key }).await?;
            }
        }
        let now = Utc::now();
        let row = beat_cover::ActiveModel {
            id: Set(cover_id),
            beat_id: Set(beat_id),
            original_key: Set(key.to_string()),
            content_type: Set(inspected.format.content_type().to_owned()),
            size_bytes: Set(size),
            sha256: Set(sha256),
            width: Set(inspected.width as i32),
            height: Set(inspected.height as i32),
            state: Set(QUEUED.to_owned()),
            renditions: Set(None),
            error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let job = queue::enqueue(&txn, &RenderCover { beat_id, cover_id }).await?;
        txn.commit().await?;
        Ok::<_, Error>(CoverAccepted {
            cover: status_of(&row),
            job: job.into(),
        })
    }
    .await;
    if recorded.is_err()
        && let Err(e) = storage.delete(&key).await
    {
        tracing::warn!(%key, error = %e, "could not remove the object of a failed cover upload");
    }
    recorded
}

/// `GET /api/v1/beats/{id}/cover`: the producer's view of their cover's processing.
pub async fn status(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<CoverStatus> {
    own_beat(db, actor, beat_id).await?;
    beat_cover::Entity::find()
        .filter(beat_cover::Column::BeatId.eq(beat_id))
        .one(db)
        .await?
        .map(|row| status_of(&row))
        .ok_or(Error::NotFound("cover"))
}

/// A rendition to send: its key, type and validator.
pub struct CoverFile {
    pub key: ObjectKey,
    pub content_type: &'static str,
    pub size: u64,
    pub sha256: String,
}

/// The file behind `/api/v1/beats/{id}/cover/<fingerprint>-<width>.<jpg|webp>`. The
/// fingerprint is part of the address, so an old URL never shows a new cover (it is gone) and
/// a URL, once it answers, always answers the same bytes.
pub async fn file(db: &DatabaseConnection, beat_id: Uuid, name: &str) -> Result<CoverFile> {
    let not_found = || Error::NotFound("cover");
    let (stem, ext) = name.rsplit_once('.').ok_or_else(not_found)?;
    let (fingerprint, width) = stem.rsplit_once('-').ok_or_else(not_found)?;
    let width: u32 = width.parse().map_err(|_| not_found())?;
    let row = beat_cover::Entity::find()
        .filter(beat_cover::Column::BeatId.eq(beat_id))
        .filter(beat_cover::Column::State.eq(DONE))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let made = renditions(&row).ok_or_else(not_found)?;
    if made.fingerprint != fingerprint {
        return Err(not_found());
    }
    let size = made
        .sizes
        .into_iter()
        .find(|s| s.width == width)
        .ok_or_else(not_found)?;
    let (stored, content_type) = match ext {
        "jpg" => (size.jpeg, "image/jpeg"),
        "webp" => (size.webp, "image/webp"),
        _ => return Err(not_found()),
    };
    Ok(CoverFile {
        key: ObjectKey::parse(&stored.key)?,
        content_type,
        size: stored.size,
        sha256: stored.sha256,
    })
}

/// What the render job reads: the row, if it is still the beat's cover and not yet made.
pub async fn render_input(
    db: &DatabaseConnection,
    cover_id: Uuid,
) -> Result<Option<beat_cover::Model>> {
    Ok(beat_cover::Entity::find_by_id(cover_id)
        .one(db)
        .await?
        .filter(|row| row.state != DONE))
}

/// The fingerprint of a cover's URLs: from its bytes and its row, so two uploads of the same
/// file still get addresses of their own.
pub fn fingerprint(row: &beat_cover::Model) -> String {
    let digest = Sha256::digest(format!("{}:{}", row.sha256, row.id));
    hex::encode(&digest[..8])
}

/// The key of one rendition (deterministic: a rerun writes the same bytes to the same place).
pub fn rendition_key(
    row: &beat_cover::Model,
    fingerprint: &str,
    width: u32,
    ext: &str,
) -> Result<ObjectKey> {
    Ok(ObjectKey::parse(&format!(
        "beats/{}/covers/{}/{}",
        row.beat_id,
        row.id,
        file_name(fingerprint, width, ext)
    ))?)
}

/// Records the renditions; `false` when the cover was replaced or deleted meanwhile (the
/// caller then removes what it stored).
pub async fn record(
    db: &DatabaseConnection,
    cover_id: Uuid,
    made: &CoverRenditions,
) -> Result<bool> {
    let value = serde_json::to_value(made)
        .map_err(|e| Error::Internal(format!("serializing renditions: {e}")))?;
    let updated = beat_cover::Entity::update_many()
        .col_expr(
            beat_cover::Column::State,
            sea_orm::sea_query::Expr::value(DONE),
        )
        .col_expr(
            beat_cover::Column::Renditions,
            sea_orm::sea_query::Expr::value(Some(value)),
        )
        .col_expr(
            beat_cover::Column::Error,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            beat_cover::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(beat_cover::Column::Id.eq(cover_id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The image could not be made into a cover: the producer reads why.
pub async fn record_failure(db: &DatabaseConnection, cover_id: Uuid, reason: &str) -> Result<()> {
    beat_cover::Entity::update_many()
        .col_expr(
            beat_cover::Column::State,
            sea_orm::sea_query::Expr::value(FAILED),
        )
        .col_expr(
            beat_cover::Column::Error,
            sea_orm::sea_query::Expr::value(Some(reason.to_owned())),
        )
        .col_expr(
            beat_cover::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(beat_cover::Column::Id.eq(cover_id))
        .filter(beat_cover::Column::State.ne(DONE))
        .exec(db)
        .await?;
    Ok(())
}
