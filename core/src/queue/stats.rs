//! What an operator watches of the queue: jobs by kind and state, and how long the oldest
//! runnable job has waited. Read at scrape time, so every API process reports the same figures
//! whichever worker ran the jobs.

use entity::job;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{JobState, now_ms};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCount {
    pub kind: String,
    pub state: String,
    pub jobs: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueStats {
    pub jobs: Vec<JobCount>,
    /// Jobs that could run now and wait for a worker.
    pub depth: i64,
    /// How long the oldest of those has waited, in seconds (0 when none waits).
    pub oldest_wait_seconds: f64,
}

pub async fn read<C: ConnectionTrait>(conn: &C) -> Result<QueueStats> {
    let jobs = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column(job::Column::State)
        .column_as(Expr::col(job::Column::Id).count(), "jobs")
        .group_by(job::Column::Kind)
        .group_by(job::Column::State)
        .into_tuple::<(String, String, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(kind, state, jobs)| JobCount { kind, state, jobs })
        .collect();
    let now = now_ms();
    let (depth, oldest) = job::Entity::find()
        .select_only()
        .column_as(Expr::col(job::Column::Id).count(), "depth")
        .column_as(Expr::col(job::Column::RunAtMs).min(), "oldest")
        .filter(job::Column::State.eq(JobState::Queued.as_str()))
        .filter(job::Column::RunAtMs.lte(now))
        .into_tuple::<(i64, Option<i64>)>()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    Ok(QueueStats {
        jobs,
        depth,
        oldest_wait_seconds: oldest.map_or(0.0, |t| Ord::max(now - t, 0) as f64 / 1000.0),
    })
}
