//! Each purchase's parties, frozen at checkout like its terms: the producer and every
//! collaborator on the beat at that moment, with their profit and publishing shares. The
//! ledger pays by them and the license and bundle print them; editing the beat's
//! collaborators later changes no sale.
//!
//! A collaborator is paid to the verified account that owns their email. When there is none
//! yet, their share accrues to a stand-in payee derived from the email; when an account
//! proves that address, `link_email` moves those accruals to it and pays them if it can.

use entity::{beat, ledger_entry, purchase_split, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ledger::{pay_key, reversal_key};
use crate::Result;
use crate::domain::{LedgerKind, Party};
use crate::services::collaborators::{of_beat, verified_account};

const FULL: u32 = 10_000;

/// The payee a collaborator's share accrues to while their email has no verified account.
/// Derived from the address, so every sale of theirs accrues to the same one.
pub fn pending_payee(email: &str) -> Uuid {
    let digest = Sha256::digest(format!("trackout-collaborator:{email}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Copies the beat's collaborators onto a new purchase, in the checkout's transaction.
/// Nothing is written for a beat without collaborators: the producer takes everything, as
/// for every purchase made before collaborators existed.
pub async fn freeze<C: ConnectionTrait>(conn: &C, purchase_id: Uuid, beat_id: Uuid) -> Result<()> {
    let collaborators = of_beat(conn, beat_id).await?;
    if collaborators.is_empty() {
        return Ok(());
    }
    let beat = beat::Entity::find_by_id(beat_id)
        .one(conn)
        .await?
        .ok_or(crate::Error::NotFound("beat"))?;
    let producer = user::Entity::find_by_id(beat.producer_id)
        .one(conn)
        .await?
        .ok_or_else(|| crate::Error::Corrupt(format!("beat {beat_id} has no producer")))?;
    let profit: u32 = collaborators.iter().map(|c| c.profit_bps as u32).sum();
    let publishing: u32 = collaborators.iter().map(|c| c.publishing_bps as u32).sum();
    let row = |position: i32| purchase_split::ActiveModel {
        id: Set(Uuid::now_v7()),
        purchase_id: Set(purchase_id),
        position: Set(position),
        ..Default::default()
    };
    purchase_split::ActiveModel {
        email: Set(None),
        payee_id: Set(Some(producer.id)),
        name: Set(producer.display_name.clone()),
        role: Set("producer".into()),
        profit_bps: Set(FULL.saturating_sub(profit) as i32),
        publishing_bps: Set(FULL.saturating_sub(publishing) as i32),
        ..row(0)
    }
    .insert(conn)
    .await?;
    for (i, c) in collaborators.iter().enumerate() {
        let account = verified_account(conn, &c.email).await?;
        let name = c
            .name
            .clone()
            .or_else(|| account.as_ref().map(|a| a.display_name.clone()))
            .unwrap_or_else(|| c.email.clone());
        purchase_split::ActiveModel {
            email: Set(Some(c.email.clone())),
            payee_id: Set(account.map(|a| a.id)),
            name: Set(name),
            role: Set(c.role.clone()),
            profit_bps: Set(c.profit_bps),
            publishing_bps: Set(c.publishing_bps),
            ..row(i as i32 + 1)
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

async fn rows<C: ConnectionTrait>(
    conn: &C,
    purchase_id: Uuid,
) -> Result<Vec<purchase_split::Model>> {
    Ok(purchase_split::Entity::find()
        .filter(purchase_split::Column::PurchaseId.eq(purchase_id))
        .order_by_asc(purchase_split::Column::Position)
        .all(conn)
        .await?)
}

/// Who is paid for a purchase and by what weight (of 10,000), from its frozen split; `None`
/// for a purchase without one (its producer takes everything). Parties with no profit share
/// are left out: they are owed nothing.
pub(crate) async fn payees<C: ConnectionTrait>(
    conn: &C,
    purchase_id: Uuid,
) -> Result<Option<Vec<(Uuid, u64)>>> {
    let rows = rows(conn, purchase_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.iter()
            .filter(|r| r.profit_bps > 0)
            .map(|r| {
                let payee = match (&r.payee_id, &r.email) {
                    (Some(id), _) => *id,
                    (None, Some(email)) => pending_payee(email),
                    (None, None) => Uuid::nil(),
                };
                (payee, r.profit_bps as u64)
            })
            .collect(),
    ))
}

/// The parties as printed on the license and in the bundle; empty for a purchase without a
/// frozen split (the license names the producer alone, as it always did).
pub async fn parties<C: ConnectionTrait>(conn: &C, purchase_id: Uuid) -> Result<Vec<Party>> {
    Ok(rows(conn, purchase_id)
        .await?
        .into_iter()
        .map(|r| Party {
            name: r.name,
            role: r.role,
            profit_bps: r.profit_bps.max(0) as u32,
            publishing_bps: r.publishing_bps.max(0) as u32,
        })
        .collect())
}

/// Once `user_id` has proven `email` (in that transaction): the purchases that named the
/// address take the account as their payee, and what accrued to the address moves to it
/// (still unpaid, so its keys can change). Payouts follow when the account can take them.
pub(crate) async fn link_email<C: ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
    email: &str,
) -> Result<()> {
    purchase_split::Entity::update_many()
        .col_expr(purchase_split::Column::PayeeId, Expr::value(Some(user_id)))
        .filter(purchase_split::Column::Email.eq(email))
        .filter(purchase_split::Column::PayeeId.is_null())
        .exec(conn)
        .await?;
    let pending = pending_payee(email);
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::PayeeId.eq(pending))
        .all(conn)
        .await?;
    let moved = !entries.is_empty();
    for e in entries {
        let key = if LedgerKind::Reversal.is(&e.kind) {
            reversal_key(e.order_id, user_id)
        } else {
            pay_key(e.order_id, user_id)
        };
        let mut row: ledger_entry::ActiveModel = e.into();
        row.payee_id = Set(user_id);
        row.idempotency_key = Set(key);
        row.update(conn).await?;
    }
    if moved {
        crate::queue::enqueue(conn, &crate::jobs::PayAccrued { payee_id: user_id }).await?;
    }
    Ok(())
}
