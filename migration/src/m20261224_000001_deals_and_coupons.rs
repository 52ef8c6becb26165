//! Bulk deals and coupon codes, per producer. A coupon's `uses` counts the orders that hold
//! one of its uses (taken when the checkout starts, given back when it is cancelled or
//! expires); `coupon_redemptions` says which orders those are, one row per order. Purchases
//! record what the deal and the coupon took off: `price_cents` is what the item sells for in
//! its order, and its list price is that plus both discounts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("deals")
                    .col(uuid("id").primary_key())
                    .col(uuid("producer_id"))
                    .col(integer("position"))
                    .col(integer("buy"))
                    .col(integer("free"))
                    .col(json("tiers"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("deals", "producer_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deals_producer")
                    .table("deals")
                    .col("producer_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("coupons")
                    .col(uuid("id").primary_key())
                    .col(uuid("producer_id"))
                    .col(string("code"))
                    .col(integer_null("percent_off"))
                    .col(big_integer_null("amount_off_cents"))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(integer_null("max_uses"))
                    .col(integer("uses").default(0))
                    .col(json_null("beat_ids"))
                    .col(json_null("tiers"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("coupons", "producer_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A live code names one coupon in the whole store; a retired code may be used again.
        // Partial indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_coupons_live_code ON coupons (code) WHERE retired_at IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("coupon_redemptions")
                    .col(uuid("order_id").primary_key())
                    .col(uuid("coupon_id"))
                    .col(boolean("held"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("coupon_redemptions", "coupon_id")
                            .to("coupons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in ["deal_cents", "coupon_cents"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("purchases")
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["coupon_cents", "deal_cents"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("purchases")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in ["coupon_redemptions", "coupons", "deals"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
