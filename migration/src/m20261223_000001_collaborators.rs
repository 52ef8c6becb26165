//! Collaborators: each beat's list of people who share its money and publishing (a row per
//! email, replaced as a whole by the producer), and each purchase's parties as they stood at
//! checkout (frozen like the terms: editing a beat's collaborators never changes a sale).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("beat_collaborators")
                    .col(uuid("id").primary_key())
                    .col(uuid("beat_id"))
                    .col(integer("position"))
                    .col(string("email"))
                    .col(string_null("name"))
                    .col(string("role"))
                    .col(integer("profit_bps"))
                    .col(integer("publishing_bps"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("beat_collaborators", "beat_id")
                            .to("beats", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("beat_collaborators_beat_email")
                    .table("beat_collaborators")
                    .col("beat_id")
                    .col("email")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("purchase_splits")
                    .col(uuid("id").primary_key())
                    .col(uuid("purchase_id"))
                    .col(integer("position"))
                    // Null for the producer; a collaborator's address, which finds their
                    // account once they have one.
                    .col(string_null("email"))
                    // Null while the collaborator has no verified account with that email.
                    .col(uuid_null("payee_id"))
                    .col(string("name"))
                    .col(string("role"))
                    .col(integer("profit_bps"))
                    .col(integer("publishing_bps"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("purchase_splits", "purchase_id")
                            .to("purchases", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("purchase_splits_purchase", "purchase_id"),
            ("purchase_splits_email", "email"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("purchase_splits")
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("purchase_splits").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("beat_collaborators").to_owned())
            .await
    }
}
