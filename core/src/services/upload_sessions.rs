//! Resumable uploads (tus 1.0: creation, `PATCH` at an offset, `HEAD` for the offset,
//! termination, expiration). The bytes received so far wait in the session's part file on the
//! API's disk; once the declared size has arrived, the part file goes through exactly the path
//! a single `PUT` takes (`uploads::store`: size cap, SHA-256 while it streams into storage,
//! sniffing, quota by real size, the upload and its jobs in one transaction).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use entity::upload_session;
use futures_util::{Stream, StreamExt};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::own_beat;
use super::multipart::{self, MultipartSession};
use super::uploads::{IncomingUpload, UploadAccepted, current, limit_for, store};
use super::{Actor, quotas};
use crate::config::Config;
use crate::domain::UploadKind;
use crate::jobs::ExpireUploadSession;
use crate::storage::Storage;
use crate::{Error, Result, queue};

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    /// `tus`: send the bytes with `PATCH` to `upload_url`.
    pub protocol: &'static str,
    /// `master`, `trackout` or `voice_tag`.
    #[schema(value_type = String)]
    pub kind: UploadKind,
    pub size_bytes: u64,
    /// Bytes received so far: where the next `PATCH` starts.
    pub offset_bytes: u64,
    pub expires_at: DateTime<Utc>,
    /// Where the bytes go (`PATCH`), the offset is read (`HEAD`), the session ended (`DELETE`).
    pub upload_url: String,
}

impl From<upload_session::Model> for SessionView {
    fn from(s: upload_session::Model) -> Self {
        SessionView {
            id: s.id,
            protocol: TUS,
            kind: UploadKind::from_db(&s.kind).unwrap_or(UploadKind::Master),
            size_bytes: s.size_bytes.max(0) as u64,
            offset_bytes: s.offset_bytes.max(0) as u64,
            expires_at: s.expires_at,
            upload_url: format!("/api/v1/uploads/{}", s.id),
        }
    }
}

pub const TUS: &str = "tus";

/// A session opened: over tus on local storage, straight to the bucket in parts on S3.
pub enum Opened {
    Tus(SessionView),
    Multipart(MultipartSession),
}

pub struct NewSession {
    pub kind: UploadKind,
    pub size: u64,
    pub file_name: Option<String>,
}

/// What a `PATCH` achieved.
pub enum Appended {
    /// More bytes are expected.
    Partial(SessionView),
    /// The last byte arrived: the upload is recorded and its processing started.
    Complete(UploadAccepted),
}

fn part_path(config: &Config, id: Uuid) -> PathBuf {
    config
        .data_dir
        .join("upload-sessions")
        .join(format!("{id}.part"))
}

/// What every new session starts as, whatever carries its bytes: nothing received yet, and
/// an expiry `ttl` away.
pub(super) fn new_row(
    config: &Config,
    id: Uuid,
    beat_id: Uuid,
    actor: &Actor,
    new: NewSession,
    protocol: &str,
) -> upload_session::ActiveModel {
    let now = Utc::now();
    upload_session::ActiveModel {
        id: Set(id),
        beat_id: Set(beat_id),
        user_id: Set(actor.user_id),
        kind: Set(new.kind.as_str().to_owned()),
        size_bytes: Set(i64::try_from(new.size).unwrap_or(i64::MAX)),
        offset_bytes: Set(0),
        file_name: Set(new.file_name),
        created_at: Set(now),
        expires_at: Set(now + ttl(config)),
        protocol: Set(protocol.to_owned()),
        ..Default::default()
    }
}

pub(super) fn ttl(config: &Config) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(config.uploads.session_ttl_seconds).unwrap_or(i64::MAX))
}

/// Opens a session after the checks a `PUT` makes before reading a byte: the beat is yours,
/// the declared size is within the cap for its kind and within your storage quota. A backend
/// that takes parts straight from the client (S3) gets a multipart session; the local one a
/// tus session.
pub async fn open(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    new: NewSession,
) -> Result<Opened> {
    if storage.direct_uploads().is_some() {
        let session = multipart::open(db, storage, config, actor, beat_id, new).await?;
        return Ok(Opened::Multipart(session));
    }
    open_tus(db, config, actor, beat_id, new)
        .await
        .map(Opened::Tus)
}

/// The checks before a session opens, whatever its protocol.
pub(super) async fn admit(
    db: &DatabaseConnection,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    new: &NewSession,
) -> Result<()> {
    own_beat(db, actor, beat_id).await?;
    let limit = limit_for(config, new.kind);
    if new.size == 0 {
        return Err(Error::invalid("size", "an upload holds at least one byte"));
    }
    if new.size > limit {
        return Err(Error::TooLarge {
            what: new.kind.label(),
            limit,
        });
    }
    let replacing = current(db, beat_id, new.kind).await?;
    quotas::allow_bytes(db, actor.user_id, replacing, new.size, &config.quotas).await
}

async fn open_tus(
    db: &DatabaseConnection,
    config: &Config,
    actor: &Actor,
    beat_id: Uuid,
    new: NewSession,
) -> Result<SessionView> {
    admit(db, config, actor, beat_id, &new).await?;

    let id = Uuid::now_v7();
    let path = part_path(config, id);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(storage_io)?;
    }
    tokio::fs::File::create(&path).await.map_err(storage_io)?;
    let txn = crate::db::write_txn(db).await?;
    let row = new_row(config, id, beat_id, actor, new, TUS)
        .insert(&txn)
        .await?;
    queue::enqueue_after(
        &txn,
        &ExpireUploadSession {
            session_id: id,
            multipart: None,
        },
        Duration::from_secs(config.uploads.session_ttl_seconds),
    )
    .await?;
    if let Err(e) = txn.commit().await {
        remove_part(&path).await;
        return Err(e.into());
    }
    Ok(row.into())
}

/// The caller's live session, or 404 (someone else's, finished, expired or never made).
async fn live_any(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<upload_session::Model> {
    upload_session::Entity::find_by_id(id)
        .filter(upload_session::Column::UserId.eq(actor.user_id))
        .filter(upload_session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .ok_or(Error::NotFound("upload session"))
}

/// The caller's live tus session; a multipart one answers `409 wrong_protocol`.
async fn live(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<upload_session::Model> {
    let session = live_any(db, actor, id).await?;
    if session.protocol != TUS {
        return Err(Error::conflict(
            "wrong_protocol",
            "this session sends its parts straight to the bucket (see its parts_url), not over tus",
        ));
    }
    Ok(session)
}

pub async fn show(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<SessionView> {
    Ok(live(db, actor, id).await?.into())
}

// One `PATCH` per session at a time: two writers at the same offset would interleave their
// bytes. Resumable sessions live on one API machine's disk, so a process-wide set suffices.
static BUSY: LazyLock<Mutex<HashSet<Uuid>>> = LazyLock::new(Default::default);

struct Busy(Uuid);

impl Busy {
    fn take(id: Uuid) -> Result<Busy> {
        let mut busy = BUSY.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(id) {
            return Err(Error::conflict(
                "upload_busy",
                "another request is sending bytes to this upload; wait for it to end",
            ));
        }
        Ok(Busy(id))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0);
    }
}

fn offset_mismatch(at: u64) -> Error {
    Error::Conflict {
        code: "offset_mismatch",
        message: format!("this upload is at byte {at}; send the bytes from there"),
        details: Some(serde_json::json!({ "offset": at })),
    }
}

/// Appends `body` at `offset`, which must be where the session is. A body cut short still
/// counts for the bytes that arrived, so the client resumes from there (`HEAD`).
pub async fn append<S, E>(
    db: &DatabaseConnection,
    storage: &std::sync::Arc<dyn Storage>,
    config: &Config,
    actor: &Actor,
    id: Uuid,
    offset: u64,
    body: S,
) -> Result<Appended>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display,
{
    let session = live(db, actor, id).await?;
    let _busy = Busy::take(id)?;
    // Read again under the guard: a request that held it may just have moved the offset.
    let session = upload_session::Entity::find_by_id(session.id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("upload session"))?;
    let size = session.size_bytes.max(0) as u64;
    let mut at = session.offset_bytes.max(0) as u64;
    let path = part_path(config, id);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .await
        .map_err(storage_io)?;
    let on_disk = file.metadata().await.map_err(storage_io)?.len();
    if on_disk < at {
        // The machine lost bytes it had acknowledged (a crash before they reached the disk):
        // the client resends them from what is really there.
        at = on_disk;
        set_offset(db, config, id, at).await?;
    }
    if offset != at {
        return Err(offset_mismatch(at));
    }
    // Bytes past the recorded offset are from a request cut off before it could record them.
    file.set_len(at).await.map_err(storage_io)?;
    file.seek(std::io::SeekFrom::Start(at))
        .await
        .map_err(storage_io)?;
    let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut body = std::pin::pin!(body);
    let mut received = 0u64;
    let mut interrupted = None;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => {
                if at + received + bytes.len() as u64 > size {
                    drop(file);
                    truncate(&path, at).await?;
                    return Err(Error::TooLarge {
                        what: "upload",
                        limit: size,
                    });
                }
                file.write_all(&bytes).await.map_err(storage_io)?;
                received += bytes.len() as u64;
            }
            Err(e) => {
                interrupted = Some(e.to_string());
                break;
            }
        }
    }
    file.flush().await.map_err(storage_io)?;
    drop(file);
    at += received;
    set_offset(db, config, id, at).await?;
    if let Some(why) = interrupted {
        return Err(Error::UploadInterrupted(why));
    }
    if at < size {
        let mut view: SessionView = session.into();
        view.offset_bytes = at;
        return Ok(Appended::Partial(view));
    }
    complete(db, storage, config, actor, session).await
}

/// The last byte is in: the part file is stored as a `PUT` body would be. A refusal (not what
/// it claims, over quota) ends the session; a hiccup (storage down) keeps it, and an empty
/// `PATCH` at the final offset tries again.
async fn complete(
    db: &DatabaseConnection,
    storage: &std::sync::Arc<dyn Storage>,
    config: &Config,
    actor: &Actor,
    session: upload_session::Model,
) -> Result<Appended> {
    let kind = UploadKind::from_db(&session.kind)
        .ok_or_else(|| Error::Corrupt(format!("upload session kind {:?}", session.kind)))?;
    let path = part_path(config, session.id);
    let file = tokio::fs::File::open(&path).await.map_err(storage_io)?;
    let incoming = IncomingUpload {
        kind,
        content_type: Some(kind.canonical_content_type().to_owned()),
        content_length: Some(session.size_bytes.max(0) as u64),
        file_name: session.file_name.clone(),
        body: tokio_util::io::ReaderStream::with_capacity(file, 1 << 20),
    };
    let stored = store(db, storage, config, actor, session.beat_id, incoming).await;
    let finished = match &stored {
        Ok(_) => true,
        Err(e) => matches!(
            e,
            Error::Invalid { .. }
                | Error::TooLarge { .. }
                | Error::QuotaExceeded { .. }
                | Error::UnsupportedMediaType { .. }
                | Error::NotFound(_)
        ),
    };
    if finished {
        end(db, config, session.id).await?;
    }
    stored.map(Appended::Complete)
}

async fn set_offset(db: &DatabaseConnection, config: &Config, id: Uuid, at: u64) -> Result<()> {
    upload_session::Entity::update_many()
        .col_expr(
            upload_session::Column::OffsetBytes,
            Expr::value(i64::try_from(at).unwrap_or(i64::MAX)),
        )
        .col_expr(
            upload_session::Column::ExpiresAt,
            Expr::value(Utc::now() + ttl(config)),
        )
        .filter(upload_session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Termination: the session and every byte it received are gone (on S3, its multipart
/// upload is aborted).
pub async fn terminate(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    actor: &Actor,
    id: Uuid,
) -> Result<()> {
    if live_any(db, actor, id).await?.protocol == multipart::PROTOCOL {
        return multipart::abort(db, storage, actor, id).await;
    }
    let session = live(db, actor, id).await?;
    let _busy = Busy::take(session.id)?;
    end(db, config, session.id).await
}

async fn end(db: &DatabaseConnection, config: &Config, id: Uuid) -> Result<()> {
    upload_session::Entity::delete_by_id(id).exec(db).await?;
    remove_part(&part_path(config, id)).await;
    Ok(())
}

/// The expiry sweep of one session: ended when it received nothing for its time to live,
/// rescheduled for its new expiry otherwise. A session whose beat was deleted is gone from
/// the database already; its bytes (or its bucket's parts) go here.
pub async fn expire(
    db: &DatabaseConnection,
    storage: &dyn Storage,
    config: &Config,
    job: &ExpireUploadSession,
) -> Result<()> {
    let id = job.session_id;
    let row = upload_session::Entity::find_by_id(id).one(db).await?;
    match row {
        Some(session) if session.protocol == multipart::PROTOCOL => {
            return multipart::expire(db, storage, session).await;
        }
        Some(session) => {
            let left = session.expires_at - Utc::now();
            if left > chrono::Duration::zero() {
                let delay = left.to_std().unwrap_or_default();
                queue::enqueue_after(db, job, delay).await?;
                return Ok(());
            }
            if BUSY.lock().unwrap_or_else(|p| p.into_inner()).contains(&id) {
                // Bytes are arriving right now: this session is not abandoned.
                let again = Duration::from_secs(config.uploads.session_ttl_seconds.max(1));
                queue::enqueue_after(db, job, again).await?;
                return Ok(());
            }
        }
        None => {
            if let Some(reference) = &job.multipart {
                return multipart::orphaned(db, storage, reference).await;
            }
        }
    }
    tracing::info!(session = %id, "an abandoned upload session expired");
    end(db, config, id).await
}

async fn truncate(path: &std::path::Path, len: u64) -> Result<()> {
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .await
        .map_err(storage_io)?;
    file.set_len(len).await.map_err(storage_io)?;
    Ok(())
}

async fn remove_part(path: &std::path::Path) {
    match tokio::fs::remove_file(path).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "could not remove an upload session's bytes")
        }
    }
}

fn storage_io(e: std::io::Error) -> Error {
    Error::Storage(crate::storage::StorageError::Io(e))
}
