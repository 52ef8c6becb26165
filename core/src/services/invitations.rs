//! Producer sign-up by invitation (single-seller mode): the operator makes a link for one
//! email address; signing up as a producer needs it, and it works once.

use chrono::{Duration, Utc};
use entity::producer_invitation;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::domain::Email;
use crate::{Error, Result};

/// Long enough to reach someone on holiday; short enough that a forgotten link dies.
const LIFETIME_DAYS: i64 = 14;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// A new invitation for `email`; returns the token, which only the link carries.
pub async fn create<C: ConnectionTrait>(conn: &C, email: &Email) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = Utc::now();
    producer_invitation::ActiveModel {
        token_sha256: Set(digest(&token)),
        email: Set(email.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(LIFETIME_DAYS)),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

fn refused() -> Error {
    Error::Forbidden(
        "producer accounts on this store are by invitation of its operator; ask them for an invitation link, or sign up as an artist"
            .into(),
    )
}

/// Whether `token` is a live invitation for `email`; it says nothing about whether an account
/// exists, so it can run before registration looks the address up.
pub async fn check<C: ConnectionTrait>(conn: &C, email: &Email, token: Option<&str>) -> Result<()> {
    let token = token.ok_or_else(refused)?;
    producer_invitation::Entity::find_by_id(digest(token))
        .one(conn)
        .await?
        .filter(|i| i.email == email.as_str() && i.used_at.is_none() && i.expires_at > Utc::now())
        .map(|_| ())
        .ok_or_else(refused)
}

/// Uses the invitation up, in the transaction that makes the account: of two sign-ups with
/// one link, one gets it.
pub async fn consume<C: ConnectionTrait>(conn: &C, email: &Email, token: &str) -> Result<()> {
    let taken = producer_invitation::Entity::update_many()
        .col_expr(
            producer_invitation::Column::UsedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(producer_invitation::Column::TokenSha256.eq(digest(token)))
        .filter(producer_invitation::Column::Email.eq(email.as_str()))
        .filter(producer_invitation::Column::UsedAt.is_null())
        .filter(producer_invitation::Column::ExpiresAt.gt(Utc::now()))
        .exec(conn)
        .await?;
    if taken.rows_affected == 1 {
        Ok(())
    } else {
        Err(refused())
    }
}
