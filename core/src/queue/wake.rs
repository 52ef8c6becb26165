//! Idle workers wake as soon as a job is enqueued instead of at their next poll. On PostgreSQL
//! the enqueueing transaction sends a `NOTIFY`, which the server delivers only once that
//! transaction commits, to every worker process; within one process (the embedded store on
//! SQLite, or `serve` with its in-process worker) a [`Notify`] does the same at once. Polling
//! stays as the fallback for a lost notification and for jobs scheduled for later.
//!
//! The in-process signal can fire before the enqueueing transaction commits. That is fine for
//! what listens to it: a claim and a heartbeat are writes, which on SQLite wait for the write
//! lock that transaction holds, so they see the job once it is there.

use std::sync::LazyLock;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::Result;

/// The PostgreSQL channel enqueues announce themselves on.
pub const CHANNEL: &str = "trackout_jobs";

// One per process: `enqueue` is a free function called in the caller's transaction, with no
// handle on the worker that should hear of it.
static SIGNAL: LazyLock<Notify> = LazyLock::new(Notify::new);

/// What workers wait on between claims (and supervisors, to hear of a superseded job).
pub fn signal() -> &'static Notify {
    &SIGNAL
}

pub(super) async fn announce<C: ConnectionTrait>(conn: &C) -> Result<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared(&format!("SELECT pg_notify('{CHANNEL}', '')"))
            .await?;
    }
    SIGNAL.notify_waiters();
    Ok(())
}

/// Relays the PostgreSQL channel to this process's signal until `shutdown`; on SQLite there
/// is nothing to listen to. A dropped connection is reopened; whatever was announced while it
/// was down is found by polling.
pub async fn listen(db: DatabaseConnection, shutdown: CancellationToken) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    while !shutdown.is_cancelled() {
        let listening = async {
            let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            // Anything enqueued before we listened is due now too.
            SIGNAL.notify_waiters();
            loop {
                listener.recv().await?;
                SIGNAL.notify_waiters();
            }
            #[allow(unreachable_code)]
            Ok::<(), sea_orm::sqlx::Error>(())
        };
        tokio::select! {
            ended = listening => {
                if let Err(e) = ended {
                    tracing::warn!(error = %e, "listening for new jobs failed; polling until it reconnects");
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.cancelled() => {}
                }
            }
            _ = shutdown.cancelled() => {}
        }
    }
}
