//! The mails a sale causes: the buyer's receipt (with a claim link for a guest checkout),
//! "your files are ready" when they were not yet when the receipt went, the producer's sale
//! notice, and a share link sent to an engineer. Each is enqueued at most once (a dedupe key
//! per purchase), so the fulfilment job can run twice without mailing twice.

use entity::{beat, guest_checkout, outbox, purchase, user};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::account_tokens::{self, Mailed};
use crate::Result;
use crate::domain::{Email, PurchaseStatus};
use crate::mail::{self, Mail, outbox as box_};

fn receipt_key(purchase_id: Uuid) -> String {
    format!("receipt:{purchase_id}")
}

async fn claim_token<C: ConnectionTrait>(conn: &C, p: &purchase::Model) -> Result<Option<Uuid>> {
    if guest_checkout::Entity::find_by_id(p.id)
        .one(conn)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(Some(
        account_tokens::create(conn, p.buyer_id, Mailed::Claim, Some(p.id))
            .await?
            .id,
    ))
}

async fn sale_notice<C: ConnectionTrait>(conn: &C, p: &purchase::Model) -> Result<()> {
    let Some(beat) = beat::Entity::find_by_id(p.beat_id).one(conn).await? else {
        return Ok(());
    };
    if let Some(producer) = user::Entity::find_by_id(beat.producer_id).one(conn).await? {
        mail::enqueue(
            conn,
            &producer.email,
            &Mail::SaleNotice { purchase_id: p.id },
            Some(format!("sale:{}", p.id)),
        )
        .await?;
    }
    Ok(())
}

async fn paid(
    conn: &impl ConnectionTrait,
    purchase_id: Uuid,
) -> Result<Option<(purchase::Model, user::Model)>> {
    let Some(p) = purchase::Entity::find_by_id(purchase_id).one(conn).await? else {
        return Ok(None);
    };
    if !PurchaseStatus::Paid.is(&p.status) {
        return Ok(None);
    }
    let Some(buyer) = user::Entity::find_by_id(p.buyer_id).one(conn).await? else {
        return Ok(None);
    };
    Ok(Some((p, buyer)))
}

async fn receipt<C: ConnectionTrait>(
    conn: &C,
    p: &purchase::Model,
    buyer: &user::Model,
    files_ready: bool,
) -> Result<()> {
    let claim_token_id = claim_token(conn, p).await?;
    mail::enqueue(
        conn,
        &buyer.email,
        &Mail::Receipt {
            purchase_id: p.id,
            files_ready,
            claim_token_id,
        },
        Some(receipt_key(p.id)),
    )
    .await?;
    sale_notice(conn, p).await
}

/// Every file of the purchase is made: the receipt, or, if a receipt already went out saying
/// the files were still being prepared, "your files are ready".
pub async fn purchase_fulfilled(db: &DatabaseConnection, purchase_id: Uuid) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    let Some((p, buyer)) = paid(&txn, purchase_id).await? else {
        return Ok(());
    };
    match box_::by_key(&txn, &receipt_key(p.id)).await? {
        None => receipt(&txn, &p, &buyer, true).await?,
        Some(sent) if said_pending(&sent) => {
            let claim_token_id = claim_token(&txn, &p).await?;
            mail::enqueue(
                &txn,
                &buyer.email,
                &Mail::FilesReady {
                    purchase_id: p.id,
                    claim_token_id,
                },
                Some(format!("files_ready:{}", p.id)),
            )
            .await?;
        }
        Some(_) => {}
    }
    txn.commit().await?;
    Ok(())
}

fn said_pending(row: &outbox::Model) -> bool {
    matches!(
        serde_json::from_value::<Mail>(row.payload.clone()),
        Ok(Mail::Receipt {
            files_ready: false,
            ..
        })
    )
}

/// Fulfilment failed an attempt (the bundle is not rendered yet, storage hiccupped): the
/// buyer gets the receipt now, saying the files follow, rather than waiting in silence.
pub async fn fulfilment_delayed(db: &DatabaseConnection, purchase_id: Uuid) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    let Some((p, buyer)) = paid(&txn, purchase_id).await? else {
        return Ok(());
    };
    if box_::by_key(&txn, &receipt_key(p.id)).await?.is_none() {
        receipt(&txn, &p, &buyer, false).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Mails the share link `share_id` to `email`, in the caller's transaction.
pub async fn share_link<C: ConnectionTrait>(conn: &C, share_id: Uuid, email: &Email) -> Result<()> {
    mail::enqueue(conn, email.as_str(), &Mail::ShareLink { share_id }, None).await?;
    Ok(())
}
