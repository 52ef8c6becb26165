//! The ledger of who is owed what: every movement of a sale's money to a payee (a transfer,
//! an accrual waiting for a connected account, a reversal) is a row, written once per
//! idempotency key. Purchases gain the order they were bought in (a checkout of several items
//! is one order); older purchases are each their own order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("purchases")
                    .add_column(uuid_null("order_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table("purchases")
                    .value("order_id", Expr::col("id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("purchases_order")
                    .table("purchases")
                    .col("order_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ledger_entries")
                    .col(uuid("id").primary_key())
                    .col(uuid("order_id"))
                    .col(uuid("payee_id"))
                    .col(string("kind"))
                    .col(big_integer("amount_cents"))
                    .col(big_integer("fee_cents"))
                    .col(string("currency"))
                    .col(string_null("transfer_id"))
                    .col(string_null("reversal_id"))
                    .col(boolean("simulated"))
                    .col(string("idempotency_key").unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ledger_entries_order", "order_id"),
            ("ledger_entries_payee", "payee_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("ledger_entries")
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("ledger_entries").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("purchases_order")
                    .table("purchases")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("purchases")
                    .drop_column("order_id")
                    .to_owned(),
            )
            .await
    }
}
