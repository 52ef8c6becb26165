//! Two-factor sign-in with a TOTP app (RFC 6238) and ten single-use recovery codes. Enrolment
//! shows the secret and its QR code, and takes effect once a code from the app confirms it;
//! turning it off takes a code too. A code is accepted once: the last time step used is kept,
//! and only a later step passes.

use chrono::Utc;
use entity::{recovery_code, two_factor, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Actor;
use crate::auth::{now_seconds, totp};
use crate::config::Config;
use crate::{Error, Result};

/// Whether signing in to `user_id` asks for a second factor. (The marketplace will require it
/// of producers who receive payouts.)
pub async fn two_factor_enabled<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<bool> {
    Ok(two_factor::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|t| t.enabled_at.is_some()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolment {
    /// The shared secret in base32, for typing into an app by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// The QR code of `otpauth_url`, as an SVG document (rendered by the server).
    pub qr_svg: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten codes, each good for one sign-in without the app. Shown once.
    pub recovery_codes: Vec<String>,
}

fn already_on() -> Error {
    Error::conflict(
        "two_factor_enabled",
        "two-factor sign-in is already on; turn it off first to enrol another app",
    )
}

/// Starts enrolment: a new secret (replacing an unconfirmed one), its URL and QR code.
pub async fn begin(db: &DatabaseConnection, config: &Config, actor: &Actor) -> Result<Enrolment> {
    let account = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("account"))?;
    let txn = crate::db::write_txn(db).await?;
    if let Some(existing) = two_factor::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?
    {
        if existing.enabled_at.is_some() {
            return Err(already_on());
        }
        two_factor::Entity::delete_by_id(actor.user_id)
            .exec(&txn)
            .await?;
    }
    let secret = totp::new_secret();
    two_factor::ActiveModel {
        user_id: Set(actor.user_id),
        secret: Set(secret.clone()),
        enabled_at: Set(None),
        last_step: Set(0),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let otpauth_url = totp::otpauth_url(&secret, &config.mail.store_name, &account.email)
        .ok_or_else(|| Error::Internal("building the otpauth URL".into()))?;
    let qr_svg =
        totp::qr_svg(&otpauth_url).ok_or_else(|| Error::Internal("drawing the QR code".into()))?;
    Ok(Enrolment {
        secret,
        otpauth_url,
        qr_svg,
    })
}

fn wrong_code() -> Error {
    Error::bad_request(
        "invalid_code",
        "that code is not right (or was already used); enter the one your app shows now",
    )
}

/// Takes the TOTP `code` for the step it matches, if that step is later than the last one
/// accepted. One conditional UPDATE: of two requests with the same code, one wins.
async fn take_step<C: ConnectionTrait>(
    conn: &C,
    row: &two_factor::Model,
    code: &str,
) -> Result<bool> {
    let Some(step) = totp::matching_step(&row.secret, code, now_seconds()) else {
        return Ok(false);
    };
    let step = step as i64;
    let taken = two_factor::Entity::update_many()
        .col_expr(two_factor::Column::LastStep, Expr::value(step))
        .filter(two_factor::Column::UserId.eq(row.user_id))
        .filter(two_factor::Column::LastStep.lt(step))
        .exec(conn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Confirms enrolment with a code from the app; answers the ten recovery codes (shown once).
pub async fn confirm(db: &DatabaseConnection, actor: &Actor, code: &str) -> Result<RecoveryCodes> {
    let txn = crate::db::write_txn(db).await?;
    let row = two_factor::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::conflict(
                "no_enrolment",
                "start enrolment first: there is no secret to confirm",
            )
        })?;
    if row.enabled_at.is_some() {
        return Err(already_on());
    }
    if !take_step(&txn, &row, code).await? {
        return Err(wrong_code());
    }
    two_factor::Entity::update_many()
        .col_expr(two_factor::Column::EnabledAt, Expr::value(Some(Utc::now())))
        .filter(two_factor::Column::UserId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    let codes = totp::new_recovery_codes();
    for code in &codes {
        recovery_code::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(actor.user_id),
            code_hash: Set(totp::recovery_code_hash(code)),
            used_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

/// Accepts a TOTP code or an unused recovery code for `user_id`, using it up.
pub async fn accept_code<C: ConnectionTrait>(conn: &C, user_id: Uuid, code: &str) -> Result<bool> {
    let Some(row) = two_factor::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .filter(|t| t.enabled_at.is_some())
    else {
        return Ok(false);
    };
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return take_step(conn, &row, &digits).await;
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(Utc::now())))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(totp::recovery_code_hash(code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Turns two-factor sign-in off; takes a code (from the app, or a recovery code).
pub async fn disable(db: &DatabaseConnection, actor: &Actor, code: &str) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    if !two_factor_enabled(&txn, actor.user_id).await? {
        return Err(Error::conflict(
            "two_factor_off",
            "two-factor sign-in is not on",
        ));
    }
    if !accept_code(&txn, actor.user_id, code).await? {
        return Err(wrong_code());
    }
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    two_factor::Entity::delete_by_id(actor.user_id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
