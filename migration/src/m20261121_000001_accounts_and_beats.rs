use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(uuid("id").primary_key())
                    .col(string_uniq("email"))
                    .col(string("password_hash"))
                    .col(string("display_name"))
                    .col(string("role"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("beats")
                    .col(uuid("id").primary_key())
                    .col(uuid("producer_id"))
                    .col(string("title"))
                    .col(integer("bpm"))
                    .col(string("musical_key"))
                    .col(string("genre"))
                    .col(text("description"))
                    .col(string_null("isrc"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("beats", "producer_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("beats_producer")
                    .table("beats")
                    .col("producer_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("beats_catalog")
                    .table("beats")
                    .col("status")
                    .col("published_at")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("beat_labels")
                    .col(uuid("beat_id"))
                    .col(string("kind"))
                    .col(string("value"))
                    .col(integer("position"))
                    .primary_key(Index::create().col("beat_id").col("kind").col("value"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("beat_labels", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("beat_labels_by_value")
                    .table("beat_labels")
                    .col("kind")
                    .col("value")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("lease_tiers")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(string("kind"))
                    .col(string("name"))
                    .col(big_integer("price_cents"))
                    .col(boolean("enabled"))
                    .col(big_integer_null("distribution_copies"))
                    .col(big_integer_null("audio_streams"))
                    .col(big_integer_null("music_videos"))
                    .col(big_integer_null("radio_stations"))
                    .col(integer_null("term_years"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("lease_tiers", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lease_tiers_beat_kind")
                    .table("lease_tiers")
                    .col("beat_id")
                    .col("kind")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["lease_tiers", "beat_labels", "beats", "users"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
