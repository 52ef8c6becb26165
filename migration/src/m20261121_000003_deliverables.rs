use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("deliverables")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(string("kind"))
                    .col(string("state"))
                    .col(string("fingerprint"))
                    .col(string_null("storage_key"))
                    .col(big_integer_null("size_bytes"))
                    .col(string_null("sha256"))
                    .col(text_null("error"))
                    .col(json_null("details"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("deliverables", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deliverables_beat_kind")
                    .table("deliverables")
                    .col("beat_id")
                    .col("kind")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("deliverables").to_owned())
            .await
    }
}
