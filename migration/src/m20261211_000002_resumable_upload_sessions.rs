//! Resumable upload sessions (tus 1.0): the bytes received so far wait in a part file on the
//! API's disk until the declared size is reached.

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
                    .table("upload_sessions")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(uuid("user_id"))
                    .col(string("kind"))
                    .col(big_integer("size_bytes"))
                    .col(big_integer("offset_bytes"))
                    .col(string_null("file_name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("upload_sessions", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("upload_sessions").to_owned())
            .await
    }
}
