//! Signing up and signing in. Registration answers the same whether or not the email already
//! has an account (the owner of an existing one is mailed instead), so it cannot be used to
//! learn who shops here; it no longer signs in: the client logs in next.

use chrono::Utc;
use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account_tokens::{self, Mailed};
use super::sessions::{Client, SessionStore};
use super::{Actor, UserView, invitations, two_factor};
use crate::auth::{PasswordHasher, TokenKind, Tokens, now_seconds};
use crate::config::Config;
use crate::domain::{DisplayName, Email, Password, Role};
use crate::mail::{self, Mail};
use crate::{Error, Result};

/// How long the step between a right password and the second factor may take.
pub const SECOND_FACTOR_SECONDS: u64 = 5 * 60;

/// What the account services work with.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a DatabaseConnection,
    pub tokens: &'a Tokens,
    pub hasher: &'a PasswordHasher,
    pub sessions: &'a SessionStore,
    pub config: &'a Config,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    #[schema(value_type = String, example = "metro@example.com")]
    pub email: Email,
    #[schema(value_type = String, min_length = 10)]
    pub password: Password,
    #[schema(value_type = String, example = "Metro")]
    pub display_name: DisplayName,
    #[schema(value_type = String, example = "producer")]
    pub role: Role,
    /// The operator's invitation token: a producer needs one on a single-seller store.
    #[serde(default)]
    pub invitation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: u64,
    pub user: UserView,
}

/// A right password opens a session, or, with two-factor on, asks for the code first.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    SignedIn(SignedIn),
    SecondFactor {
        pending_token: String,
        expires_at: u64,
    },
}

/// The account as its owner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    #[serde(flatten)]
    pub user: UserView,
    pub two_factor_enabled: bool,
    /// False for an account made by a guest checkout, until a password is chosen.
    pub has_password: bool,
}

pub(crate) fn view(u: user::Model) -> Result<UserView> {
    Ok(UserView {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        role: Role::parse(&u.role)?,
        email_verified: u.email_verified_at.is_some(),
        created_at: u.created_at,
    })
}

pub(crate) async fn find_by_email<C: ConnectionTrait>(
    conn: &C,
    email: &Email,
) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?)
}

/// Signs up. Whatever the email, the answer is the same and takes about as long (one password
/// hash, a few inserts): a new address gets its account and a verification mail; an address
/// that has an account gets a mail telling its owner someone tried, and nothing else changes.
pub async fn register(ctx: Ctx<'_>, r: Registration) -> Result<()> {
    let invited = r.role == Role::Producer
        && ctx.config.commerce.selling == crate::domain::SellingMode::SingleSeller;
    if invited {
        invitations::check(ctx.db, &r.email, r.invitation.as_deref()).await?;
    }
    match find_by_email(ctx.db, &r.email).await? {
        Some(existing) => {
            ctx.hasher.waste(r.password).await?;
            signup_attempt(ctx, &existing).await
        }
        None => {
            let password_hash = ctx.hasher.hash(r.password).await?;
            let txn = crate::db::write_txn(ctx.db).await?;
            let inserted = user::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(r.email.as_str().to_owned()),
                password_hash: Set(password_hash),
                display_name: Set(r.display_name.as_str().to_owned()),
                role: Set(r.role.as_str().to_owned()),
                created_at: Set(Utc::now()),
                email_verified_at: Set(None),
            }
            .insert(&txn)
            .await;
            let row = match inserted.map_err(Error::from) {
                Ok(row) => row,
                // Another sign-up with the same email won the race: it is an existing account.
                Err(Error::Conflict { .. }) => {
                    drop(txn);
                    let existing = find_by_email(ctx.db, &r.email)
                        .await?
                        .ok_or_else(|| Error::Internal("a conflicting account vanished".into()))?;
                    return signup_attempt(ctx, &existing).await;
                }
                Err(e) => return Err(e),
            };
            if invited && let Some(token) = &r.invitation {
                invitations::consume(&txn, &r.email, token).await?;
            }
            send_verification(&txn, &row).await?;
            txn.commit().await?;
            Ok(())
        }
    }
}

/// A verification link for `user`, in the caller's transaction.
pub(crate) async fn send_verification<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
) -> Result<()> {
    let token = account_tokens::create(conn, user.id, Mailed::VerifyEmail, None).await?;
    mail::enqueue(
        conn,
        &user.email,
        &Mail::VerifyEmail {
            user_id: user.id,
            token_id: token.id,
        },
        None,
    )
    .await?;
    Ok(())
}

async fn signup_attempt(ctx: Ctx<'_>, existing: &user::Model) -> Result<()> {
    let txn = crate::db::write_txn(ctx.db).await?;
    // At most one such mail an hour per account, however often someone tries.
    let hour = Utc::now().format("%Y%m%d%H");
    mail::enqueue(
        &txn,
        &existing.email,
        &Mail::SignupAttempt {
            user_id: existing.id,
        },
        Some(format!("signup_attempt:{}:{hour}", existing.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn invalid_credentials() -> Error {
    Error::unauthorized(
        "invalid_credentials",
        "that email and password do not match an account",
    )
}

/// Opens a session for `user` (after every factor it needs).
pub(crate) async fn open_session(
    ctx: Ctx<'_>,
    user: user::Model,
    client: &Client,
) -> Result<SignedIn> {
    let role = Role::parse(&user.role)?;
    let session = ctx
        .sessions
        .create(ctx.db, ctx.tokens, user.id, role, client)
        .await?;
    Ok(SignedIn {
        token: session.token,
        expires_at: session.expires_at,
        user: view(user)?,
    })
}

/// The password step of signing in, then the second factor if the account has one.
pub(crate) async fn after_first_factor(
    ctx: Ctx<'_>,
    user: user::Model,
    client: &Client,
) -> Result<LoginOutcome> {
    if two_factor::two_factor_enabled(ctx.db, user.id).await? {
        let now = now_seconds();
        let expires_at = now + SECOND_FACTOR_SECONDS;
        let pending_token = ctx.tokens.issue_bearer(
            TokenKind::TwoFactorPending,
            user.id,
            Uuid::new_v4(),
            now,
            expires_at,
        );
        return Ok(LoginOutcome::SecondFactor {
            pending_token,
            expires_at,
        });
    }
    Ok(LoginOutcome::SignedIn(
        open_session(ctx, user, client).await?,
    ))
}

/// Signs in with a password. An unknown email, an account without a password and a wrong
/// password are told apart neither by the answer nor by its timing (one hash each).
pub async fn login(
    ctx: Ctx<'_>,
    email: &str,
    password: String,
    client: &Client,
) -> Result<LoginOutcome> {
    // A malformed email cannot belong to an account; answer exactly as for a wrong password.
    let found = match Email::parse(email) {
        Ok(email) => find_by_email(ctx.db, &email).await?,
        Err(_) => None,
    };
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    let matches = ctx.hasher.verify(password, stored).await?;
    match found {
        Some(user) if matches => after_first_factor(ctx, user, client).await,
        _ => Err(invalid_credentials()),
    }
}

/// The account a second-factor step is for, if the token is one (for rate limits).
pub fn pending_account(tokens: &Tokens, pending_token: &str) -> Option<Uuid> {
    tokens
        .verify_bearer(TokenKind::TwoFactorPending, pending_token)
        .ok()
        .map(|c| c.sub)
}

/// The second step of signing in: the code from the authenticator app, or a recovery code.
pub async fn login_second_factor(
    ctx: Ctx<'_>,
    pending_token: &str,
    code: &str,
    client: &Client,
) -> Result<SignedIn> {
    let claims = ctx
        .tokens
        .verify_bearer(TokenKind::TwoFactorPending, pending_token)
        .map_err(|_| {
            Error::unauthorized(
                "second_factor_expired",
                "the sign-in took too long; enter your email and password again",
            )
        })?;
    let user = user::Entity::find_by_id(claims.sub)
        .one(ctx.db)
        .await?
        .ok_or_else(invalid_credentials)?;
    if !two_factor::accept_code(ctx.db, user.id, code).await? {
        return Err(Error::unauthorized(
            "invalid_code",
            "that code is not right (or was already used); try the current one",
        ));
    }
    open_session(ctx, user, client).await
}

pub async fn me(db: &DatabaseConnection, actor: &Actor) -> Result<AccountView> {
    let user = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::unauthorized("account_gone", "this account no longer exists"))?;
    let two_factor_enabled = two_factor::two_factor_enabled(db, user.id).await?;
    let has_password = !user.password_hash.is_empty();
    Ok(AccountView {
        user: view(user)?,
        two_factor_enabled,
        has_password,
    })
}

/// Ends the session this request is made with.
pub async fn logout(ctx: Ctx<'_>, actor: &Actor, sid: Uuid) -> Result<()> {
    ctx.sessions.revoke(ctx.db, actor.user_id, sid).await
}

/// Ends every session of the account, this one included.
pub async fn logout_all(ctx: Ctx<'_>, actor: &Actor) -> Result<()> {
    ctx.sessions.revoke_all(ctx.db, actor.user_id, None).await
}
