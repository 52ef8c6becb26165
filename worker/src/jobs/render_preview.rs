use std::sync::Arc;

use tracing::info;
use trackout_core::domain::{DeliverableKind, DeliverableState};
use trackout_core::jobs::RenderPreview;
use trackout_core::services::deliverables;
use trackout_render::render_preview_with_peaks;

use super::workspace::{Workspace, failed, render_error, store, up_to_date};
use crate::{JobContext, JobError, RunJob};

const KINDS: [DeliverableKind; 2] = DeliverableKind::PREVIEW;

impl RunJob for RenderPreview {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(inputs) = deliverables::inputs(&ctx.db, self.beat_id).await? else {
            info!("the beat is gone");
            return Ok(());
        };
        let Some(master) = inputs.master.clone() else {
            info!("no master yet; the preview renders once one is uploaded");
            return Ok(());
        };
        let p = ctx.config.preview.clone();
        let fingerprint = inputs.fingerprint(&KINDS, &format!("{p:?}"));
        if up_to_date(&ctx, self.beat_id, &KINDS, &fingerprint).await? {
            info!("the preview is already rendered from these inputs");
            return Ok(());
        }
        deliverables::set_state(
            &ctx.db,
            self.beat_id,
            &KINDS,
            DeliverableState::Running,
            &fingerprint,
            None,
        )
        .await?;
        let rendered = async {
            let ws = Workspace::new()?;
            let master_path = ws.fetch(&ctx, &master.storage_key, "master.wav").await?;
            let tag_path = match &inputs.voice_tag {
                Some(tag) => Some(ws.fetch(&ctx, &tag.storage_key, "voice-tag.wav").await?),
                None => None,
            };
            let (preview, peaks) = (ws.path("preview.mp3"), ws.path("peaks.json"));
            let settings = p.clone();
            let (out, peaks_out) = (preview.clone(), peaks.clone());
            let report = ctx
                // The peaks are drawn from the audio as it is encoded: no second decode.
                .blocking(move || {
                    render_preview_with_peaks(
                        &master_path,
                        tag_path.as_deref(),
                        &settings,
                        &out,
                        &peaks_out,
                    )
                })
                .await?
                .map_err(render_error)?;
            let details = serde_json::to_value(&report).ok();
            store(
                &ctx,
                self.beat_id,
                DeliverableKind::Preview,
                &fingerprint,
                preview,
                details,
            )
            .await?;
            store(
                &ctx,
                self.beat_id,
                DeliverableKind::Peaks,
                &fingerprint,
                peaks,
                None,
            )
            .await?;
            Ok::<_, JobError>(())
        }
        .await;
        match rendered {
            Ok(()) => Ok(()),
            Err(e) => Err(failed(&ctx, self.beat_id, &KINDS, &fingerprint, e).await),
        }
    }
}
