use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Who holds a beat's exclusive while they are in checkout, and until when.
        manager
            .alter_table(
                Table::alter()
                    .table("beats")
                    .add_column(uuid_null("exclusive_hold_purchase_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("beats")
                    .add_column(big_integer_null("exclusive_hold_until_ms"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("purchases")
                    .col(uuid("id").primary_key())
                    .col(uuid("buyer_id"))
                    .col(uuid("beat_id"))
                    .col(string("beat_title"))
                    .col(string("tier_kind"))
                    .col(string("tier_name"))
                    .col(big_integer("price_cents"))
                    .col(string("currency"))
                    .col(json("terms"))
                    .col(string("buyer_name"))
                    .col(string("status"))
                    .col(string("provider"))
                    .col(string_null("checkout_session_id"))
                    .col(string_null("payment_intent_id"))
                    .col(string_null("license_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("paid_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(string_null("revoke_reason"))
                    // Purchases outlive nothing: a sold beat or a buyer with purchases cannot be deleted.
                    .foreign_key(
                        ForeignKey::create()
                            .from("purchases", "buyer_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("purchases", "beat_id")
                            .to("beats", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            ("purchases_buyer", vec!["buyer_id"], false),
            ("purchases_beat", vec!["beat_id", "tier_kind"], false),
            ("purchases_session", vec!["checkout_session_id"], true),
            ("purchases_payment", vec!["payment_intent_id"], false),
            ("purchases_license", vec!["license_id"], true),
        ] {
            let mut index = Index::create();
            index.name(name).table("purchases");
            for col in cols {
                index.col(col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("stripe_events")
                    .col(string("id").primary_key())
                    .col(string("event_type"))
                    .col(timestamp_with_time_zone("received_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("revoked_payments")
                    .col(string("payment_intent_id").primary_key())
                    .col(string("reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("purchase_files")
                    .col(uuid("purchase_id"))
                    .col(string("kind"))
                    .col(string("storage_key"))
                    .col(big_integer("size_bytes"))
                    .col(string("sha256"))
                    // A personalized bundle is the base bundle's first `prefix_bytes` followed by
                    // this object (see the render crate); 0 for a file that stands alone.
                    .col(big_integer("prefix_bytes"))
                    .col(string_null("prefix_key"))
                    .primary_key(Index::create().col("purchase_id").col("kind"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("purchase_files", "purchase_id")
                            .to("purchases", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("shares")
                    .col(uuid("id").primary_key())
                    .col(uuid("purchase_id"))
                    .col(string("label"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(integer_null("max_downloads"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("shares", "purchase_id")
                            .to("purchases", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("shares_purchase")
                    .table("shares")
                    .col("purchase_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("downloads")
                    .col(uuid("id").primary_key())
                    .col(uuid("purchase_id"))
                    .col(uuid_null("share_id"))
                    .col(string("file"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("downloads", "purchase_id")
                            .to("purchases", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("downloads_purchase")
                    .table("downloads")
                    .col("purchase_id")
                    .col("share_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "downloads",
            "shares",
            "purchase_files",
            "revoked_payments",
            "stripe_events",
            "purchases",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in ["exclusive_hold_until_ms", "exclusive_hold_purchase_id"] {
            manager
                .alter_table(Table::alter().table("beats").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
