//! Jobs that keep money exact: closing the checkouts of a beat whose exclusive sold, refunding
//! payments for what was no longer for sale, paying each order's payees into the ledger, and
//! sweeping base bundles nothing refers to.

use std::sync::Arc;

use tracing::info;
use trackout_core::jobs::{CloseCheckouts, PayPayees, RefundPayment, SweepBase};
use trackout_core::services::commerce::payouts::transfers;
use trackout_core::services::commerce::{checkout, ledger, refunds};
use trackout_core::services::deliverables;
use trackout_core::storage::ObjectKey;

use crate::{JobContext, JobError, RunJob};

impl RunJob for CloseCheckouts {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let sessions = checkout::close_checkouts(&ctx.db, self.beat_id, self.sold_to).await?;
        for session in &sessions {
            // A payment that still lands on one of these is refunded when its event arrives.
            ctx.payments
                .expire_checkout(session)
                .await
                .map_err(trackout_core::Error::from)?;
        }
        info!(
            expired = sessions.len(),
            "open checkouts of a sold beat closed"
        );
        Ok(())
    }
}

impl RunJob for RefundPayment {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(refund) = refunds::due(&ctx.db, self.purchase_id).await? else {
            info!("nothing left to refund");
            return Ok(());
        };
        let id = ctx
            .payments
            .refund(refund)
            .await
            .map_err(trackout_core::Error::from)?;
        refunds::recorded(&ctx.db, self.purchase_id).await?;
        info!(refund = %id, purchase = %self.purchase_id, "payment refunded in full");
        Ok(())
    }
}

impl RunJob for PayPayees {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let written = ledger::settle(&ctx.db, &ctx.config.commerce, self.order_id).await?;
        // The shares written (or found from an earlier run) are then sent at Stripe to each
        // payee who can be paid; the others accrue until their payouts are enabled.
        let moved = transfers::pay_order(&ctx.db, ctx.payments.as_ref(), self.order_id).await?;
        info!(order = %self.order_id, written, ?moved, "payees of an order paid into the ledger");
        Ok(())
    }
}

impl RunJob for SweepBase {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        if deliverables::base_in_use(&ctx.db, &self.key).await? {
            info!(key = %self.key, "a rendered file is still in use; kept");
            return Ok(());
        }
        let key = ObjectKey::parse(&self.key).map_err(|e| JobError::Permanent(e.to_string()))?;
        ctx.storage.delete(&key).await?;
        info!(key = %self.key, "a rendered file nothing refers to was swept");
        Ok(())
    }
}
