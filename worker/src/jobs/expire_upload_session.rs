use std::sync::Arc;

use trackout_core::jobs::ExpireUploadSession;
use trackout_core::services::upload_sessions;

use crate::{JobContext, JobError, RunJob};

impl RunJob for ExpireUploadSession {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        // Ending an ended session is a no-op, so a repeated run is harmless.
        upload_sessions::expire(&ctx.db, ctx.storage.as_ref(), &ctx.config, &self).await?;
        Ok(())
    }
}
