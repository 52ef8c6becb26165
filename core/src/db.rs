use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::Config;

/// Opens the database named by the configuration. SQLite gets WAL and a busy timeout so that
/// the API and the in-process worker can write at the same time without `database is locked`.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, sea_orm::DbErr> {
    open(config, config.database_max_connections).await
}

async fn open(config: &Config, max_connections: u32) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let url = config.database_url();
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| sea_orm::DbErr::Custom(format!("creating {}: {e}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Database::connect(options).await
}

/// Applies pending migrations on a connection of their own, closed before the store opens its
/// pool. A pooled SQLite connection that was open while a migration rebuilt a table kept sqlx's
/// idea of that table's columns: it then read `RETURNING *` of the rebuilt table with the old
/// column types (an integer decoded as text), on whichever connection a query happened to use.
pub async fn migrate(config: &Config) -> Result<(), sea_orm::DbErr> {
    let db = open(config, 1).await?;
    let migrated = apply_migrations(&db).await;
    db.close().await?;
    migrated
}

/// Several processes may start at once against a fresh database (`serve` and `worker` side by
/// side): the losers of that race see a conflict, wait for the winner to finish, and find
/// nothing left to do.
async fn apply_migrations(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let mut attempt = 0;
    loop {
        match Migrator::up(db, None).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 10 => {
                attempt += 1;
                tracing::info!(error = %e, attempt, "migrating raced another process; retrying");
                tokio::time::sleep(Duration::from_millis(300)).await;
                if Migrator::get_pending_migrations(db)
                    .await
                    .map(|p| p.is_empty())
                    .unwrap_or(false)
                {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Readiness: a round trip to the database.
pub async fn ping(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.ping().await
}

/// Opens a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`): a deferred transaction that reads and then writes fails at once with
/// `SQLITE_BUSY` when another connection committed in between, which `busy_timeout` cannot
/// help. PostgreSQL ignores the option.
pub async fn write_txn(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
