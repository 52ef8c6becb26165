use sea_orm::entity::prelude::*;

/// A file made for one purchase: its license (PDF, text) and personalized bundle.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub purchase_id: Uuid,
    /// `license_pdf`, `license_txt` or `bundle`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub storage_key: String,
    /// Size of the whole file as the buyer receives it.
    pub size_bytes: i64,
    pub sha256: String,
    /// When set, the file is `prefix_key[..prefix_bytes]` followed by `storage_key`.
    pub prefix_bytes: i64,
    pub prefix_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
