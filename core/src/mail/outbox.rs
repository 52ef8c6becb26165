//! The outbox table: enqueueing a message with its job, recording what became of it, and the
//! operator's listing.

use chrono::{DateTime, Utc};
use entity::{job, outbox};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use uuid::Uuid;

use super::{Mail, SendMail};
use crate::{Error, Result, queue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    Retrying,
    Sent,
    Dead,
    /// Nothing left to send (the share was revoked, the account deleted) by the time it ran.
    Skipped,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Retrying => "retrying",
            OutboxState::Sent => "sent",
            OutboxState::Dead => "dead",
            OutboxState::Skipped => "skipped",
        }
    }
}

/// Adds `mail` for `recipient` and the job that sends it, in the caller's transaction.
/// With a `dedupe_key`, a message already enqueued under that key is not added again; returns
/// whether this call added it.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    recipient: &str,
    mail: &Mail,
    dedupe_key: Option<String>,
) -> Result<bool> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let payload = serde_json::to_value(mail)
        .map_err(|e| Error::Internal(format!("serializing a {} mail: {e}", mail.kind())))?;
    let row = outbox::ActiveModel {
        id: Set(id),
        recipient: Set(recipient.to_owned()),
        kind: Set(mail.kind().to_owned()),
        payload: Set(payload),
        subject: Set(None),
        state: Set(OutboxState::Queued.as_str().to_owned()),
        attempts: Set(0),
        last_error: Set(None),
        job_id: Set(None),
        dedupe_key: Set(dedupe_key),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
    };
    let inserted = outbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(outbox::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    let job = queue::enqueue(conn, &SendMail { outbox_id: id }).await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::JobId, Expr::value(Some(job.id)))
        .filter(outbox::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(true)
}

/// The message under `dedupe_key`, if one was enqueued.
pub async fn by_key<C: ConnectionTrait>(conn: &C, key: &str) -> Result<Option<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq(key))
        .one(conn)
        .await?)
}

pub async fn load(db: &DatabaseConnection, id: Uuid) -> Result<Option<outbox::Model>> {
    Ok(outbox::Entity::find_by_id(id).one(db).await?)
}

pub async fn mark_sent(db: &DatabaseConnection, id: Uuid, subject: &str) -> Result<()> {
    let now = Utc::now();
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::State,
            Expr::value(OutboxState::Sent.as_str()),
        )
        .col_expr(
            outbox::Column::Subject,
            Expr::value(Some(subject.to_owned())),
        )
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(outbox::Column::SentAt, Expr::value(Some(now)))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn mark_skipped(db: &DatabaseConnection, id: Uuid, why: &str) -> Result<()> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::State,
            Expr::value(OutboxState::Skipped.as_str()),
        )
        .col_expr(outbox::Column::LastError, Expr::value(Some(why.to_owned())))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt with its reason. The job runner owns attempts and backoff; the
/// row only mirrors them: it is `dead` once its job has used its last attempt (`permanent`, or
/// the runner's `max_attempts`).
pub async fn record_failure(
    db: &DatabaseConnection,
    row: &outbox::Model,
    subject: Option<&str>,
    error: &str,
    permanent: bool,
    max_attempts: i32,
) -> Result<()> {
    let last_attempt = permanent
        || match row.job_id {
            Some(job_id) => job::Entity::find_by_id(job_id)
                .one(db)
                .await?
                .is_some_and(|j| j.attempts >= max_attempts),
            None => false,
        };
    let state = if last_attempt {
        OutboxState::Dead
    } else {
        OutboxState::Retrying
    };
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::State, Expr::value(state.as_str()))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(subject) = subject {
        update = update.col_expr(
            outbox::Column::Subject,
            Expr::value(Some(subject.to_owned())),
        );
    }
    update
        .filter(outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// One line of `trackout outbox`.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub recipient: String,
    pub subject: Option<String>,
    /// `queued`, `retrying`, `sent`, `dead` or `skipped`.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The latest `limit` messages, newest first; `state` filters. A message whose job was buried
/// (its worker vanished on the last attempt) shows `dead` even before the row says so.
pub async fn list(
    db: &DatabaseConnection,
    state: Option<&str>,
    limit: u64,
) -> Result<Vec<OutboxEntry>> {
    let mut query = outbox::Entity::find()
        .order_by_desc(outbox::Column::CreatedAt)
        .limit(limit);
    if let Some(state) = state {
        query = query.filter(outbox::Column::State.eq(state));
    }
    let rows = query.all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut state = row.state.clone();
        let mut last_error = row.last_error.clone();
        if state != OutboxState::Sent.as_str()
            && let Some(job_id) = row.job_id
            && let Some(job) = job::Entity::find_by_id(job_id).one(db).await?
            && job.state == "dead"
        {
            state = OutboxState::Dead.as_str().to_owned();
            last_error = last_error.or(job.last_error);
        }
        out.push(OutboxEntry {
            id: row.id,
            created_at: row.created_at,
            kind: row.kind,
            recipient: row.recipient,
            subject: row.subject,
            state,
            attempts: row.attempts,
            last_error,
            sent_at: row.sent_at,
        });
    }
    Ok(out)
}
