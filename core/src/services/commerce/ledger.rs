//! The ledger: what each paid order owes each payee, written once per (order, payee), and
//! taken back by a reversal when the payment is refunded in full or a dispute is lost.
//! Amounts are integer cents; every split goes through `largest_remainder`, so the parts of
//! a sale always add up to what was paid.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::{beat, ledger_entry, purchase};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use crate::Result;
use crate::config::CommerceConfig;
use crate::domain::{
    LedgerKind, PaymentProviderKind, PurchaseStatus, SellingMode, largest_remainder,
};

/// The order a purchase was bought in (older purchases are each their own).
pub fn order_of(p: &purchase::Model) -> Uuid {
    p.order_id.unwrap_or(p.id)
}

/// Everything a weight of `FULL` takes all of.
const FULL: u64 = 10_000;

/// Who shares a purchase's money, with their weights: the split frozen at checkout (the
/// producer's weight is what the collaborators left), or the beat's producer alone for a
/// purchase without one. Everything downstream (fees, transfers, reversals, the payouts
/// view) splits by these weights.
async fn payees<C: ConnectionTrait>(conn: &C, p: &purchase::Model) -> Result<Vec<(Uuid, u64)>> {
    if let Some(frozen) = super::splits::payees(conn, p.id).await? {
        return Ok(frozen);
    }
    let producer = beat::Entity::find_by_id(p.beat_id)
        .one(conn)
        .await?
        .map(|b| b.producer_id)
        .ok_or_else(|| crate::Error::Corrupt(format!("purchase {} has no beat", p.id)))?;
    Ok(vec![(producer, FULL)])
}

/// One payee's part of one purchase: what the item was paid, and the payee's net and fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub payee: Uuid,
    pub net_cents: i64,
    pub fee_cents: i64,
}

/// How a purchase's money splits over its payees, less the platform fee, to the cent. The
/// ledger's rows and the payouts view's per-sale lines both come from here.
pub async fn split<C: ConnectionTrait>(
    conn: &C,
    commerce: &CommerceConfig,
    p: &purchase::Model,
) -> Result<Vec<Share>> {
    let paid = p.amount_paid_cents.unwrap_or(p.price_cents);
    let fee = commerce.platform_fee().on(paid);
    let payees = payees(conn, p).await?;
    let weights: Vec<u64> = payees.iter().map(|(_, w)| *w).collect();
    let nets = largest_remainder(paid - fee, &weights);
    let fees = largest_remainder(fee, &weights);
    Ok(payees
        .iter()
        .zip(nets)
        .zip(fees)
        .map(|(((payee, _), net_cents), fee_cents)| Share {
            payee: *payee,
            net_cents,
            fee_cents,
        })
        .collect())
}

/// Net and fee owed to each payee of the paid purchases among `purchases`.
async fn owed<C: ConnectionTrait>(
    conn: &C,
    commerce: &CommerceConfig,
    purchases: &[purchase::Model],
) -> Result<BTreeMap<Uuid, (i64, i64)>> {
    let mut owed: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
    for p in purchases
        .iter()
        .filter(|p| PurchaseStatus::Paid.is(&p.status))
    {
        for share in split(conn, commerce, p).await? {
            let entry = owed.entry(share.payee).or_default();
            entry.0 += share.net_cents;
            entry.1 += share.fee_cents;
        }
    }
    Ok(owed)
}

pub fn pay_key(order: Uuid, payee: Uuid) -> String {
    format!("trackout-pay-{order}-{payee}")
}

pub fn reversal_key(order: Uuid, payee: Uuid) -> String {
    format!("trackout-reversal-{order}-{payee}")
}

async fn insert_once<C: ConnectionTrait>(conn: &C, row: ledger_entry::ActiveModel) -> Result<bool> {
    let inserted = ledger_entry::Entity::insert(row)
        .on_conflict(
            OnConflict::column(ledger_entry::Column::IdempotencyKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(inserted == 1)
}

/// Pays each payee of a paid order its share, less the platform fee. On a single-seller store
/// the money is the operator's own and nothing is recorded. With the development provider the
/// transfer is simulated; with Stripe, the share is written as an accrual, which
/// `payouts::transfers` turns into a Stripe Transfer once the payee's account takes payouts.
/// Returns how many rows it wrote (0 when run again).
pub async fn settle(
    db: &DatabaseConnection,
    commerce: &CommerceConfig,
    order_id: Uuid,
) -> Result<usize> {
    if commerce.selling == SellingMode::SingleSeller {
        return Ok(0);
    }
    let txn = crate::db::write_txn(db).await?;
    // Locked, so that a refund revoking the order waits for the rows written here and then
    // reverses them, or this waits for the refund and finds nothing paid.
    let purchases = purchase::Entity::find()
        .filter(purchase::Column::OrderId.eq(order_id))
        .lock_exclusive()
        .all(&txn)
        .await?;
    let Some(first) = purchases.first() else {
        return Ok(0);
    };
    let simulated = PaymentProviderKind::Dev.is(&first.provider);
    let currency = first.currency.clone();
    let mut written = 0;
    for (payee, (net, fee)) in owed(&txn, commerce, &purchases).await? {
        let key = pay_key(order_id, payee);
        let (kind, transfer_id) = if simulated {
            (
                LedgerKind::Transfer,
                Some(format!("tr_dev_{}", Uuid::now_v7().simple())),
            )
        } else {
            (LedgerKind::Accrual, None)
        };
        let row = ledger_entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(order_id),
            payee_id: Set(payee),
            kind: Set(kind.as_str().to_owned()),
            amount_cents: Set(net),
            fee_cents: Set(fee),
            currency: Set(currency.clone()),
            transfer_id: Set(transfer_id),
            reversal_id: Set(None),
            simulated: Set(simulated),
            idempotency_key: Set(key),
            payout_error: Set(None),
            created_at: Set(Utc::now()),
        };
        if insert_once(&txn, row).await? {
            written += 1;
        }
    }
    txn.commit().await?;
    Ok(written)
}

/// Takes back everything `order_id` paid out, in the caller's transaction (the one that
/// revokes the license): each payee's movement is reversed in full, once. An accrual's
/// reversal cancels it (nothing moved); a Stripe transfer's reversal is made at Stripe by the
/// `ReverseTransfers` job enqueued here, in the same transaction.
pub async fn reverse<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<()> {
    // Locked: a transfer being recorded for this order right now either commits first (and
    // is seen here as a transfer) or waits and then finds this reversal (and asks for the
    // Stripe reversal itself). Without the lock both could miss each other.
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::OrderId.eq(order_id))
        .lock_exclusive()
        .all(conn)
        .await?;
    let mut at_stripe = false;
    for e in entries.iter().filter(|e| !LedgerKind::Reversal.is(&e.kind)) {
        let reversal_id = e
            .simulated
            .then(|| format!("trr_dev_{}", Uuid::now_v7().simple()));
        let row = ledger_entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(order_id),
            payee_id: Set(e.payee_id),
            kind: Set(LedgerKind::Reversal.as_str().to_owned()),
            amount_cents: Set(-e.amount_cents),
            fee_cents: Set(-e.fee_cents),
            currency: Set(e.currency.clone()),
            transfer_id: Set(e.transfer_id.clone()),
            reversal_id: Set(reversal_id),
            simulated: Set(e.simulated),
            idempotency_key: Set(reversal_key(order_id, e.payee_id)),
            payout_error: Set(None),
            created_at: Set(Utc::now()),
        };
        if insert_once(conn, row).await? && !e.simulated {
            at_stripe = true;
        }
    }
    if at_stripe {
        crate::queue::enqueue(conn, &crate::jobs::ReverseTransfers { order_id }).await?;
    }
    Ok(())
}

/// Every row that moved money to or from `payee`.
pub async fn entries_of(db: &DatabaseConnection, payee: Uuid) -> Result<Vec<ledger_entry::Model>> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::PayeeId.eq(payee))
        .all(db)
        .await?)
}
