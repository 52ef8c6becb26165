//! Jobs that move a marketplace's money at Stripe: paying what accrued once a payee can be
//! paid, and making the transfer reversals a refund or lost dispute wrote into the ledger.
//! Transient Stripe failures come back as retries; the idempotency keys make a retry safe.

use std::sync::Arc;

use tracing::info;
use trackout_core::jobs::{PayAccrued, ReverseTransfers};
use trackout_core::services::commerce::payouts::transfers;

use crate::{JobContext, JobError, RunJob};

impl RunJob for PayAccrued {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let moved = transfers::pay_accrued(&ctx.db, ctx.payments.as_ref(), self.payee_id).await?;
        info!(payee = %self.payee_id, ?moved, "accrued shares paid");
        Ok(())
    }
}

impl RunJob for ReverseTransfers {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let moved = transfers::reverse_order(&ctx.db, ctx.payments.as_ref(), self.order_id).await?;
        info!(order = %self.order_id, ?moved, "transfers of a refunded order reversed");
        Ok(())
    }
}
