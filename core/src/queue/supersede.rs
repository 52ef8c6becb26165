//! No work done twice: jobs that do the same work for a beat share a key, and the newest one
//! wins. Enqueueing a keyed job drops the older ones still queued and cancels the one running
//! (its worker hears of it through the wake signal and stops it); whatever a cancelled run
//! still tries to record is refused by [`still_current`].

use std::future::Future;

use chrono::Utc;
use entity::job;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::JobState;
use crate::Result;

const DROPPED: &str = "superseded before it started: newer uploads arrived";
const CANCELLED: &str = "superseded while it ran: newer uploads arrived, so it was cancelled";

tokio::task_local! {
    static CURRENT_JOB: Uuid;
}

/// Runs `work` as job `id`: what it records is fenced on that job still being current.
pub fn run_as<F: Future>(id: Uuid, work: F) -> impl Future<Output = F::Output> {
    CURRENT_JOB.scope(id, work)
}

/// Marks every queued or running job under `key` superseded. Returns how many there were.
pub async fn supersede<C: ConnectionTrait>(conn: &C, key: &str) -> Result<u64> {
    let mut total = 0;
    for (state, reason) in [(JobState::Queued, DROPPED), (JobState::Running, CANCELLED)] {
        let now = Utc::now();
        let result = job::Entity::update_many()
            .col_expr(
                job::Column::State,
                Expr::value(JobState::Superseded.as_str()),
            )
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntilMs, Expr::value(Option::<i64>::None))
            .col_expr(job::Column::LastError, Expr::value(Some(reason)))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .col_expr(job::Column::FinishedAt, Expr::value(Some(now)))
            .filter(job::Column::SupersedeKey.eq(key))
            .filter(job::Column::State.eq(state.as_str()))
            .exec(conn)
            .await?;
        total += result.rows_affected;
    }
    Ok(total)
}

/// Whether the job this task runs for is still the one whose result counts: `false` once a
/// newer job superseded it. Outside a job (a service called from the API) it is always `true`.
///
/// Call it inside the write transaction that records the result: the row lock (PostgreSQL) or
/// the write lock (SQLite) orders it against the transaction that supersedes the job, so a
/// result is either recorded before the supersession or not at all.
pub async fn still_current<C: ConnectionTrait>(conn: &C) -> Result<bool> {
    let Ok(id) = CURRENT_JOB.try_with(|id| *id) else {
        return Ok(true);
    };
    let row = job::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await?;
    Ok(row.is_some_and(|j| j.state == JobState::Running.as_str()))
}
