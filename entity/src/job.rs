use sea_orm::entity::prelude::*;

/// A background job. Scheduling columns are Unix milliseconds so that lease comparisons are
/// plain integer comparisons on both SQLite and PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub payload: Json,
    /// `queued`, `running`, `done`, `dead` or `superseded`.
    pub state: String,
    pub attempts: i32,
    pub run_at_ms: i64,
    pub locked_by: Option<String>,
    pub locked_until_ms: Option<i64>,
    pub last_error: Option<String>,
    /// The beat the job works for, so a producer can see its progress. Not a foreign key: a
    /// job may outlive its beat (purging a deleted beat's files).
    pub beat_id: Option<Uuid>,
    /// Jobs doing the same work for the same beat share this key; enqueueing one supersedes
    /// the others still queued or running.
    pub supersede_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
