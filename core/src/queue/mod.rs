//! The job queue, in the database. A job is enqueued inside the caller's transaction, claimed
//! with a lease, heartbeated while it runs, retried with exponential backoff, and buried
//! (`dead`, with its last error) after its last attempt. A worker that dies simply stops
//! heartbeating: once the lease lapses another worker claims the job again.
//!
//! How many attempts and how long between them is the runner's policy ([`RetryPolicy`]), not
//! something each caller that enqueues decides.

mod claim;
pub mod stats;
mod supersede;
mod wake;

pub use supersede::{run_as, still_current, supersede};
pub use wake::{CHANNEL, listen, signal};

use std::time::Duration;

use chrono::Utc;
use entity::job;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use crate::Result;
use crate::jobs::JobPayload;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
    /// Dropped or cancelled because a newer job for the same work was enqueued.
    Superseded,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
            JobState::Superseded => "superseded",
        }
    }
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Adds a job in the caller's connection or transaction, ready to run now.
pub async fn enqueue<C: ConnectionTrait, J: JobPayload>(conn: &C, job: &J) -> Result<job::Model> {
    enqueue_after(conn, job, Duration::ZERO).await
}

/// Adds a job that becomes runnable `delay` from now. A job with a supersede key first
/// supersedes the queued and running jobs under the same key; every enqueue wakes the workers.
pub async fn enqueue_after<C: ConnectionTrait, J: JobPayload>(
    conn: &C,
    job: &J,
    delay: Duration,
) -> Result<job::Model> {
    let now = Utc::now();
    let payload = serde_json::to_value(job)
        .map_err(|e| crate::Error::Internal(format!("serializing a {} job: {e}", J::KIND)))?;
    let supersede_key = job.supersede_key();
    if let Some(key) = &supersede_key {
        supersede(conn, key).await?;
    }
    let row = job::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(J::KIND.to_owned()),
        payload: Set(payload),
        state: Set(JobState::Queued.as_str().to_owned()),
        attempts: Set(0),
        run_at_ms: Set(now.timestamp_millis() + delay.as_millis() as i64),
        locked_by: Set(None),
        locked_until_ms: Set(None),
        last_error: Set(None),
        beat_id: Set(job.beat_id()),
        supersede_key: Set(supersede_key),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    };
    let row = row.insert(conn).await?;
    wake::announce(conn).await?;
    Ok(row)
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    RetryAt(i64),
    Dead,
}

/// How the runner treats jobs: how long a claim lasts without a heartbeat, how many attempts a
/// job gets, and how long it waits before the first retry (doubling each time, capped at an
/// hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub lease: Duration,
    pub max_attempts: i32,
    pub backoff: Duration,
}

/// One worker's handle on the queue: it claims under its own name and only ever changes jobs
/// it holds the lease on.
#[derive(Clone)]
pub struct Queue {
    db: DatabaseConnection,
    worker_id: String,
    policy: RetryPolicy,
}

const ABANDONED: &str = "the worker running this job stopped responding on its last attempt";

impl Queue {
    pub fn new(db: DatabaseConnection, worker_id: String, policy: RetryPolicy) -> Self {
        Queue {
            db,
            worker_id,
            policy,
        }
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// Takes the next runnable job: queued and due, or running under a lease that lapsed. A job
    /// whose lease lapsed on its last attempt is buried on the way (it will never succeed by
    /// being claimed again) and the next one is taken.
    pub async fn claim(&self) -> Result<Option<job::Model>> {
        loop {
            let Some(job) = claim::claim_next(&self.db, &self.worker_id, self.policy.lease).await?
            else {
                return Ok(None);
            };
            if job.attempts <= self.policy.max_attempts {
                return Ok(Some(job));
            }
            tracing::warn!(job = %job.id, kind = %job.kind, "burying a job abandoned on its last attempt");
            self.fail(&job, ABANDONED, true).await?;
        }
    }

    /// Extends the lease. `false` means the lease was lost (another worker rescued the job),
    /// and the caller must stop working on it.
    pub async fn heartbeat(&self, id: Uuid) -> Result<bool> {
        let result = job::Entity::update_many()
            .col_expr(
                job::Column::LockedUntilMs,
                Expr::value(now_ms() + self.policy.lease.as_millis() as i64),
            )
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(self.held(id))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The job's state now, if its row is still there.
    pub async fn state_of(&self, id: Uuid) -> Result<Option<String>> {
        Ok(job::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|j| j.state))
    }

    pub async fn complete(&self, id: Uuid) -> Result<bool> {
        let now = Utc::now();
        let result = job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value(JobState::Done.as_str()))
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntilMs, Expr::value(Option::<i64>::None))
            .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .col_expr(job::Column::FinishedAt, Expr::value(Some(now)))
            .filter(self.held(id))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records a failed attempt: retried after a doubling delay, or dead after the last one
    /// (or at once when `permanent`, for failures no retry can fix).
    pub async fn fail(&self, job: &job::Model, error: &str, permanent: bool) -> Result<Failure> {
        let now = Utc::now();
        let outcome = if permanent || job.attempts >= self.policy.max_attempts {
            Failure::Dead
        } else {
            let exponent = Ord::min(Ord::max(job.attempts, 1) - 1, 16) as u32;
            let delay = self
                .policy
                .backoff
                .saturating_mul(2u32.pow(exponent))
                .min(Duration::from_secs(3600));
            Failure::RetryAt(now.timestamp_millis() + delay.as_millis() as i64)
        };
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntilMs, Expr::value(Option::<i64>::None))
            .col_expr(job::Column::LastError, Expr::value(Some(truncate(error))))
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        update = match outcome {
            Failure::Dead => update
                .col_expr(job::Column::State, Expr::value(JobState::Dead.as_str()))
                .col_expr(job::Column::FinishedAt, Expr::value(Some(now))),
            Failure::RetryAt(at) => update
                .col_expr(job::Column::State, Expr::value(JobState::Queued.as_str()))
                .col_expr(job::Column::RunAtMs, Expr::value(at)),
        };
        update.filter(self.held(job.id)).exec(&self.db).await?;
        Ok(outcome)
    }

    /// Hands a job back untouched (graceful shutdown): the attempt does not count.
    pub async fn release(&self, id: Uuid) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value(JobState::Queued.as_str()))
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).sub(1),
            )
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntilMs, Expr::value(Option::<i64>::None))
            .col_expr(job::Column::RunAtMs, Expr::value(now_ms()))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(self.held(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    fn held(&self, id: Uuid) -> sea_orm::Condition {
        sea_orm::Condition::all()
            .add(job::Column::Id.eq(id))
            .add(job::Column::State.eq(JobState::Running.as_str()))
            .add(job::Column::LockedBy.eq(self.worker_id.as_str()))
    }
}

fn truncate(error: &str) -> String {
    const MAX: usize = 4000;
    if error.len() <= MAX {
        return error.to_owned();
    }
    let mut end = MAX;
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &error[..end])
}
