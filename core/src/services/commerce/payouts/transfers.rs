//! Moving the ledger's money at Stripe (separate charges and transfers). An accrual becomes a
//! Transfer from the order's charge to the payee's account once that account takes payouts;
//! a reversal row written by a refund or lost dispute becomes a Transfer Reversal. Every
//! Stripe call carries the row's idempotency key, so a retry, a replayed webhook or two jobs
//! at once move money once. Transient failures go back to the job runner (it retries);
//! a refusal that no retry can fix is written on the row for the payee and operator to see.

use std::collections::HashMap;

use entity::{ledger_entry, payout_account, purchase};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::Result;
use crate::domain::LedgerKind;
use crate::jobs::ReverseTransfers;
use crate::payments::{PaymentError, PaymentProvider, ReversalRequest, TransferRequest};
use crate::services::commerce::ledger::reversal_key;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub transferred: usize,
    /// Left accrued: no account with payouts enabled yet.
    pub waiting: usize,
    /// Refused by Stripe for good; the reason is on the row.
    pub refused: usize,
}

async fn reversed<C: ConnectionTrait>(conn: &C, order: Uuid, payee: Uuid) -> Result<bool> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::IdempotencyKey.eq(reversal_key(order, payee)))
        .one(conn)
        .await?
        .is_some())
}

/// Accruals at Stripe, oldest first, that no refund has cancelled.
async fn accruals(
    db: &DatabaseConnection,
    filter: sea_orm::Condition,
) -> Result<Vec<ledger_entry::Model>> {
    let rows = ledger_entry::Entity::find()
        .filter(filter)
        .filter(ledger_entry::Column::Kind.eq(LedgerKind::Accrual.as_str()))
        .filter(ledger_entry::Column::Simulated.eq(false))
        .order_by_asc(ledger_entry::Column::CreatedAt)
        .all(db)
        .await?;
    let mut open = Vec::with_capacity(rows.len());
    for row in rows {
        if !reversed(db, row.order_id, row.payee_id).await? {
            open.push(row);
        }
    }
    Ok(open)
}

/// Pays the accrued shares of one order whose payees can be paid (the `PayPayees` job, after
/// `ledger::settle` wrote them).
pub async fn pay_order(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    order_id: Uuid,
) -> Result<Moved> {
    let rows = accruals(
        db,
        sea_orm::Condition::all().add(ledger_entry::Column::OrderId.eq(order_id)),
    )
    .await?;
    pay(db, payments, rows).await
}

/// Pays everything that accrued to one payee (the `PayAccrued` job, once their payouts are
/// enabled).
pub async fn pay_accrued(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    payee_id: Uuid,
) -> Result<Moved> {
    let rows = accruals(
        db,
        sea_orm::Condition::all().add(ledger_entry::Column::PayeeId.eq(payee_id)),
    )
    .await?;
    pay(db, payments, rows).await
}

/// The charge that paid for an order: what its transfers are sourced from.
async fn charge_of(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    order_id: Uuid,
) -> Result<Option<String>> {
    let intent = purchase::Entity::find()
        .filter(purchase::Column::OrderId.eq(order_id))
        .filter(purchase::Column::PaymentIntentId.is_not_null())
        .one(db)
        .await?
        .and_then(|p| p.payment_intent_id);
    match intent {
        Some(pi) => Ok(Some(payments.charge_of(&pi).await?)),
        None => Ok(None),
    }
}

async fn pay(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    rows: Vec<ledger_entry::Model>,
) -> Result<Moved> {
    let mut moved = Moved::default();
    let mut charges: HashMap<Uuid, Option<String>> = HashMap::new();
    for row in rows {
        let account = payout_account::Entity::find_by_id(row.payee_id)
            .one(db)
            .await?
            .filter(|a| a.payouts_enabled && !a.simulated);
        let Some(account) = account else {
            moved.waiting += 1;
            continue;
        };
        // Looked at again for each row: a refund may have landed while the previous payee
        // was being paid.
        if reversed(db, row.order_id, row.payee_id).await? {
            continue;
        }
        if row.amount_cents <= 0 {
            // The fee took it all: nothing to send (Stripe refuses a zero transfer).
            continue;
        }
        let charge = match charges.get(&row.order_id) {
            Some(c) => c.clone(),
            None => {
                let c = charge_of(db, payments, row.order_id).await?;
                charges.insert(row.order_id, c.clone());
                c
            }
        };
        let Some(charge) = charge else {
            tracing::error!(order = %row.order_id, "an accrued order has no payment intent to transfer from");
            moved.waiting += 1;
            continue;
        };
        let sent = payments
            .transfer(TransferRequest {
                amount_cents: row.amount_cents,
                currency: row.currency.clone(),
                destination: account.stripe_account_id.clone(),
                source_transaction: charge,
                transfer_group: row.order_id.to_string(),
                idempotency_key: row.idempotency_key.clone(),
            })
            .await;
        match sent {
            Ok(transfer_id) => {
                record_transfer(db, &row, &transfer_id).await?;
                tracing::info!(order = %row.order_id, payee = %row.payee_id, transfer = %transfer_id, amount = row.amount_cents, "payee paid");
                moved.transferred += 1;
            }
            Err(e) if e.permanent => {
                refused(db, row.id, &e).await?;
                moved.refused += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(moved)
}

async fn refused(db: &DatabaseConnection, row: Uuid, e: &PaymentError) -> Result<()> {
    tracing::error!(row = %row, error = %e, "Stripe refused a payout movement for good; recorded on the ledger row");
    ledger_entry::Entity::update_many()
        .col_expr(
            ledger_entry::Column::PayoutError,
            Expr::value(Some(e.message.clone())),
        )
        .filter(ledger_entry::Column::Id.eq(row))
        .exec(db)
        .await?;
    Ok(())
}

/// The accrual becomes the transfer. If a refund reversed the order while the transfer was
/// on its way, the reversal job found nothing sent; it is asked again now that there is.
async fn record_transfer(
    db: &DatabaseConnection,
    row: &ledger_entry::Model,
    transfer_id: &str,
) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    ledger_entry::Entity::update_many()
        .col_expr(
            ledger_entry::Column::Kind,
            Expr::value(LedgerKind::Transfer.as_str()),
        )
        .col_expr(
            ledger_entry::Column::TransferId,
            Expr::value(Some(transfer_id.to_owned())),
        )
        .col_expr(
            ledger_entry::Column::PayoutError,
            Expr::value(Option::<String>::None),
        )
        .filter(ledger_entry::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    if reversed(&txn, row.order_id, row.payee_id).await? {
        crate::queue::enqueue(
            &txn,
            &ReverseTransfers {
                order_id: row.order_id,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Makes at Stripe every reversal the ledger holds for `order_id` that is not made yet. Each
/// takes back the whole of the payee's transfer (a full refund or a lost dispute returns the
/// whole order, so every payee gives back in the same proportion: all of it).
pub async fn reverse_order(
    db: &DatabaseConnection,
    payments: &dyn PaymentProvider,
    order_id: Uuid,
) -> Result<Moved> {
    let rows = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let mut moved = Moved::default();
    for reversal in rows
        .iter()
        .filter(|r| LedgerKind::Reversal.is(&r.kind) && !r.simulated && r.reversal_id.is_none())
    {
        let paid = rows
            .iter()
            .find(|r| !LedgerKind::Reversal.is(&r.kind) && r.payee_id == reversal.payee_id);
        let Some(transfer_id) = paid.and_then(|p| p.transfer_id.clone()) else {
            // Only accrued: nothing moved, so the reversal just cancels what was owed.
            moved.waiting += 1;
            continue;
        };
        let sent = payments
            .reverse_transfer(ReversalRequest {
                transfer_id: transfer_id.clone(),
                amount_cents: -reversal.amount_cents,
                idempotency_key: reversal.idempotency_key.clone(),
            })
            .await;
        match sent {
            Ok(reversal_id) => {
                ledger_entry::Entity::update_many()
                    .col_expr(
                        ledger_entry::Column::ReversalId,
                        Expr::value(Some(reversal_id.clone())),
                    )
                    .col_expr(
                        ledger_entry::Column::TransferId,
                        Expr::value(Some(transfer_id)),
                    )
                    .col_expr(
                        ledger_entry::Column::PayoutError,
                        Expr::value(Option::<String>::None),
                    )
                    .filter(ledger_entry::Column::Id.eq(reversal.id))
                    .exec(db)
                    .await?;
                tracing::info!(order = %order_id, payee = %reversal.payee_id, reversal = %reversal_id, "transfer reversed");
                moved.transferred += 1;
            }
            Err(e) if e.permanent => {
                refused(db, reversal.id, &e).await?;
                moved.refused += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(moved)
}
