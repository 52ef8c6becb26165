//! Jobs that do the same work for a beat share a key (`render_preview:<beat>`): a newer one
//! supersedes the older ones still queued or running, so no render runs for inputs that are
//! already gone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("jobs")
                    .add_column(string_null("supersede_key"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_supersede_key")
                    .table("jobs")
                    .col("supersede_key")
                    .col("state")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_jobs_supersede_key")
                    .table("jobs")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("jobs")
                    .drop_column("supersede_key")
                    .to_owned(),
            )
            .await
    }
}
