//! A beat can be created before its tempo and key are known: the trackout check hears them and
//! fills the empty ones. `bpm` and `musical_key` become nullable, and two columns say which
//! values came from detection (with the detector's confidence) rather than the producer.
//!
//! PostgreSQL drops the NOT NULL in place. SQLite cannot change a column's constraints, and
//! rebuilding `beats` would mean dropping a table half the schema points at (the drop runs the
//! child tables' ON DELETE CASCADE unless foreign keys are off, which cannot be switched
//! inside a migration's transaction); so each column is re-made beside the old one, copied,
//! and swapped in by name.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 2] = [("bpm", "INTEGER"), ("musical_key", "TEXT")];
const DETECTED: [&str; 2] = ["bpm_detected_confidence", "key_detected_confidence"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (column, kind) in COLUMNS {
            match manager.get_database_backend() {
                DatabaseBackend::Sqlite => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats ADD COLUMN {column}_next {kind} NULL"
                    ))
                    .await?;
                    db.execute_unprepared(&format!("UPDATE beats SET {column}_next = {column}"))
                        .await?;
                    db.execute_unprepared(&format!("ALTER TABLE beats DROP COLUMN {column}"))
                        .await?;
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats RENAME COLUMN {column}_next TO {column}"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats ALTER COLUMN {column} DROP NOT NULL"
                    ))
                    .await?;
                }
            }
        }
        for column in DETECTED {
            manager
                .alter_table(
                    Table::alter()
                        .table("beats")
                        .add_column(ColumnDef::new(column).double().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let empty = db
            .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) AS n FROM beats WHERE bpm IS NULL OR musical_key IS NULL",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if empty > 0 {
            // Inventing a tempo or key would put a wrong one on a listing: refuse instead.
            return Err(DbErr::Migration(format!(
                "{empty} beat(s) have no BPM or key yet; set them before rolling back"
            )));
        }
        for column in DETECTED {
            manager
                .alter_table(Table::alter().table("beats").drop_column(column).to_owned())
                .await?;
        }
        for (column, kind) in COLUMNS {
            match manager.get_database_backend() {
                DatabaseBackend::Sqlite => {
                    // SQLite adds a NOT NULL column only with a default; the copy overwrites it.
                    let default = if kind == "INTEGER" { "0" } else { "''" };
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats ADD COLUMN {column}_prev {kind} NOT NULL DEFAULT {default}"
                    ))
                    .await?;
                    db.execute_unprepared(&format!("UPDATE beats SET {column}_prev = {column}"))
                        .await?;
                    db.execute_unprepared(&format!("ALTER TABLE beats DROP COLUMN {column}"))
                        .await?;
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats RENAME COLUMN {column}_prev TO {column}"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE beats ALTER COLUMN {column} SET NOT NULL"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
