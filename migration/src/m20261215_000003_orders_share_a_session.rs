//! A cart's items are paid in one checkout session: the session id is no longer one
//! purchase's alone, so its index stops being unique (the order id groups them).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn session_index(manager: &SchemaManager<'_>, unique: bool) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name("purchases_session")
                .table("purchases")
                .to_owned(),
        )
        .await?;
    let mut index = Index::create();
    index
        .name("purchases_session")
        .table("purchases")
        .col("checkout_session_id");
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        session_index(manager, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        session_index(manager, true).await
    }
}
