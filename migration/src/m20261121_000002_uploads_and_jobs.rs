use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("uploads")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(string("kind"))
                    .col(string("storage_key"))
                    .col(big_integer("size_bytes"))
                    .col(string("sha256"))
                    .col(string("content_type"))
                    .col(string_null("file_name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("uploads", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uploads_beat_kind")
                    .table("uploads")
                    .col("beat_id")
                    .col("kind")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("jobs")
                    .col(uuid("id").primary_key())
                    .col(string("kind"))
                    .col(json("payload"))
                    .col(string("state"))
                    .col(integer("attempts"))
                    .col(integer("max_attempts"))
                    .col(big_integer("run_at_ms"))
                    .col(string_null("locked_by"))
                    .col(big_integer_null("locked_until_ms"))
                    .col(text_null("last_error"))
                    .col(uuid_null("beat_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_ready")
                    .table("jobs")
                    .col("state")
                    .col("run_at_ms")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_beat")
                    .table("jobs")
                    .col("beat_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("trackout_checks")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(uuid("trackout_upload_id"))
                    .col(uuid_null("master_upload_id"))
                    .col(boolean("passes"))
                    .col(integer("error_count"))
                    .col(integer("warning_count"))
                    .col(json("report"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("trackout_checks", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("trackout_checks_beat")
                    .table("trackout_checks")
                    .col("beat_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["trackout_checks", "jobs", "uploads"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
