//! A payee's connected account: created once per user (an idempotency key per user at
//! Stripe, and a unique row here), onboarded through Stripe's hosted pages, and kept current
//! by `account.updated` on the Connect webhook.

use chrono::Utc;
use entity::{payout_account, stripe_event, user};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::config::Config;
use crate::domain::SellingMode;
use crate::jobs::PayAccrued;
use crate::payments::connect_events::{AccountFlags, ConnectEnvelope, ConnectEvent};
use crate::payments::{AccountRequest, PaymentProvider};
use crate::services::Actor;
use crate::services::commerce::payment_events::Applied;
use crate::{Error, Result};

/// Where to go to connect (or finish connecting) a payout account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Onboarding {
    /// Stripe's hosted onboarding (single use, short-lived: ask again for a fresh one). With
    /// the development payment provider, the store's own page: nothing to fill in.
    pub url: String,
    pub account_id: String,
    /// Made by the development payment provider: payouts are enabled at once and no money
    /// ever moves.
    pub simulated: bool,
    pub payouts_enabled: bool,
}

pub async fn of_user<C: ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
) -> Result<Option<payout_account::Model>> {
    Ok(payout_account::Entity::find_by_id(user_id)
        .one(conn)
        .await?)
}

/// The payee's account, created at the provider the first time. Two calls at once both ask
/// the provider under the same key (so it makes one account) and the row is inserted once.
async fn account_of(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    actor: &Actor,
) -> Result<payout_account::Model> {
    if let Some(existing) = of_user(db, actor.user_id).await? {
        return Ok(existing);
    }
    let email = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("account"))?
        .email;
    let made = payments
        .create_account(AccountRequest {
            user_id: actor.user_id,
            email,
            idempotency_key: format!("trackout-account-{}", actor.user_id),
        })
        .await?;
    let now = Utc::now();
    payout_account::Entity::insert(payout_account::ActiveModel {
        user_id: Set(actor.user_id),
        stripe_account_id: Set(made.id.clone()),
        charges_enabled: Set(made.charges_enabled),
        payouts_enabled: Set(made.payouts_enabled),
        details_submitted: Set(made.details_submitted),
        simulated: Set(made.simulated),
        status_event_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(payout_account::Column::UserId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let stored = of_user(db, actor.user_id)
        .await?
        .ok_or_else(|| Error::Internal("a payout account row vanished".into()))?;
    if stored.stripe_account_id != made.id {
        // Only possible once Stripe forgot the key (after 24 h): the first account stays ours.
        tracing::warn!(kept = %stored.stripe_account_id, extra = %made.id, "a second connected account was made for one payee; it is unused");
    }
    Ok(stored)
}

/// `POST /payouts/onboarding`: the payee's Express account (made once) and a fresh link to
/// Stripe's onboarding for it. A marketplace only: on a single-seller store every sale is the
/// operator's own.
pub async fn onboard(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    config: &Config,
    actor: &Actor,
) -> Result<Onboarding> {
    if config.commerce.selling != SellingMode::Marketplace {
        return Err(Error::conflict(
            "not_a_marketplace",
            "this store sells as a single seller: sales are the operator's own and nobody is paid out",
        ));
    }
    crate::services::verification::require_verified(db, actor.user_id).await?;
    let account = account_of(db, payments, actor).await?;
    let base = format!("{}/payouts", config.public_url());
    let url = payments
        .onboarding_link(
            &account.stripe_account_id,
            format!("{base}?onboarding=refresh"),
            format!("{base}?onboarding=done"),
        )
        .await?;
    Ok(Onboarding {
        url,
        account_id: account.stripe_account_id,
        simulated: account.simulated,
        payouts_enabled: account.payouts_enabled,
    })
}

/// Applies one verified Connect event exactly once. An account we do not know (another
/// platform's test, one made outside the store) is acknowledged and ignored; an event older
/// than the one that last set the flags changes nothing. Payouts becoming enabled pays what
/// accrued, by a job enqueued in the same transaction.
pub async fn apply(db: &DatabaseConnection, envelope: &ConnectEnvelope) -> Result<Applied> {
    let txn = crate::db::write_txn(db).await?;
    let recorded = stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(envelope.id.clone()),
        event_type: Set(envelope.event_type.clone()),
        received_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(stripe_event::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if recorded == 0 {
        return Ok(Applied::Replayed);
    }
    if let ConnectEvent::AccountUpdated { account, flags } = &envelope.event {
        update_flags(&txn, account, *flags, envelope.created).await?;
    }
    txn.commit().await?;
    Ok(Applied::Done)
}

async fn update_flags(
    txn: &sea_orm::DatabaseTransaction,
    account: &str,
    flags: AccountFlags,
    created: i64,
) -> Result<()> {
    let Some(row) = payout_account::Entity::find()
        .filter(payout_account::Column::StripeAccountId.eq(account))
        .one(txn)
        .await?
    else {
        tracing::info!(
            account,
            "account.updated for an account that is not ours; ignored"
        );
        return Ok(());
    };
    // Same second: the later delivery wins (Stripe's `created` has no finer grain).
    let updated = payout_account::Entity::update_many()
        .col_expr(
            payout_account::Column::ChargesEnabled,
            Expr::value(flags.charges_enabled),
        )
        .col_expr(
            payout_account::Column::PayoutsEnabled,
            Expr::value(flags.payouts_enabled),
        )
        .col_expr(
            payout_account::Column::DetailsSubmitted,
            Expr::value(flags.details_submitted),
        )
        .col_expr(payout_account::Column::StatusEventAt, Expr::value(created))
        .col_expr(payout_account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payout_account::Column::UserId.eq(row.user_id))
        .filter(
            sea_orm::Condition::any()
                .add(payout_account::Column::StatusEventAt.is_null())
                .add(payout_account::Column::StatusEventAt.lte(created)),
        )
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        tracing::info!(account, created, stored = ?row.status_event_at, "a stale account.updated; ignored");
        return Ok(());
    }
    if flags.payouts_enabled {
        crate::queue::enqueue(
            txn,
            &PayAccrued {
                payee_id: row.user_id,
            },
        )
        .await?;
    }
    Ok(())
}
