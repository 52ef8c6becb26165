//! Forgot, reset and change a password. Forgetting answers the same for every email; a reset
//! link works once, for 30 minutes; a reset or a change ends every other session.

use chrono::Utc;
use entity::user;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Actor;
use super::account_tokens::{self, Mailed};
use super::accounts::{Ctx, find_by_email};
use super::verification::mark_verified;
use crate::auth::TokenKind;
use crate::domain::{Email, Password};
use crate::mail::{self, Mail};
use crate::{Error, Result};

/// Mails a reset link to the account of `email`, if there is one; nothing otherwise. The
/// caller answers `202` either way and should not wait for this (so that timing says nothing
/// either): it is a lookup, then a few inserts only when the account exists.
pub async fn forgot(ctx: Ctx<'_>, email: &str) -> Result<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(user) = find_by_email(ctx.db, &email).await? else {
        return Ok(());
    };
    let txn = crate::db::write_txn(ctx.db).await?;
    let token = account_tokens::create(&txn, user.id, Mailed::PasswordReset, None).await?;
    mail::enqueue(
        &txn,
        &user.email,
        &Mail::PasswordReset {
            user_id: user.id,
            token_id: token.id,
        },
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn set_password(
    ctx: Ctx<'_>,
    user_id: uuid::Uuid,
    hash: String,
    keep_session: Option<uuid::Uuid>,
    txn: &sea_orm::DatabaseTransaction,
) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    ctx.sessions.revoke_all(txn, user_id, keep_session).await?;
    let user = user::Entity::find_by_id(user_id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound("account"))?;
    let minute = Utc::now().format("%Y%m%d%H%M");
    mail::enqueue(
        txn,
        &user.email,
        &Mail::PasswordChanged { user_id },
        Some(format!("password_changed:{user_id}:{minute}")),
    )
    .await?;
    Ok(())
}

/// Sets a new password with a reset link's token, once. Every session of the account ends
/// (whoever knew the old password is out), older reset links stop working, and the address
/// counts as proven (the link came through it).
pub async fn reset(ctx: Ctx<'_>, token: &str, password: Password) -> Result<()> {
    // Refuse a token that is not even a reset token before spending a hash on it.
    if ctx
        .tokens
        .verify_bearer(TokenKind::PasswordReset, token.trim())
        .is_err()
    {
        let txn = crate::db::write_txn(ctx.db).await?;
        return account_tokens::consume(&txn, ctx.tokens, Mailed::PasswordReset, token)
            .await
            .map(|_| ());
    }
    let hash = ctx.hasher.hash(password).await?;
    let txn = crate::db::write_txn(ctx.db).await?;
    let row = account_tokens::consume(&txn, ctx.tokens, Mailed::PasswordReset, token).await?;
    account_tokens::void_all(&txn, row.user_id, Mailed::PasswordReset).await?;
    mark_verified(&txn, row.user_id).await?;
    set_password(ctx, row.user_id, hash, None, &txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Changes the password of the signed-in account (the current one must be given, unless the
/// account has none yet); every other session ends, this one stays.
pub async fn change(
    ctx: Ctx<'_>,
    actor: &Actor,
    current_session: uuid::Uuid,
    current_password: Option<String>,
    new_password: Password,
) -> Result<()> {
    let user = user::Entity::find_by_id(actor.user_id)
        .one(ctx.db)
        .await?
        .ok_or(Error::NotFound("account"))?;
    if !user.password_hash.is_empty() {
        let given = current_password.unwrap_or_default();
        if !ctx.hasher.verify(given, Some(user.password_hash)).await? {
            return Err(Error::bad_request(
                "wrong_password",
                "the current password is not right",
            ));
        }
    }
    let hash = ctx.hasher.hash(new_password).await?;
    let txn = crate::db::write_txn(ctx.db).await?;
    set_password(ctx, actor.user_id, hash, Some(current_session), &txn).await?;
    txn.commit().await?;
    Ok(())
}
