//! `GET /payouts`: a payee's connection and what the ledger says they were owed, paid and
//! had taken back, with a line per item sold.

use std::collections::BTreeMap;

use entity::{ledger_entry, purchase};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Result;
use crate::config::CommerceConfig;
use crate::domain::{LedgerKind, SellingMode};
use crate::services::Actor;
use crate::services::commerce::ledger;

#[derive(Debug, Serialize, ToSchema)]
pub struct Connection {
    pub account_id: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// Made by the development payment provider: no Stripe account, no money.
    pub simulated: bool,
}

/// Where one (order, payee) share stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    /// Owed: waiting for an account with payouts enabled.
    Owed,
    /// Owed, and Stripe refused the transfer for good: see `error`.
    Failed,
    /// Sent (or simulated by the development provider).
    Paid,
    /// Refunded or lost to a dispute after it was sent: the reversal is on its way.
    Reversing,
    /// Sent, then taken back.
    Reversed,
    /// Refunded before anything was sent: nothing is owed any more.
    Cancelled,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutLine {
    pub order_id: Uuid,
    pub purchase_id: Uuid,
    pub beat_id: Uuid,
    pub beat_title: String,
    pub tier: String,
    /// What the buyer paid for the item.
    pub amount_cents: i64,
    /// The store's cut of your share of it.
    pub fee_cents: i64,
    /// Your share, less the fee.
    pub net_cents: i64,
    pub currency: String,
    pub state: PayoutState,
    /// The order's transfer to you (one per order, for all its items).
    pub transfer_id: Option<String>,
    pub reversal_id: Option<String>,
    pub error: Option<String>,
    pub simulated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Payouts {
    pub selling: SellingMode,
    /// Payees are paid through Stripe Connect (a marketplace with Stripe keys); otherwise
    /// the development provider simulates every transfer.
    pub stripe_connect: bool,
    /// Absent until you start onboarding.
    pub account: Option<Connection>,
    pub currency: String,
    /// Owed to you and not sent yet.
    pub owed_cents: i64,
    /// Sent to you, before reversals.
    pub paid_cents: i64,
    /// Taken back from what was sent (refunds and lost disputes), as a positive amount.
    pub reversed_cents: i64,
    /// Every item sold that you had a share of, newest order first.
    pub sales: Vec<PayoutLine>,
}

fn state_of(paid: &ledger_entry::Model, reversal: Option<&ledger_entry::Model>) -> PayoutState {
    let sent = LedgerKind::Transfer.is(&paid.kind);
    match (sent, reversal) {
        (false, Some(_)) => PayoutState::Cancelled,
        (false, None) if paid.payout_error.is_some() => PayoutState::Failed,
        (false, None) => PayoutState::Owed,
        (true, None) => PayoutState::Paid,
        (true, Some(r)) if r.reversal_id.is_some() => PayoutState::Reversed,
        (true, Some(_)) => PayoutState::Reversing,
    }
}

pub async fn for_payee(
    db: &DatabaseConnection,
    commerce: &CommerceConfig,
    actor: &Actor,
) -> Result<Payouts> {
    let account = super::accounts::of_user(db, actor.user_id).await?;
    let entries = ledger::entries_of(db, actor.user_id).await?;
    // (order) -> (the share's row, its reversal)
    let mut per_order: BTreeMap<Uuid, (Option<ledger_entry::Model>, Option<ledger_entry::Model>)> =
        BTreeMap::new();
    for e in entries {
        let slot = per_order.entry(e.order_id).or_default();
        if LedgerKind::Reversal.is(&e.kind) {
            slot.1 = Some(e);
        } else {
            slot.0 = Some(e);
        }
    }
    let (mut owed, mut paid, mut reversed) = (0, 0, 0);
    let mut rows = Vec::new();
    let purchases = purchase::Entity::find()
        .filter(purchase::Column::OrderId.is_in(per_order.keys().copied().collect::<Vec<_>>()))
        .order_by_desc(purchase::Column::OrderId)
        .order_by_asc(purchase::Column::Id)
        .all(db)
        .await?;
    for (share, reversal) in per_order.values() {
        let Some(share) = share else { continue };
        let state = state_of(share, reversal.as_ref());
        match state {
            PayoutState::Owed | PayoutState::Failed => owed += share.amount_cents,
            PayoutState::Paid => paid += share.amount_cents,
            PayoutState::Reversing | PayoutState::Reversed => {
                paid += share.amount_cents;
                reversed += share.amount_cents;
            }
            PayoutState::Cancelled => {}
        }
        rows.push((share, reversal, state));
    }
    let mut sales = Vec::new();
    for p in &purchases {
        let order = ledger::order_of(p);
        let Some((share, reversal, state)) = rows.iter().find(|(s, _, _)| s.order_id == order)
        else {
            continue;
        };
        let title = entity::beat::Entity::find_by_id(p.beat_id)
            .one(db)
            .await?
            .map(|b| b.title)
            .unwrap_or_else(|| p.beat_title.clone());
        for mine in ledger::split(db, commerce, p)
            .await?
            .into_iter()
            .filter(|s| s.payee == actor.user_id)
        {
            sales.push(PayoutLine {
                order_id: order,
                purchase_id: p.id,
                beat_id: p.beat_id,
                beat_title: title.clone(),
                tier: p.tier_kind.clone(),
                amount_cents: p.amount_paid_cents.unwrap_or(p.price_cents),
                fee_cents: mine.fee_cents,
                net_cents: mine.net_cents,
                currency: p.currency.clone(),
                state: *state,
                transfer_id: share.transfer_id.clone(),
                reversal_id: reversal.as_ref().and_then(|r| r.reversal_id.clone()),
                error: share
                    .payout_error
                    .clone()
                    .or_else(|| reversal.as_ref().and_then(|r| r.payout_error.clone())),
                simulated: share.simulated,
            });
        }
    }
    Ok(Payouts {
        selling: commerce.selling,
        stripe_connect: commerce.uses_connect(),
        account: account.map(|a| Connection {
            account_id: a.stripe_account_id,
            charges_enabled: a.charges_enabled,
            payouts_enabled: a.payouts_enabled,
            details_submitted: a.details_submitted,
            simulated: a.simulated,
        }),
        currency: commerce.currency.clone(),
        owed_cents: owed,
        paid_cents: paid,
        reversed_cents: reversed,
        sales,
    })
}
