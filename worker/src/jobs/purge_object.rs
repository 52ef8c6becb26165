use std::sync::Arc;

use trackout_core::jobs::PurgeObject;
use trackout_core::storage::ObjectKey;

use crate::{JobContext, JobError, RunJob};

impl RunJob for PurgeObject {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let key = ObjectKey::parse(&self.key).map_err(|e| JobError::Permanent(e.to_string()))?;
        // Deleting a missing object succeeds, so a repeated purge is harmless.
        ctx.storage.delete(&key).await?;
        Ok(())
    }
}
