//! What a download costs. A download is counted from the range actually served, never from
//! what a request's headers say: serving byte 0 of a file starts a new copy; serving a range
//! that starts later is a resume, and spends from the budget of copies already counted.
//!
//! Through a share with a limit, both are taken by conditional updates checked by rows
//! affected, so sixty requests at once cannot get more than the limit: a new copy takes one of
//! the share's slots (`downloads_used < max_downloads`); a resume reserves its bytes against
//! `copies × (size + allowance)` of that file. When a response ends early (the client dropped
//! the connection) the bytes it never sent are handed back, so the client can resume.
//!
//! The allowance covers the bytes a dropped connection had in flight (sent by us, lost in
//! buffers before the client read them), which its resume asks for again: 16 MiB per counted
//! copy, and in all never as much as one more copy. So through a share, `max_downloads` copies
//! of a file cost at most `max_downloads × size + min(max_downloads × 16 MiB, size − 1)` bytes:
//! nobody assembles one whole copy more than the artist allowed.

use chrono::Utc;
use entity::{download, share, share_file_usage};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::download_log::DownloadLog;
use super::downloads::Download;
use crate::{Error, Result};

/// The bytes of one response: `start` is its first byte within the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    pub start: u64,
    pub len: u64,
}

/// What serving a response took, to hand back what it did not send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    /// Nothing to hand back: a buyer's own download, or a share without a limit.
    Free,
    Reserved {
        share_id: Uuid,
        file: String,
        bytes: u64,
    },
}

/// What a dropped connection may have had in flight, per counted copy.
pub const RESUME_ALLOWANCE_PER_COPY: u64 = 16 * 1024 * 1024;

/// The bytes of a file of `size` that a share may serve once `copies` of it were counted.
pub fn byte_budget(size: u64, copies: u64) -> u64 {
    let allowance = Ord::min(
        copies.saturating_mul(RESUME_ALLOWANCE_PER_COPY),
        size.saturating_sub(1),
    );
    copies.saturating_mul(size).saturating_add(allowance)
}

fn limit_reached() -> Error {
    Error::Forbidden("this link has reached its download limit".into())
}

fn log_row(download: &Download) -> download::ActiveModel {
    download::ActiveModel {
        id: Set(Uuid::now_v7()),
        purchase_id: Set(download.purchase_id),
        share_id: Set(download.share.map(|s| s.share_id)),
        file: Set(download.file.name()),
        created_at: Set(Utc::now()),
    }
}

/// Counts what serving `served` of `download` costs, or refuses it (403) when a share's limit
/// is spent. Call it once the response's range is decided and before a byte is sent.
pub async fn charge(
    db: &DatabaseConnection,
    log: &DownloadLog,
    download: &Download,
    served: Served,
) -> Result<Charge> {
    let limited = download
        .share
        .and_then(|s| s.max_downloads.map(|max| (s.share_id, max)));
    let Some((share_id, max)) = limited else {
        // No limit to enforce. A buyer's own new copy is logged in batches, off the request
        // path; one through a share is written at once, since the artist is watching for it.
        if served.start == 0 {
            if download.share.is_some() {
                download::Entity::insert(log_row(download))
                    .exec_without_returning(db)
                    .await?;
            } else {
                log.record(log_row(download));
            }
        }
        return Ok(Charge::Free);
    };
    let file = download.file.name();
    let txn = crate::db::write_txn(db).await?;
    if served.start == 0 {
        let slot = share::Entity::update_many()
            .col_expr(
                share::Column::DownloadsUsed,
                Expr::col(share::Column::DownloadsUsed).add(1),
            )
            .filter(share::Column::Id.eq(share_id))
            .filter(share::Column::DownloadsUsed.lt(max))
            .exec(&txn)
            .await?;
        if slot.rows_affected != 1 {
            return Err(limit_reached());
        }
        share_file_usage::Entity::insert(share_file_usage::ActiveModel {
            share_id: Set(share_id),
            file: Set(file.clone()),
            copies: Set(1),
            bytes_reserved: Set(to_i64(served.len)),
        })
        .on_conflict(
            OnConflict::columns([
                share_file_usage::Column::ShareId,
                share_file_usage::Column::File,
            ])
            .value(
                share_file_usage::Column::Copies,
                Expr::col((share_file_usage::Entity, share_file_usage::Column::Copies)).add(1),
            )
            .value(
                share_file_usage::Column::BytesReserved,
                Expr::col((
                    share_file_usage::Entity,
                    share_file_usage::Column::BytesReserved,
                ))
                .add(to_i64(served.len)),
            )
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        download::Entity::insert(log_row(download))
            .exec_without_returning(&txn)
            .await?;
    } else {
        // The budget depends on the copies counted: reserve against the count just read, and
        // only while it is still that count.
        let usage = share_file_usage::Entity::find_by_id((share_id, file.clone()))
            .one(&txn)
            .await?;
        let copies = usage.map(|u| u.copies).unwrap_or(0);
        let budget = byte_budget(download.size, Ord::max(copies, 0) as u64);
        let reserved = share_file_usage::Entity::update_many()
            .col_expr(
                share_file_usage::Column::BytesReserved,
                Expr::col(share_file_usage::Column::BytesReserved).add(to_i64(served.len)),
            )
            .filter(share_file_usage::Column::ShareId.eq(share_id))
            .filter(share_file_usage::Column::File.eq(file.as_str()))
            .filter(share_file_usage::Column::Copies.eq(copies))
            .filter(
                Expr::col(share_file_usage::Column::BytesReserved)
                    .add(to_i64(served.len))
                    .lte(to_i64(budget)),
            )
            .exec(&txn)
            .await?;
        if reserved.rows_affected != 1 {
            return Err(Error::Forbidden(
                "this link has no download of this file left to resume; it has reached its download limit"
                    .into(),
            ));
        }
    }
    txn.commit().await?;
    Ok(Charge::Reserved {
        share_id,
        file,
        bytes: served.len,
    })
}

/// Hands back the bytes a response reserved but never sent (the client went away), so that a
/// resume can fetch them. Best effort: a failure leaves the reservation spent, which errs on
/// the side of the artist's limit.
pub async fn refund(db: &DatabaseConnection, charge: &Charge, sent: u64) {
    let Charge::Reserved {
        share_id,
        file,
        bytes,
    } = charge
    else {
        return;
    };
    let unsent = to_i64(bytes.saturating_sub(sent));
    if unsent == 0 {
        return;
    }
    let result = share_file_usage::Entity::update_many()
        .col_expr(
            share_file_usage::Column::BytesReserved,
            Expr::col(share_file_usage::Column::BytesReserved).sub(unsent),
        )
        .filter(share_file_usage::Column::ShareId.eq(*share_id))
        .filter(share_file_usage::Column::File.eq(file.as_str()))
        .filter(share_file_usage::Column::BytesReserved.gte(unsent))
        .exec(db)
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, %share_id, file, unsent, "handing back unsent bytes failed");
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A share's downloads so far, for its page.
pub(crate) fn used(share: &share::Model) -> usize {
    Ord::max(share.downloads_used, 0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_never_serves_one_whole_copy_more_than_it_allows() {
        const MIB: u64 = 1024 * 1024;
        for size in [1, 2, 1000, 3 * MIB, 64 * MIB, 700 * MIB] {
            for copies in [0u64, 1, 2, 20] {
                let budget = byte_budget(size, copies);
                assert!(budget >= copies * size, "{size} {copies}");
                assert!(budget < (copies + 1) * size || copies == 0 && budget == 0);
            }
        }
        assert_eq!(
            byte_budget(700 * MIB, 1),
            716 * MIB,
            "a big file resumes with 16 MiB"
        );
        assert_eq!(
            byte_budget(1000, 1),
            1999,
            "a small one with less than a copy"
        );
    }
}
