//! Cover art: the producer's uploaded image and the sizes the worker makes of it.

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
            .create_table(
                Table::create()
                    .table("beat_covers")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(string("original_key"))
                    .col(string("content_type"))
                    .col(big_integer("size_bytes"))
                    .col(string("sha256"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(string("state"))
                    .col(json_null("renditions"))
                    .col(text_null("error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("beat_covers", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One current cover per beat: a new upload replaces the row.
        manager
            .create_index(
                Index::create()
                    .name("beat_covers_beat")
                    .table("beat_covers")
                    .col("beat_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("beat_covers").to_owned())
            .await
    }
}
