//! Tokens mailed to an account: a signed token of its own kind (own audience, own key) that
//! names a row; using it marks the row used, once. Expired, used, tampered and other kinds of
//! token are refused with a code saying which.

use chrono::{Duration, Utc};
use entity::account_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::auth::{TokenError, TokenKind, Tokens};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailed {
    VerifyEmail,
    PasswordReset,
    Claim,
}

impl Mailed {
    pub fn as_str(self) -> &'static str {
        match self {
            Mailed::VerifyEmail => "verify_email",
            Mailed::PasswordReset => "password_reset",
            Mailed::Claim => "claim",
        }
    }

    pub fn token_kind(self) -> TokenKind {
        match self {
            Mailed::VerifyEmail => TokenKind::VerifyEmail,
            Mailed::PasswordReset => TokenKind::PasswordReset,
            Mailed::Claim => TokenKind::Claim,
        }
    }

    /// A reset is a key to the account: half an hour. The others prove an inbox and can wait.
    pub fn lifetime(self) -> Duration {
        match self {
            Mailed::VerifyEmail => Duration::days(3),
            Mailed::PasswordReset => Duration::minutes(30),
            Mailed::Claim => Duration::days(7),
        }
    }
}

/// A new token row for `user_id`, in the caller's transaction.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
    kind: Mailed,
    purchase_id: Option<Uuid>,
) -> Result<account_token::Model> {
    let now = Utc::now();
    Ok(account_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        purchase_id: Set(purchase_id),
        created_at: Set(now),
        expires_at: Set(now + kind.lifetime()),
        used_at: Set(None),
    }
    .insert(conn)
    .await?)
}

fn invalid() -> Error {
    Error::bad_request("link_invalid", "this link is not valid; ask for a new one")
}

/// Checks `token` as a `kind` token and uses it up, in the caller's transaction. Exactly one
/// of any number of concurrent uses succeeds.
pub async fn consume<C: ConnectionTrait>(
    conn: &C,
    tokens: &Tokens,
    kind: Mailed,
    token: &str,
) -> Result<account_token::Model> {
    let claims = tokens
        .verify_bearer(kind.token_kind(), token.trim())
        .map_err(|e| match e {
            TokenError::Expired => expired(),
            TokenError::Invalid => invalid(),
        })?;
    let row = account_token::Entity::find_by_id(claims.jti)
        .one(conn)
        .await?
        .filter(|r| r.kind == kind.as_str() && r.user_id == claims.sub)
        .ok_or_else(invalid)?;
    if row.used_at.is_some() {
        return Err(used());
    }
    let now = Utc::now();
    if row.expires_at <= now {
        return Err(expired());
    }
    let taken = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(used());
    }
    Ok(row)
}

fn expired() -> Error {
    Error::bad_request("link_expired", "this link has expired; ask for a new one")
}

fn used() -> Error {
    Error::bad_request(
        "link_used",
        "this link has already been used; ask for a new one if you need to",
    )
}

/// Every unused token of `kind` for the account stops working (a reset makes older reset
/// links void).
pub async fn void_all<C: ConnectionTrait>(conn: &C, user_id: Uuid, kind: Mailed) -> Result<()> {
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(Utc::now())))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Kind.eq(kind.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
