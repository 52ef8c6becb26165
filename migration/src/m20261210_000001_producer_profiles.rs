//! A producer's public page: the handle in `/p/<handle>`, a bio and links. Kept beside the
//! account rather than in it, so the account table stays about signing in.

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
                    .table("producer_profiles")
                    .col(uuid("user_id").primary_key())
                    // Stored lower-cased (the `Handle` type), so uniqueness ignores case.
                    .col(string_len("handle", 40))
                    .col(text("bio"))
                    .col(json_null("links"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("producer_profiles", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("producer_profiles_handle")
                    .table("producer_profiles")
                    .col("handle")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("producer_profiles").to_owned())
            .await
    }
}
