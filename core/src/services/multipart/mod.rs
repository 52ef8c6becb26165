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

mod complete;
mod verify;
mod views;

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::upload_session;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

pub use complete::complete;
pub use views::{CompletedPartIn, ListedPart, ListedParts, MultipartSession, PartUrl, PartUrls};

use super::upload_sessions::{self, NewSession, admit, ttl};
use super::{Actor, uploads};
use crate::config::Config;
use crate::domain::UploadKind;
use crate::jobs::{ExpireUploadSession, MultipartRef};
use crate::storage::multipart::{StoredPart, part_count, part_length, part_size_for};
use crate::storage::{DirectUploads, ObjectKey, Storage, StorageError};
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
    let kind = new.kind;
    let recorded = async {
        let txn = crate::db::write_txn(db).await?;
        let row = upload_session::ActiveModel {
            upload_id: Set(Some(upload_id)),
            storage_key: Set(Some(key.to_string())),
            multipart_id: Set(Some(multipart_id.clone())),
            part_size_bytes: Set(Some(i64::try_from(part_size).unwrap_or(i64::MAX))),
            completing_until: Set(None),
            assembled: Set(false),
            ..upload_sessions::new_row(config, id, beat_id, actor, new, PROTOCOL)
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
        Ok(row) => Ok(MultipartSession::of(&row, kind, part_size)),
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

/// `DELETE` of the session: its parts are aborted in the bucket and the session is gone.
pub async fn abort(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    actor: &Actor,
    id: Uuid,
) -> Result<()> {
    live(db, actor, id).await?;
    // Held like a completion, so that none starts while the parts are being aborted.
    if !claim(db, id).await? {
        return Err(completing());
    }
    let plan = reread(db, id).await?;
    if let Err(e) = free(storage, &plan).await {
        release(db, id).await?;
        return Err(e);
    }
    upload_session::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Takes the session for a completion or an end; `false` while another holds it.
async fn claim(db: &DatabaseConnection, id: Uuid) -> Result<bool> {
    let until = Utc::now() + chrono::Duration::seconds(COMPLETION_LEASE_SECONDS);
    let claimed = upload_session::Entity::update_many()
        .col_expr(upload_session::Column::CompletingUntil, Expr::value(until))
        .filter(upload_session::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(upload_session::Column::CompletingUntil.is_null())
                .add(upload_session::Column::CompletingUntil.lt(Utc::now())),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

async fn release(db: &DatabaseConnection, id: Uuid) -> Result<()> {
    upload_session::Entity::update_many()
        .col_expr(
            upload_session::Column::CompletingUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(upload_session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn reread(db: &DatabaseConnection, id: Uuid) -> Result<Plan> {
    Plan::of(
        upload_session::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(Error::NotFound("upload session"))?,
    )
}

/// Frees what the bucket holds for the session: its parts, or the object they were assembled
/// into when it was not recorded.
async fn free(storage: &dyn Storage, plan: &Plan) -> Result<()> {
    if plan.row.assembled {
        storage.delete(&plan.key).await?;
    } else {
        direct(storage)?
            .abort(&plan.key, &plan.multipart_id)
            .await?;
    }
    Ok(())
}

fn job_for(plan: &Plan) -> ExpireUploadSession {
    ExpireUploadSession {
        session_id: plan.row.id,
        multipart: Some(plan.reference()),
    }
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
        queue::enqueue_after(db, &job_for(&plan), delay).await?;
        return Ok(());
    }
    let id = plan.row.id;
    if !claim(db, id).await? {
        // A completion took it at the last moment: look again once its hold has passed.
        let delay = Duration::from_secs(COMPLETION_LEASE_SECONDS.unsigned_abs() + 1);
        queue::enqueue_after(db, &job_for(&plan), delay).await?;
        return Ok(());
    }
    let plan = reread(db, id).await?;
    if let Err(e) = free(storage, &plan).await {
        release(db, id).await?;
        return Err(e);
    }
    upload_session::Entity::delete_by_id(id).exec(db).await?;
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
