//! Completion: the parts checked against the bucket, assembled by it, read back once (SHA-256,
//! and the MD5 of each part whose ETag the bucket would not list), then recorded exactly as a
//! `PUT` is. One completion of a session runs at a time.

use std::sync::Arc;

use entity::upload_session;
use futures_util::TryStreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::Digest as _;
use uuid::Uuid;

use super::verify::{check_against_bucket, check_listing, md5_etag};
use super::{
    CompletedPartIn, Plan, claim, completing, conflict, direct, free, gone, held_parts, live,
    release,
};
use crate::config::Config;
use crate::services::uploads::{self, Placed, UploadAccepted};
use crate::services::{Actor, quotas};
use crate::storage::multipart::{SentPart, part_length};
use crate::storage::{DirectUploads, HEAD_BYTES, Ingested, Storage, StorageError};
use crate::{Error, Result};

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
    let sent = check_listing(plan.count(), &sent)?;
    if !claim(db, id).await? {
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
            release(db, id).await?;
            Err(e)
        }
        Err(Outcome::End(e)) => {
            if let Err(freed) = free(storage.as_ref(), &plan).await {
                tracing::warn!(key = %plan.key, error = %freed, "could not free an ended upload's parts");
            }
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
        let unlisted =
            check_against_bucket(plan.size, plan.part_size, sent, &held).map_err(keep)?;
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
