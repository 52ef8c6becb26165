use std::sync::Arc;

use tracing::info;
use trackout_core::domain::{BundleContents, BundleStem, DeliverableKind, DeliverableState};
use trackout_core::jobs::RenderLeases;
use trackout_core::services::deliverables;
use trackout_render::{
    BundleReport, BundledStem, build_bundle, render_mp3_lease, render_wav_lease,
};

use super::workspace::{Workspace, check_limits, failed, meta, render_error, store, up_to_date};
use crate::{JobContext, JobError, RunJob};

const KINDS: [DeliverableKind; 3] = DeliverableKind::LEASES;

impl RunJob for RenderLeases {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(inputs) = deliverables::inputs(&ctx.db, self.beat_id).await? else {
            info!("the beat is gone");
            return Ok(());
        };
        let (Some(master), Some(trackout), true) = (
            inputs.master.clone(),
            inputs.trackout.clone(),
            inputs.check_passed,
        ) else {
            info!("the current uploads have not passed the check; nothing to render");
            return Ok(());
        };
        let fingerprint = inputs.fingerprint(&KINDS, "");
        if up_to_date(&ctx, self.beat_id, &KINDS, &fingerprint).await? {
            info!("the lease files are already rendered from these inputs");
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
        let meta = meta(&inputs);
        let rendered = async {
            let ws = Workspace::new()?;
            let master_path = ws.fetch(&ctx, &master.storage_key, "master.wav").await?;
            let trackout_path = ws
                .fetch(&ctx, &trackout.storage_key, "trackout.zip")
                .await?;
            let (mp3, wav, bundle) = (
                ws.path("lease.mp3"),
                ws.path("lease.wav"),
                ws.path("bundle.zip"),
            );

            // The 320 kbps encode takes one core while the WAV lease and the bundle take the
            // other: the two halves finish at about the same time.
            let encode = {
                let (master, out, meta) = (master_path.clone(), mp3.clone(), meta.clone());
                ctx.blocking(move || render_mp3_lease(&master, &meta, &out))
            };
            let copy = {
                let (master, trackout, wav, bundle, meta) = (
                    master_path.clone(),
                    trackout_path.clone(),
                    wav.clone(),
                    bundle.clone(),
                    meta.clone(),
                );
                let limits = check_limits(&ctx);
                ctx.blocking(move || {
                    let wav_report = render_wav_lease(&master, &meta, &wav)?;
                    let bundle_report = build_bundle(&trackout, &meta, &limits, &bundle)?;
                    Ok::<_, trackout_render::RenderError>((wav_report, bundle_report))
                })
            };
            let (mp3_report, rest) = tokio::join!(encode, copy);
            let mp3_report = mp3_report?.map_err(render_error)?;
            let (wav_report, bundle_report) = rest?.map_err(render_error)?;
            // What the downloads and the library read back: the bundle writer's report,
            // offsets included, in the stored type.
            let bundle_details = bundle_contents(bundle_report)
                .to_details()
                .map_err(|e| JobError::Permanent(e.to_string()))?;

            let details = |v: serde_json::Result<serde_json::Value>| v.ok();
            store(
                &ctx,
                self.beat_id,
                DeliverableKind::Mp3Lease,
                &fingerprint,
                mp3,
                details(serde_json::to_value(&mp3_report)),
            )
            .await?;
            store(
                &ctx,
                self.beat_id,
                DeliverableKind::WavLease,
                &fingerprint,
                wav,
                details(serde_json::to_value(&wav_report)),
            )
            .await?;
            store(
                &ctx,
                self.beat_id,
                DeliverableKind::Bundle,
                &fingerprint,
                bundle,
                Some(bundle_details),
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

/// The renderer's report as the store keeps it, field by field: a field added or renamed on
/// either side does not compile until it is mapped here. Public for the big-file bench,
/// which stores a bundle it built as this job would.
pub fn bundle_contents(report: BundleReport) -> BundleContents {
    let BundleReport {
        folder,
        bytes,
        manifest_offset,
        stems,
        skipped,
    } = report;
    let stems = stems
        .into_iter()
        .map(|stem| {
            let BundledStem {
                path,
                data_offset,
                source,
                role,
                sample_rate,
                bit_depth,
                channels,
                frames,
                duration_seconds,
                bytes,
                sha256,
                peak_dbfs,
                loudness_lufs,
            } = stem;
            BundleStem {
                path,
                source,
                role,
                data_offset,
                bytes,
                sha256,
                sample_rate,
                bit_depth,
                channels,
                frames,
                duration_seconds,
                peak_dbfs,
                loudness_lufs,
            }
        })
        .collect();
    BundleContents {
        folder,
        bytes,
        manifest_offset,
        stems,
        skipped,
    }
}
