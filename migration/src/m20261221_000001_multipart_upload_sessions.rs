//! Upload sessions on S3: the client sends parts straight to the bucket through presigned
//! URLs, so the session keeps what the bucket needs to hear back (the object key, the
//! multipart upload id, the part size) and a completion claim, so that two completes of one
//! session record one upload.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One column per statement: SQLite alters a table one column at a time.
fn columns() -> Vec<ColumnDef> {
    vec![
        string("protocol").default("tus").to_owned(),
        uuid_null("upload_id"),
        string_null("storage_key"),
        string_null("multipart_id"),
        big_integer_null("part_size_bytes"),
        timestamp_with_time_zone_null("completing_until"),
        boolean("assembled").default(false).to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("upload_sessions")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table("upload_sessions")
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
