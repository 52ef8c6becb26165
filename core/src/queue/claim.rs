use std::time::Duration;

use chrono::Utc;
use entity::job;
use sea_orm::{DatabaseConnection, DbBackend, EntityTrait, Statement};

use super::now_ms;
use crate::Result;

// One statement picks and takes the job, so no two workers can take the same one. PostgreSQL
// skips rows another transaction is taking; SQLite has a single writer, which serializes the
// statement as a whole.
const CLAIM_POSTGRES: &str = r#"
UPDATE jobs
SET state = 'running', locked_by = $1, locked_until_ms = $2, attempts = attempts + 1, updated_at = $3
WHERE id = (
    SELECT id FROM jobs
    WHERE ((state = 'queued' AND run_at_ms <= $4) OR (state = 'running' AND locked_until_ms < $4))
    ORDER BY run_at_ms, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING *"#;

const CLAIM_SQLITE: &str = r#"
UPDATE jobs
SET state = 'running', locked_by = ?, locked_until_ms = ?, attempts = attempts + 1, updated_at = ?
WHERE id = (
    SELECT id FROM jobs
    WHERE ((state = 'queued' AND run_at_ms <= ?) OR (state = 'running' AND locked_until_ms < ?))
    ORDER BY run_at_ms, id
    LIMIT 1
)
RETURNING *"#;

pub(super) async fn claim_next(
    db: &DatabaseConnection,
    worker_id: &str,
    lease: Duration,
) -> Result<Option<job::Model>> {
    let now = now_ms();
    let until = now + lease.as_millis() as i64;
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            CLAIM_POSTGRES,
            [
                worker_id.into(),
                until.into(),
                Utc::now().into(),
                now.into(),
            ],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            CLAIM_SQLITE,
            [
                worker_id.into(),
                until.into(),
                Utc::now().into(),
                now.into(),
                now.into(),
            ],
        ),
    };
    Ok(job::Entity::find().from_raw_sql(statement).one(db).await?)
}
