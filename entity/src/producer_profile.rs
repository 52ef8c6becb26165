use sea_orm::entity::prelude::*;

/// A producer's public page: `/p/<handle>`, with a bio and links.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "producer_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Lower-case, unique.
    #[sea_orm(unique)]
    pub handle: String,
    pub bio: String,
    /// `[{"url": "https://…"}]`, as `ProfileLink`s.
    pub links: Option<Json>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
