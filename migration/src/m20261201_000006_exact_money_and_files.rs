//! Exact money and files: a share's download slots and per-file byte budgets, counted with
//! conditional updates; what Stripe actually charged and refunded on each purchase; how much a
//! trackout inflates to, for storage quotas.

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
            .alter_table(
                Table::alter()
                    .table("shares")
                    .add_column(integer("downloads_used").default(0))
                    .to_owned(),
            )
            .await?;
        // Shares made before this count what they have already served.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE shares SET downloads_used = \
                 (SELECT COUNT(*) FROM downloads WHERE downloads.share_id = shares.id)",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("share_file_usage")
                    .col(uuid("share_id"))
                    .col(string("file"))
                    .col(integer("copies"))
                    .col(big_integer("bytes_reserved"))
                    .primary_key(Index::create().col("share_id").col("file"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_file_usage", "share_id")
                            .to("shares", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            big_integer_null("amount_paid_cents"),
            big_integer("amount_refunded_cents").default(0).to_owned(),
            text_null("hold_reason"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("purchases")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("uploads")
                    .add_column(big_integer_null("inflated_bytes"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("uploads")
                    .drop_column("inflated_bytes")
                    .to_owned(),
            )
            .await?;
        for column in ["hold_reason", "amount_refunded_cents", "amount_paid_cents"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("purchases")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("share_file_usage").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("shares")
                    .drop_column("downloads_used")
                    .to_owned(),
            )
            .await
    }
}
