use std::sync::Arc;

use tracing::{info, warn};
use trackout_core::auth::{Tokens, signing_secret};
use trackout_core::mail::{self, Mail, SendMail, outbox};

use crate::{JobContext, JobError, RunJob};

impl RunJob for SendMail {
    /// Renders the message and hands it to SMTP (or writes its `.eml`). Sent already: nothing
    /// to do. What it is about is gone (a revoked share, a refunded purchase): skipped.
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(row) = outbox::load(&ctx.db, self.outbox_id).await? else {
            info!("the outbox row is gone");
            return Ok(());
        };
        if row.state == outbox::OutboxState::Sent.as_str() {
            return Ok(());
        }
        let message: Mail = serde_json::from_value(row.payload.clone())
            .map_err(|e| JobError::Permanent(format!("unreadable {} mail: {e}", row.kind)))?;
        // Mailed tokens are signed with the store's key, as the API signs them.
        let secret = signing_secret(&ctx.config)
            .map_err(|e| JobError::Retry(format!("loading the token signing key: {e}")))?;
        let tokens = Tokens::new(
            secret,
            std::time::Duration::from_secs(ctx.config.session_ttl_hours * 3600),
        );
        let Some(rendered) = mail::render(&ctx.db, &ctx.config, &tokens, &message).await? else {
            outbox::mark_skipped(
                &ctx.db,
                row.id,
                "nothing left to send: what it was about is gone",
            )
            .await?;
            return Ok(());
        };
        match mail::deliver(&ctx.config, row.id, &row.recipient, &rendered).await {
            Ok(delivered) => {
                outbox::mark_sent(&ctx.db, row.id, &rendered.subject).await?;
                info!(kind = %row.kind, ?delivered, "mail sent");
                Ok(())
            }
            Err(e) => {
                warn!(kind = %row.kind, error = %e, "mail not delivered");
                outbox::record_failure(
                    &ctx.db,
                    &row,
                    Some(&rendered.subject),
                    &e.message,
                    e.permanent,
                    ctx.config.worker.max_attempts,
                )
                .await?;
                Err(if e.permanent {
                    JobError::Permanent(e.message)
                } else {
                    JobError::Retry(e.message)
                })
            }
        }
    }
}
