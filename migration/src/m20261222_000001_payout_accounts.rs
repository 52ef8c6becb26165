//! Stripe Connect: each payee's connected (Express) account, created once per user, with the
//! flags Stripe's `account.updated` keeps and the `created` time of the event that last set
//! them (an older event arriving late must not set them back). Ledger rows gain the reason a
//! transfer or reversal was refused for good, so the payee and the operator can see it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("payout_accounts")
                    .col(uuid("user_id").primary_key())
                    .col(string("stripe_account_id").unique_key())
                    .col(boolean("charges_enabled"))
                    .col(boolean("payouts_enabled"))
                    .col(boolean("details_submitted"))
                    .col(boolean("simulated"))
                    .col(big_integer_null("status_event_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("payout_accounts", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("ledger_entries")
                    .add_column(string_null("payout_error"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("ledger_entries")
                    .drop_column("payout_error")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("payout_accounts").to_owned())
            .await
    }
}
