//! Outgoing mail: one row per message, written in the same transaction as what causes it and
//! sent by a job; its state and last error are there for the operator (`trackout outbox`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(uuid("id").primary_key())
                    .col(string("recipient"))
                    .col(string("kind"))
                    .col(json("payload"))
                    .col(string_null("subject"))
                    .col(string("state"))
                    .col(integer("attempts"))
                    .col(text_null("last_error"))
                    .col(uuid_null("job_id"))
                    .col(string_null("dedupe_key").unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_created")
                    .table("outbox")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("outbox").to_owned())
            .await
    }
}
