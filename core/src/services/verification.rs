//! Proving an email address. Unverified accounts browse and buy; publishing needs it.

use chrono::Utc;
use entity::user;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Actor;
use super::account_tokens::{self, Mailed};
use crate::auth::Tokens;
use crate::{Error, Result};

/// Marks the address of `user_id` proven (a verification link, a reset or a claim prove it).
/// A collaborator's shares follow the proven address to the account.
pub(crate) async fn mark_verified<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<()> {
    let proven = user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(Some(Utc::now())))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(conn)
        .await?;
    if proven.rows_affected == 1
        && let Some(u) = user::Entity::find_by_id(user_id).one(conn).await?
    {
        super::commerce::splits::link_email(conn, user_id, &u.email).await?;
    }
    Ok(())
}

/// `POST /auth/verify`: uses the link's token (once) and marks the address proven.
pub async fn verify(db: &DatabaseConnection, tokens: &Tokens, token: &str) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    let row = account_tokens::consume(&txn, tokens, Mailed::VerifyEmail, token).await?;
    mark_verified(&txn, row.user_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Sends a new verification link, unless the address is proven already.
pub async fn resend(db: &DatabaseConnection, actor: &Actor) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    let user = user::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("account"))?;
    if user.email_verified_at.is_none() {
        super::accounts::send_verification(&txn, &user).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Refuses with `409 email_unverified` unless the account's address is proven. Publishing
/// calls this.
pub async fn require_verified<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<()> {
    let verified = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .is_some_and(|u| u.email_verified_at.is_some());
    if verified {
        Ok(())
    } else {
        Err(Error::conflict(
            "email_unverified",
            "confirm your email address before publishing: follow the link we mailed you (or ask for a new one from your account page)",
        ))
    }
}

/// For tests and the benchmark's seeding: the address counts as proven, without a mail.
pub async fn mark_verified_without_mail(db: &DatabaseConnection, user_id: Uuid) -> Result<()> {
    mark_verified(db, user_id).await
}
