//! Resumable uploads on S3: the client sends parts straight to the bucket through presigned
//! `UploadPart` URLs, so the bytes never pass through the store on the way in. The store
//! opens the bucket's multipart upload, signs part URLs, lists what the bucket holds (to
//! resume), and at completion checks every part against the bucket, has the bucket assemble
//! them, reads the object once (SHA-256, and the MD5 of each part whose ETag the bucket would
//! not list), then records it exactly as a `PUT` is recorded (`uploads::accept_stored`).
//!
//! S3-compatible stores differ here: AWS and moto list each part's ETag and check the ETags
//! given at completion; s3s-fs lists sizes only and checks nothing. So the store checks sizes
//! itself, compares ETags where the bucket lists them, and hashes parts where it does not.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::upload_session;
use futures_util::TryStreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use utoipa::ToSchema;
use uuid::Uuid;

use super::upload_sessions::{NewSession, admit, ttl};
use super::uploads::{self, Placed, UploadAccepted};
use super::{Actor, quotas};
use crate::config::Config;
use crate::domain::UploadKind;
use crate::jobs::{ExpireUploadSession, MultipartRef};
use crate::storage::multipart::{SentPart, StoredPart, part_count, part_length, part_size_for};
use crate::storage::{DirectUploads, HEAD_BYTES, Ingested, ObjectKey, Storage, StorageError};
use crate::{Error, Result, queue};

pub const PROTOCOL: &str = "s3_multipart";

/// Parts are at least 8 MiB: fewer requests for a multi-GB trackout, and a lost part costs
/// seconds to send again.
const MIN_PART_BYTES: u64 = 8 * 1024 * 1024;
/// S3 allows 10,000 parts; the store plans at most 2,000 so that the completion request, which
/// lists every part, stays within the API's 256 KiB JSON body limit. (The default 8 GiB cap is
/// 1,024 parts of 8 MiB; larger files get larger parts.)
const MAX_PLANNED_PARTS: u64 = 2_000;
/// Part URLs per request: enough to keep many parts in flight, bounded so that one request
/// cannot make the store sign thousands of URLs.
const MAX_URLS_PER_REQUEST: usize = 100;
/// A part URL is good for this long; a client asks again for the parts it has not sent.
const PART_URL_TTL: Duration = Duration::from_secs(15 * 60);
/// A completion holds the session this long at most (hashing an 8 GiB object takes about a
/// minute); a completion that died is taken over after that.
const COMPLETION_LEASE_SECONDS: i64 = 15 * 60;

#[derive(Debug, Serialize, ToSchema)]
pub struct MultipartSession {
    pub id: Uuid,
    /// `s3_multipart`: send the parts to the URLs `parts_url` hands out.
    pub protocol: &'static str,
    /// `master`, `trackout` or `voice_tag`.
    #[schema(value_type = String)]
    pub kind: UploadKind,
    pub size_bytes: u64,
    /// Every part but the last holds exactly this many bytes; the last holds the rest.
    pub part_size_bytes: u64,
    pub part_count: u32,
    pub expires_at: DateTime<Utc>,
    /// The session: `DELETE` aborts it.
    pub upload_url: String,
    /// `POST {part_numbers}` signs part URLs; `GET` lists the parts the bucket holds.
    pub parts_url: String,
    /// `POST {parts: [{part_number, etag}]}` once every part is in the bucket.
    pub complete_url: String,
}

impl MultipartSession {
    fn of(s: &upload_session::Model, kind: UploadKind, part_size: u64) -> MultipartSession {
        let size = s.size_bytes.max(0) as u64;
        let url = format!("/api/v1/uploads/{}", s.id);
        MultipartSession {
            id: s.id,
            protocol: PROTOCOL,
            kind,
            size_bytes: size,
            part_size_bytes: part_size,
            part_count: part_count(size, part_size),
            expires_at: s.expires_at,
            parts_url: format!("{url}/parts"),
            complete_url: format!("{url}/complete"),
            upload_url: url,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartUrl {
    pub part_number: u32,
    /// `PUT` exactly `size_bytes` bytes here; the answer's `ETag` header is the part's ETag.
    pub url: String,
    pub size_bytes: u64,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartUrls {
    pub parts: Vec<PartUrl>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListedPart {
    pub part_number: u32,
    pub size_bytes: u64,
    /// `null` when the bucket does not report it (some S3-compatible stores list sizes only).
    pub etag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListedParts {
    pub part_size_bytes: u64,
    pub part_count: u32,
    /// The parts the bucket holds, in order: send the others.
    pub parts: Vec<ListedPart>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CompletedPartIn {
    pub part_number: u32,
    /// The `ETag` header the bucket answered the part's `PUT` with.
    pub etag: String,
}

/// The session's kept facts, parsed once.
struct Plan {
    row: upload_session::Model,
    kind: UploadKind,
    size: u64,
    part_size: u64,
    key: ObjectKey,
    multipart_id: String,
    upload_id: Uuid,
}

impl Plan {
    fn of(row: upload_session::Model) -> Result<Plan> {
        let corrupt = |what: &str| Error::Corrupt(format!("upload session {}: {what}", row.id));
        let kind = UploadKind::from_db(&row.kind).ok_or_else(|| corrupt("kind"))?;
        let key = ObjectKey::parse(row.storage_key.as_deref().ok_or_else(|| corrupt("key"))?)?;
        let multipart_id = row
            .multipart_id
            .clone()
            .ok_or_else(|| corrupt("upload id"))?;
        let upload_id = row.upload_id.ok_or_else(|| corrupt("upload row id"))?;
        let part_size = row
            .part_size_bytes
            .and_then(|p| u64::try_from(p).ok())
            .filter(|p| *p > 0)
            .ok_or_else(|| corrupt("part size"))?;
        Ok(Plan {
            kind,
            size: row.size_bytes.max(0) as u64,
            part_size,
            key,
            multipart_id,
            upload_id,
            row,
        })
    }

    fn count(&self) -> u32 {
        part_count(self.size, self.part_size)
    }

    fn reference(&self) -> MultipartRef {
        MultipartRef {
            beat_id: self.row.beat_id,
            key: self.key.to_string(),
            upload_id: self.multipart_id.clone(),
        }
    }
}

fn direct(storage: &dyn Storage) -> Result<&dyn DirectUploads> {
    storage
        .direct_uploads()
        .ok_or_else(|| Error::Internal("the storage backend takes no multipart uploads".into()))
}

fn conflict(code: &'static str, message: String, details: serde_json::Value) -> Error {
    Error::Conflict {
        code,
        message,
        details: Some(details),
    }
}

/// Opens the bucket's multipart upload and the session that tracks it. The object will
/// appear at the upload's final key, so nothing is copied once it is complete.
pub async fn open(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    new: NewSession,
) -> Result<MultipartSession> {
    admit(db, config, actor, beat_id, &new).await?;
    let uploads = direct(storage)?;
    let part_size = part_size_for(new.size, MIN_PART_BYTES).max(
        new.size
            .div_ceil(MAX_PLANNED_PARTS)
            .next_multiple_of(1024 * 1024),
    );
    let id = Uuid::now_v7();
    let upload_id = Uuid::now_v7();
    let key = uploads::object_key(beat_id, upload_id, new.kind)?;
    let multipart_id = uploads
        .open(&key, new.kind.canonical_content_type())
        .await?;
    let now = Utc::now();
    let recorded = async {
        let txn = crate::db::write_txn(db).await?;
        let row = upload_session::ActiveModel {
            id: Set(id),
            beat_id: Set(beat_id),
            user_id: Set(actor.user_id),
            kind: Set(new.kind.as_str().to_owned()),
            size_bytes: Set(i64::try_from(new.size).unwrap_or(i64::MAX)),
            offset_bytes: Set(0),
            file_name: Set(new.file_name),
            created_at: Set(now),
            expires_at: Set(now + ttl(config)),
            protocol: Set(PROTOCOL.to_owned()),
            upload_id: Set(Some(upload_id)),
            storage_key: Set(Some(key.to_string())),
            multipart_id: Set(Some(multipart_id.clone())),
            part_size_bytes: Set(Some(i64::try_from(part_size).unwrap_or(i64::MAX))),
            completing_until: Set(None),
            assembled: Set(false),
        }
        .insert(&txn)
        .await?;
        queue::enqueue_after(
            &txn,
            &ExpireUploadSession {
                session_id: id,
                multipart: Some(MultipartRef {
                    beat_id,
                    key: key.to_string(),
                    upload_id: multipart_id.clone(),
                }),
            },
            Duration::from_secs(config.uploads.session_ttl_seconds),
        )
        .await?;
        txn.commit().await?;
        Ok::<_, Error>(row)
    }
    .await;
    match recorded {
        Ok(row) => Ok(MultipartSession::of(&row, new.kind, part_size)),
        Err(e) => {
            if let Err(abort) = uploads.abort(&key, &multipart_id).await {
                tracing::warn!(%key, error = %abort, "could not abort a multipart upload no session tracks");
            }
            Err(e)
        }
    }
}

/// The caller's live multipart session, or 404; a tus session answers `409 wrong_protocol`.
async fn live(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Plan> {
    let row = upload_session::Entity::find_by_id(id)
        .filter(upload_session::Column::UserId.eq(actor.user_id))
        .filter(upload_session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .ok_or(Error::NotFound("upload session"))?;
    if row.protocol != PROTOCOL {
        return Err(Error::conflict(
            "wrong_protocol",
            "this session takes its bytes over tus (PATCH to its upload_url), not in parts",
        ));
    }
    Plan::of(row)
}

fn claimed(row: &upload_session::Model) -> bool {
    row.completing_until.is_some_and(|until| until > Utc::now())
}

fn completing() -> Error {
    Error::conflict(
        "upload_completing",
        "this upload is being completed; its result will be on the beat's processing page",
    )
}

/// Activity keeps a session alive: its expiry moves to a full time to live from now.
async fn touch(db: &DatabaseConnection, config: &Config, id: Uuid) -> Result<DateTime<Utc>> {
    let expires = Utc::now() + ttl(config);
    upload_session::Entity::update_many()
        .col_expr(upload_session::Column::ExpiresAt, Expr::value(expires))
        .filter(upload_session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(expires)
}

/// Signs `PUT` URLs for the parts asked for (1 to the session's part count, at most 100 at a
/// time, each once).
pub async fn part_urls(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    id: Uuid,
    numbers: &[u64],
) -> Result<PartUrls> {
    let plan = live(db, actor, id).await?;
    if claimed(&plan.row) || plan.row.assembled {
        return Err(completing());
    }
    let count = plan.count();
    if numbers.is_empty() || numbers.len() > MAX_URLS_PER_REQUEST {
        return Err(Error::invalid(
            "part_numbers",
            format!("ask for 1 to {MAX_URLS_PER_REQUEST} parts at a time"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut wanted = Vec::with_capacity(numbers.len());
    for &n in numbers {
        let number = u32::try_from(n).ok().filter(|n| (1..=count).contains(n));
        let Some(number) = number else {
            return Err(Error::invalid(
                "part_numbers",
                format!("part {n} does not exist: this upload has parts 1 to {count}"),
            ));
        };
        if !seen.insert(number) {
            return Err(Error::invalid(
                "part_numbers",
                format!("part {number} is asked for twice"),
            ));
        }
        wanted.push(number);
    }
    let uploads = direct(storage)?;
    touch(db, config, id).await?;
    let expires_at = Utc::now()
        + chrono::Duration::from_std(PART_URL_TTL).unwrap_or_else(|_| chrono::Duration::zero());
    let mut parts = Vec::with_capacity(wanted.len());
    for number in wanted {
        let length = part_length(plan.size, plan.part_size, number)
            .ok_or_else(|| Error::Internal(format!("part {number} has no length")))?;
        let url = uploads
            .part_url(&plan.key, &plan.multipart_id, number, length, PART_URL_TTL)
            .await?;
        parts.push(PartUrl {
            part_number: number,
            url,
            size_bytes: length,
            expires_at,
        });
    }
    Ok(PartUrls { parts })
}

/// The parts the bucket holds, so that a client resumes by sending the others.
pub async fn listed_parts(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    id: Uuid,
) -> Result<ListedParts> {
    let plan = live(db, actor, id).await?;
    if plan.row.assembled {
        return Err(completing());
    }
    let held = held_parts(direct(storage)?, &plan).await?;
    touch(db, config, id).await?;
    Ok(ListedParts {
        part_size_bytes: plan.part_size,
        part_count: plan.count(),
        parts: held
            .into_iter()
            .filter(|p| p.number <= plan.count())
            .map(|p| ListedPart {
                part_number: p.number,
                size_bytes: p.size,
                etag: p.etag,
            })
            .collect(),
    })
}

async fn held_parts(uploads: &dyn DirectUploads, plan: &Plan) -> Result<Vec<StoredPart>> {
    uploads
        .parts(&plan.key, &plan.multipart_id)
        .await
        .map_err(|e| match e {
            StorageError::NotFound(_) => gone(),
            e => e.into(),
        })
}

fn gone() -> Error {
    Error::conflict(
        "multipart_upload_gone",
        "the bucket no longer holds this upload's parts; open a new upload",
    )
}

/// ETags are quoted hex on the wire; some clients keep the quotes, some drop them.
fn plain_etag(etag: &str) -> String {
    etag.trim().trim_matches('"').to_ascii_lowercase()
}

/// An ETag that is the MD5 of the part's bytes (no `-n` suffix, no KMS token).
fn md5_etag(etag: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    hex::decode_to_slice(plain_etag(etag), &mut out).ok()?;
    Some(out)
}

/// Every part, once, in order, with an ETag that could be one.
fn check_listing(plan: &Plan, sent: &[CompletedPartIn]) -> Result<Vec<SentPart>> {
    let count = plan.count();
    if sent.len() != count as usize {
        return Err(Error::invalid(
            "parts",
            format!(
                "list every part of this upload, 1 to {count}, in order ({} listed)",
                sent.len()
            ),
        ));
    }
    let mut parts = Vec::with_capacity(sent.len());
    for (i, part) in sent.iter().enumerate() {
        let expected = i as u32 + 1;
        if part.part_number != expected {
            return Err(Error::invalid(
                "parts",
                format!(
                    "parts are listed in order, each once: part {expected} is expected where {} is",
                    part.part_number
                ),
            ));
        }
        let etag = part.etag.trim();
        if etag.is_empty() || etag.len() > 128 || !etag.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "parts",
                format!("part {expected}'s etag is not one a bucket gives"),
            ));
        }
        parts.push(SentPart {
            number: expected,
            etag: etag.to_owned(),
        });
    }
    Ok(parts)
}

/// The bucket holds every part at its exact size, and each listed ETag is the one sent.
/// Answers the parts whose ETag the bucket did not list: they are checked by their MD5.
fn check_against_bucket(plan: &Plan, sent: &[SentPart], held: &[StoredPart]) -> Result<Vec<u32>> {
    let mut unlisted = Vec::new();
    for part in sent {
        let expected = part_length(plan.size, plan.part_size, part.number).unwrap_or(0);
        let Some(stored) = held.iter().find(|h| h.number == part.number) else {
            return Err(conflict(
                "part_missing",
                format!(
                    "the bucket holds no part {}; send it, then complete",
                    part.number
                ),
                serde_json::json!({ "part_number": part.number }),
            ));
        };
        if stored.size != expected {
            return Err(conflict(
                "part_size_mismatch",
                format!(
                    "part {} holds {} bytes in the bucket where {expected} are expected; send it again",
                    part.number, stored.size
                ),
                serde_json::json!({
                    "part_number": part.number,
                    "size_bytes": stored.size,
                    "expected_bytes": expected,
                }),
            ));
        }
        match &stored.etag {
            Some(listed) if plain_etag(listed) != plain_etag(&part.etag) => {
                return Err(conflict(
                    "part_etag_mismatch",
                    format!(
                        "part {}'s ETag in the bucket is not the one sent; send the part again",
                        part.number
                    ),
                    serde_json::json!({ "part_number": part.number, "etag": listed }),
                ));
            }
            Some(_) => {}
            None if md5_etag(&part.etag).is_none() => {
                return Err(conflict(
                    "part_etag_unverifiable",
                    format!(
                        "the bucket lists no ETag for part {} and the one sent is not an MD5, so nothing can vouch for it",
                        part.number
                    ),
                    serde_json::json!({ "part_number": part.number }),
                ));
            }
            None => unlisted.push(part.number),
        }
    }
    Ok(unlisted)
}

/// Completes the session: checks the parts against the bucket, has the bucket assemble them,
/// reads the object once to hash it and records the upload with its jobs. One completion runs
/// at a time (`409 upload_completing` for the others); it runs to its end even when the
/// client that asked goes away.
pub async fn complete(
    db: &DatabaseConnection,
    storage: &Arc<dyn Storage>,
    config: &Arc<Config>,
    actor: &Actor,
    id: Uuid,
    sent: Vec<CompletedPartIn>,
) -> Result<UploadAccepted> {
    let plan = live(db, actor, id).await?;
    let sent = check_listing(&plan, &sent)?;
    let until = Utc::now() + chrono::Duration::seconds(COMPLETION_LEASE_SECONDS);
    let claim = upload_session::Entity::update_many()
        .col_expr(upload_session::Column::CompletingUntil, Expr::value(until))
        .filter(upload_session::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(upload_session::Column::CompletingUntil.is_null())
                .add(upload_session::Column::CompletingUntil.lt(Utc::now())),
        )
        .exec(db)
        .await?;
    if claim.rows_affected != 1 {
        return Err(completing());
    }
    // Read again under the claim: a completion that held it may have assembled the parts.
    let plan = Plan::of(
        upload_session::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(Error::NotFound("upload session"))?,
    )?;
    // Its own task, so that nothing upstream (a client gone, a timeout) can stop a completion
    // halfway between the bucket assembling the parts and the upload being recorded.
    let (db, storage, config, actor) =
        (db.clone(), Arc::clone(storage), Arc::clone(config), *actor);
    tokio::spawn(async move { finish(&db, &storage, &config, &actor, plan, sent).await })
        .await
        .map_err(|e| Error::Internal(format!("completing an upload: {e}")))?
}

/// What a refusal does to the session: kept (the client can fix the parts and complete
/// again), or ended (what the bucket had is gone).
enum Outcome {
    Keep(Error),
    End(Error),
}

async fn finish(
    db: &DatabaseConnection,
    storage: &Arc<dyn Storage>,
    config: &Config,
    actor: &Actor,
    mut plan: Plan,
    sent: Vec<SentPart>,
) -> Result<UploadAccepted> {
    let uploads = direct(storage.as_ref())?;
    let id = plan.row.id;
    let result = assemble_and_record(db, storage, uploads, config, actor, &mut plan, &sent).await;
    match result {
        Ok(accepted) => {
            // The upload is recorded; a session row left behind is ended by its expiry.
            if let Err(e) = upload_session::Entity::delete_by_id(id).exec(db).await {
                tracing::warn!(session = %id, error = %e, "could not remove a completed upload session");
            }
            Ok(accepted)
        }
        Err(Outcome::Keep(e)) => {
            upload_session::Entity::update_many()
                .col_expr(
                    upload_session::Column::CompletingUntil,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(upload_session::Column::Id.eq(id))
                .exec(db)
                .await?;
            Err(e)
        }
        Err(Outcome::End(e)) => {
            end(uploads, storage.as_ref(), &plan).await;
            upload_session::Entity::delete_by_id(id).exec(db).await?;
            Err(e)
        }
    }
}

async fn assemble_and_record(
    db: &DatabaseConnection,
    storage: &Arc<dyn Storage>,
    uploads: &dyn DirectUploads,
    config: &Config,
    actor: &Actor,
    plan: &mut Plan,
    sent: &[SentPart],
) -> std::result::Result<UploadAccepted, Outcome> {
    let keep = |e: Error| Outcome::Keep(e);
    let end = |e: Error| Outcome::End(e);
    // The cap for the kind, again: it may have been lowered since the session opened.
    let limit = uploads::limit_for(config, plan.kind);
    if plan.size > limit {
        return Err(end(Error::TooLarge {
            what: plan.kind.label(),
            limit,
        }));
    }
    let replacing = uploads::current(db, plan.row.beat_id, plan.kind)
        .await
        .map_err(keep)?;
    // The parts to check by their MD5 while the object is read.
    let md5_checked: Vec<u32> = if plan.row.assembled {
        // An earlier completion assembled the object and stopped before recording it: what the
        // bucket listed then is gone, so every part whose ETag is an MD5 is checked by its bytes
        // (the others the bucket itself checked when it assembled them).
        sent.iter()
            .filter(|p| md5_etag(&p.etag).is_some())
            .map(|p| p.number)
            .collect()
    } else {
        let held = held_parts(uploads, plan).await.map_err(|e| match e {
            Error::Conflict { .. } => end(e),
            e => keep(e),
        })?;
        let unlisted = check_against_bucket(plan, sent, &held).map_err(keep)?;
        // Checked again at the end: other uploads may have filled the quota since the start.
        quotas::allow_bytes(db, actor.user_id, replacing, plan.size, &config.quotas)
            .await
            .map_err(|e| match e {
                Error::QuotaExceeded { .. } => end(e),
                e => keep(e),
            })?;
        uploads
            .complete(&plan.key, &plan.multipart_id, sent)
            .await
            .map_err(|e| match e {
                StorageError::NotFound(_) => end(gone()),
                e => keep(e.into()),
            })?;
        upload_session::Entity::update_many()
            .col_expr(upload_session::Column::Assembled, Expr::value(true))
            .filter(upload_session::Column::Id.eq(plan.row.id))
            .exec(db)
            .await
            .map_err(|e| keep(e.into()))?;
        plan.row.assembled = true;
        unlisted
    };
    let stored = read_back(storage.as_ref(), plan, sent, &md5_checked).await?;
    let placed = Placed {
        beat_id: plan.row.beat_id,
        upload_id: plan.upload_id,
        kind: plan.kind,
        key: plan.key.clone(),
    };
    // Refused or failed, `accept_stored` has removed the object: the session ends either way.
    uploads::accept_stored(
        db,
        storage,
        config,
        actor,
        placed,
        stored,
        replacing,
        plan.row.file_name.clone(),
    )
    .await
    .map_err(end)
}

/// Reads the assembled object once: its size, SHA-256 and first bytes, and the MD5 of each
/// part in `md5_checked`, compared with the ETag the client sent for it.
async fn read_back(
    storage: &dyn Storage,
    plan: &Plan,
    sent: &[SentPart],
    md5_checked: &[u32],
) -> std::result::Result<Ingested, Outcome> {
    let size_mismatch = |found: u64| {
        Outcome::End(conflict(
            "size_mismatch",
            format!(
                "the bucket assembled {found} bytes where {} were declared",
                plan.size
            ),
            serde_json::json!({ "size_bytes": found, "expected_bytes": plan.size }),
        ))
    };
    let held = storage
        .head(&plan.key)
        .await
        .map_err(|e| Outcome::Keep(e.into()))?
        .ok_or_else(|| Outcome::End(gone()))?;
    if held.size != plan.size {
        return Err(size_mismatch(held.size));
    }
    let body = storage
        .get(&plan.key, None)
        .await
        .map_err(|e| Outcome::Keep(e.into()))?;
    let mut stream = body.stream;
    let mut sha = sha2::Sha256::new();
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut size = 0u64;
    let mut part = 1u32;
    let mut part_left = part_length(plan.size, plan.part_size, 1).unwrap_or(0);
    let mut md5 = md5::Md5::default();
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(|e| Outcome::Keep(StorageError::Io(e).into()))?
    {
        size += chunk.len() as u64;
        if size > plan.size {
            return Err(size_mismatch(size));
        }
        sha.update(&chunk);
        let wanted = HEAD_BYTES.saturating_sub(head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..wanted]);
        if md5_checked.is_empty() {
            continue;
        }
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            let take = rest
                .len()
                .min(usize::try_from(part_left).unwrap_or(usize::MAX));
            let (now, later) = rest.split_at(take);
            md5::Digest::update(&mut md5, now);
            part_left -= take as u64;
            rest = later;
            if part_left == 0 {
                let digest: [u8; 16] = md5::Digest::finalize_reset(&mut md5).into();
                check_md5(part, digest, sent, md5_checked)?;
                part += 1;
                part_left = part_length(plan.size, plan.part_size, part).unwrap_or(0);
            }
        }
    }
    if size != plan.size {
        return Err(size_mismatch(size));
    }
    Ok(Ingested {
        size,
        sha256: hex::encode(sha.finalize()),
        head,
    })
}

fn check_md5(
    part: u32,
    digest: [u8; 16],
    sent: &[SentPart],
    md5_checked: &[u32],
) -> std::result::Result<(), Outcome> {
    if !md5_checked.contains(&part) {
        return Ok(());
    }
    let claimed = sent
        .iter()
        .find(|p| p.number == part)
        .and_then(|p| md5_etag(&p.etag));
    if claimed == Some(digest) {
        return Ok(());
    }
    Err(Outcome::End(conflict(
        "part_etag_mismatch",
        format!(
            "part {part}'s bytes in the bucket are not the ones the ETag sent names; upload the file again"
        ),
        serde_json::json!({ "part_number": part, "etag": format!("\"{}\"", hex::encode(digest)) }),
    )))
}

/// Frees what the bucket holds for a session that will not be recorded: its parts, or the
/// object they were assembled into.
async fn end(uploads: &dyn DirectUploads, storage: &dyn Storage, plan: &Plan) {
    let freed = if plan.row.assembled {
        storage.delete(&plan.key).await
    } else {
        uploads.abort(&plan.key, &plan.multipart_id).await
    };
    if let Err(e) = freed {
        tracing::warn!(key = %plan.key, error = %e, "could not free an ended upload's parts");
    }
}

/// `DELETE` of the session: its parts are aborted in the bucket and the session is gone.
pub async fn abort(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    actor: &Actor,
    id: Uuid,
) -> Result<()> {
    let plan = live(db, actor, id).await?;
    if claimed(&plan.row) {
        return Err(completing());
    }
    let uploads = direct(storage)?;
    if plan.row.assembled {
        storage.delete(&plan.key).await?;
    } else {
        uploads.abort(&plan.key, &plan.multipart_id).await?;
    }
    upload_session::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The expiry sweep of a multipart session: rescheduled while it is in use or completing,
/// otherwise its parts are aborted (or its unrecorded object removed) and the session ends.
pub(super) async fn expire(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    row: upload_session::Model,
) -> Result<()> {
    let plan = Plan::of(row)?;
    let now = Utc::now();
    let resume_at = [Some(plan.row.expires_at), plan.row.completing_until]
        .into_iter()
        .flatten()
        .filter(|at| *at > now)
        .max();
    if let Some(at) = resume_at {
        let delay = (at - now).to_std().unwrap_or_default() + Duration::from_secs(1);
        let job = ExpireUploadSession {
            session_id: plan.row.id,
            multipart: Some(plan.reference()),
        };
        queue::enqueue_after(db, &job, delay).await?;
        return Ok(());
    }
    let uploads = direct(storage)?;
    if plan.row.assembled {
        storage.delete(&plan.key).await?;
    } else {
        uploads.abort(&plan.key, &plan.multipart_id).await?;
    }
    upload_session::Entity::delete_by_id(plan.row.id)
        .exec(db)
        .await?;
    tracing::info!(session = %plan.row.id, "an abandoned multipart upload expired and was aborted");
    Ok(())
}

/// A multipart session whose row is gone. Completing, aborting and refusing each free what
/// the bucket held themselves; only a deleted beat takes its sessions' rows without that, so
/// then the parts (or an object not yet recorded) go here.
pub(super) async fn orphaned(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    reference: &MultipartRef,
) -> Result<()> {
    let beat = entity::beat::Entity::find_by_id(reference.beat_id)
        .one(db)
        .await?;
    if beat.is_some() {
        return Ok(());
    }
    let key = ObjectKey::parse(&reference.key)?;
    direct(storage)?.abort(&key, &reference.upload_id).await?;
    storage.delete(&key).await?;
    Ok(())
}
