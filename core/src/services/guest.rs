//! Buying without an account. The purchase belongs to the account of the email given: a new
//! one without a password (unverified), or the one that address already has; the answer is
//! the same either way. The receipt carries a claim link that signs the buyer in, so nobody
//! needs a password to get the stems.

use chrono::Utc;
use entity::{guest_checkout, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Actor;
use super::account_tokens::{self, Mailed};
use super::accounts::{Ctx, LoginOutcome, after_first_factor, find_by_email};
use super::commerce::checkout::{self, CheckoutBody, CheckoutStarted};
use super::sessions::Client;
use super::verification::mark_verified;
use crate::domain::{DisplayName, Email, Role};
use crate::payments::PaymentProvider;
use crate::{Error, Result};

/// How long a guest's pay-page link works.

#[derive(Debug, Deserialize, ToSchema)]
pub struct GuestCheckout {
    /// What is bought: one item or a cart.
    #[serde(flatten)]
    pub checkout: CheckoutBody,
    /// Where the receipt and the claim link go.
    #[schema(value_type = String, example = "luna@example.com")]
    pub email: Email,
    /// The name the license is made out to (defaults to the account's name).
    pub name: Option<String>,
}

fn default_name(email: &Email) -> DisplayName {
    let local = email.as_str().split('@').next().unwrap_or_default();
    DisplayName::parse(local)
        .or_else(|_| DisplayName::parse("Guest"))
        .expect("a fixed name parses")
}

/// The account of `email`, made now (no password, unverified) if there is none.
async fn account_for(ctx: Ctx<'_>, email: &Email, name: &DisplayName) -> Result<user::Model> {
    if let Some(existing) = find_by_email(ctx.db, email).await? {
        return Ok(existing);
    }
    let created = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(String::new()),
        display_name: Set(name.as_str().to_owned()),
        role: Set(Role::Artist.as_str().to_owned()),
        created_at: Set(Utc::now()),
        email_verified_at: Set(None),
    }
    .insert(ctx.db)
    .await;
    match created.map_err(Error::from) {
        Ok(row) => Ok(row),
        // Made by a concurrent checkout or sign-up a moment ago.
        Err(Error::Conflict { .. }) => find_by_email(ctx.db, email)
            .await?
            .ok_or_else(|| Error::Internal("a conflicting account vanished".into())),
        Err(e) => Err(e),
    }
}

/// Starts a guest checkout, for the account of `email` (made passwordless if there is none).
pub async fn start(
    ctx: Ctx<'_>,
    payments: &dyn PaymentProvider,
    body: GuestCheckout,
) -> Result<CheckoutStarted> {
    let name = match body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(name) => Some(DisplayName::parse(name).map_err(Error::from)?),
        None => None,
    };
    let fallback = default_name(&body.email);
    let account = account_for(ctx, &body.email, name.as_ref().unwrap_or(&fallback)).await?;
    let actor = Actor {
        user_id: account.id,
        role: Role::parse(&account.role)?,
    };
    let started = checkout::open(ctx.db, payments, ctx.config, &actor, body.checkout).await?;
    for purchase_id in &started.purchase_ids {
        guest_checkout::ActiveModel {
            purchase_id: Set(*purchase_id),
            user_id: Set(account.id),
            created_at: Set(Utc::now()),
        }
        .insert(ctx.db)
        .await?;
    }
    if let Some(name) = name {
        rename_buyer(ctx, started.purchase_id, name.as_str()).await?;
    }
    checkout::settle_free(ctx.db, ctx.config, &started).await?;
    Ok(started)
}

/// The licenses of the order name whom the guest said they are for.
async fn rename_buyer(ctx: Ctx<'_>, purchase_id: Uuid, name: &str) -> Result<()> {
    entity::purchase::Entity::update_many()
        .col_expr(
            entity::purchase::Column::BuyerName,
            Expr::value(name.to_owned()),
        )
        .filter(entity::purchase::Column::OrderId.eq(purchase_id))
        .exec(ctx.db)
        .await?;
    Ok(())
}

#[derive(Debug)]
pub struct Claimed {
    pub outcome: LoginOutcome,
    pub purchase_id: Option<Uuid>,
}

/// `POST /auth/claim`: the receipt's link, used once, signs its holder in to the account the
/// purchase belongs to (asking for the second factor if the account has one) and proves the
/// address.
pub async fn claim(ctx: Ctx<'_>, token: &str, client: &Client) -> Result<Claimed> {
    let txn = crate::db::write_txn(ctx.db).await?;
    let row = account_tokens::consume(&txn, ctx.tokens, Mailed::Claim, token).await?;
    mark_verified(&txn, row.user_id).await?;
    txn.commit().await?;
    let user = user::Entity::find_by_id(row.user_id)
        .one(ctx.db)
        .await?
        .ok_or(Error::NotFound("account"))?;
    Ok(Claimed {
        outcome: after_first_factor(ctx, user, client).await?,
        purchase_id: row.purchase_id,
    })
}
