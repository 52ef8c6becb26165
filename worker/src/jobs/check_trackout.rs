use std::sync::Arc;

use tracing::info;
use trackout_core::jobs::CheckTrackout;
use trackout_core::services::checks::{self, CheckOutcome};
use trackout_core::storage::{ObjectKey, download_to};
use trackout_media::music::Key;
use trackout_media::{Listed, NoProgress, check_path_as_listed};

use super::workspace::check_limits;

use crate::{JobContext, JobError, RunJob};

impl RunJob for CheckTrackout {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(inputs) = checks::inputs(&ctx.db, self.beat_id).await? else {
            info!(beat = %self.beat_id, "no trackout to check (not uploaded yet, or the beat is gone)");
            return Ok(());
        };
        if inputs.already_checked {
            info!("these uploads were already checked");
            return Ok(());
        }

        // The check reads files; the uploads come down into a private temporary folder that
        // disappears with this job, whatever happens.
        let dir = tempfile::tempdir().map_err(|e| JobError::Retry(format!("temp dir: {e}")))?;
        let trackout_path = dir.path().join("trackout.zip");
        download_to(
            ctx.storage.as_ref(),
            &key(&inputs.trackout.storage_key)?,
            &trackout_path,
        )
        .await?;
        let master_path = match &inputs.master {
            Some(master) => {
                let path = dir.path().join("master.wav");
                download_to(ctx.storage.as_ref(), &key(&master.storage_key)?, &path).await?;
                Some(path)
            }
            None => None,
        };

        let limits = check_limits(&ctx);
        let listed = Listed {
            bpm: inputs.listed_bpm.map(f64::from),
            key: inputs.listed_key.as_deref().and_then(Key::parse),
        };
        let report = ctx
            .blocking(move || {
                check_path_as_listed(
                    &trackout_path,
                    master_path.as_deref(),
                    &listed,
                    &limits,
                    &NoProgress,
                )
            })
            .await?
            .map_err(|e| JobError::Permanent(format!("the trackout could not be checked: {e}")))?;

        // The check saw our temporary names; the producer knows the files by theirs.
        let mut report = report;
        if let Some(name) = &inputs.trackout.file_name {
            report.trackout = name.clone();
        }
        if let (Some(master), Some(upload)) = (report.master.as_mut(), inputs.master.as_ref())
            && !master.found_in_trackout
            && let Some(name) = &upload.file_name
        {
            master.name = name
                .trim_end_matches(".wav")
                .trim_end_matches(".WAV")
                .to_owned();
            let checked_as = std::mem::replace(&mut master.path, name.clone());
            for finding in &mut report.findings {
                if finding.stem.as_deref() == Some(checked_as.as_str()) {
                    finding.stem = Some(name.clone());
                    finding.message = finding.message.replace(&checked_as, name);
                }
            }
        }
        let error_count = report.errors().count() as i32;
        let outcome = CheckOutcome {
            passes: report.passes,
            error_count,
            warning_count: report.warnings().count() as i32,
            report: serde_json::to_value(&report)
                .map_err(|e| JobError::Permanent(format!("serializing the report: {e}")))?,
            detected: report.detected.clone(),
        };
        let stored = checks::record(
            &ctx.db,
            self.beat_id,
            inputs.trackout.id,
            inputs.master.as_ref().map(|m| m.id),
            outcome,
        )
        .await?;
        info!(
            passes = report.passes,
            errors = error_count,
            stored,
            "trackout checked"
        );
        Ok(())
    }
}

fn key(raw: &str) -> Result<ObjectKey, JobError> {
    ObjectKey::parse(raw).map_err(|e| JobError::Permanent(e.to_string()))
}
