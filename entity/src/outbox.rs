use sea_orm::entity::prelude::*;

/// One outgoing mail. Written in the same transaction as what causes it, sent by a
/// `send_mail` job; `state` is `queued`, `retrying`, `sent` or `dead` (with `last_error`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub recipient: String,
    /// Which message (`verify_email`, `password_reset`, `receipt`…); `payload` is its data.
    pub kind: String,
    pub payload: Json,
    /// Filled in when the message is rendered.
    pub subject: Option<String>,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub job_id: Option<Uuid>,
    /// A message that must be sent at most once (a purchase's receipt) carries a key.
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
