//! Shared steps of the render jobs: inputs come down into a private temp folder, outputs go
//! up under deterministic keys and are recorded.

use std::path::PathBuf;
use std::sync::Arc;

use trackout_core::domain::{DeliverableKind, DeliverableState};
use trackout_core::services::deliverables::{self, RenderInputs, Rendered};
use trackout_core::storage::{IngestError, Ingested, ObjectKey, download_to, ingest};
use trackout_render::{BeatMeta, CheckLimits, Writer};
use uuid::Uuid;

use crate::{JobContext, JobError};

/// A temporary folder that disappears with the job, however it ends.
pub(crate) struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Result<Workspace, JobError> {
        tempfile::tempdir()
            .map(|dir| Workspace { dir })
            .map_err(|e| JobError::Retry(format!("creating a temp folder: {e}")))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub async fn fetch(
        &self,
        ctx: &JobContext,
        storage_key: &str,
        name: &str,
    ) -> Result<PathBuf, JobError> {
        let key = ObjectKey::parse(storage_key).map_err(|e| JobError::Permanent(e.to_string()))?;
        let path = self.path(name);
        download_to(ctx.storage.as_ref(), &key, &path).await?;
        Ok(path)
    }
}

/// Uploads a rendered file under its deterministic key and records it as done. Uploading the
/// same bytes to the same key twice is harmless, which is what makes a rerun safe.
pub(crate) async fn store(
    ctx: &Arc<JobContext>,
    beat_id: Uuid,
    kind: DeliverableKind,
    fingerprint: &str,
    path: PathBuf,
    details: Option<serde_json::Value>,
) -> Result<(), JobError> {
    let key = deliverables::key_for(beat_id, kind, fingerprint);
    // Dropped before it ends (the job cancelled by newer uploads), this sweeps the file. An
    // error is not a drop: the job's retry writes the same key again.
    let unrecorded = Unrecorded {
        ctx: Arc::clone(ctx),
        key: Some(key.clone()),
    };
    let stored = async {
        // One pass: the file is hashed and counted while it streams up (`ingest`).
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| JobError::Retry(format!("opening the rendered {}: {e}", kind.as_str())))?;
        let body = tokio_util::io::ReaderStream::with_capacity(file, 1 << 20);
        let Ingested { size, sha256, .. } = ingest(
            ctx.storage.as_ref(),
            &key,
            body,
            u64::MAX,
            kind.content_type(),
        )
        .await
        .map_err(|e| match e {
            IngestError::Storage(e) => JobError::from(e),
            other => JobError::Retry(format!("storing the rendered {}: {other}", kind.as_str())),
        })?;
        let rendered = Rendered {
            kind,
            key: key.clone(),
            size,
            sha256,
            details,
        };
        deliverables::record_done(&ctx.db, beat_id, fingerprint, rendered).await?;
        Ok(())
    }
    .await;
    unrecorded.disarm();
    stored
}

/// Armed while a rendered file may be in the bucket with no row naming it. A job cancelled
/// by newer uploads is dropped wherever it stands, between the upload and its record too;
/// dropped armed, this has the file swept (a cancelled store used to leave it for good).
struct Unrecorded {
    ctx: Arc<JobContext>,
    key: Option<ObjectKey>,
}

impl Unrecorded {
    fn disarm(mut self) {
        self.key = None;
    }
}

impl Drop for Unrecorded {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(%key, "a cancelled render's file could not be swept: no runtime");
            return;
        };
        let ctx = Arc::clone(&self.ctx);
        runtime.spawn(async move {
            if let Err(e) = deliverables::sweep_unrecorded(&ctx.db, &key).await {
                tracing::error!(%key, error = %e, "a cancelled render's file could not be swept");
            }
        });
    }
}

/// Marks `kinds` failed with the reason, then hands the error back to the runner (which
/// retries or buries the job).
pub(crate) async fn failed(
    ctx: &JobContext,
    beat_id: Uuid,
    kinds: &[DeliverableKind],
    fingerprint: &str,
    error: JobError,
) -> JobError {
    let reason = error.to_string();
    if let Err(e) = deliverables::set_state(
        &ctx.db,
        beat_id,
        kinds,
        DeliverableState::Failed,
        fingerprint,
        Some(&reason),
    )
    .await
    {
        tracing::error!(error = %e, "recording a failed render");
    }
    error
}

/// Whether every one of `kinds` is already rendered from exactly these inputs.
pub(crate) async fn up_to_date(
    ctx: &JobContext,
    beat_id: Uuid,
    kinds: &[DeliverableKind],
    fingerprint: &str,
) -> Result<bool, JobError> {
    for kind in kinds {
        let row = deliverables::current(&ctx.db, beat_id, *kind).await?;
        if !row.is_some_and(|d| DeliverableState::Done.is(&d.state) && d.fingerprint == fingerprint)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(crate) fn meta(inputs: &RenderInputs) -> BeatMeta {
    BeatMeta {
        title: inputs.beat.title.clone(),
        producer: inputs.producer_name.clone(),
        // A preview can render before the tempo or key is known (the check heard none); 0 and
        // "" are what the render leaves out of the tags. The bundle renders only once sold.
        bpm: inputs
            .beat
            .bpm
            .and_then(|b| u16::try_from(b).ok())
            .unwrap_or(0),
        key: inputs.beat.musical_key.clone().unwrap_or_default(),
        genre: inputs.beat.genre.clone(),
        isrc: inputs.beat.isrc.clone(),
        year: Some(chrono::Datelike::year(&inputs.beat.created_at) as u16),
        license_note: "Licensed through Trackout: see the license that came with your purchase"
            .into(),
        writers: vec![Writer {
            name: inputs.producer_name.clone(),
            role: Some("producer".into()),
            split_percent: None,
        }],
    }
}

/// The check's limits from the store's configuration: the check and the bundle list a
/// trackout under the same ones.
pub(crate) fn check_limits(ctx: &JobContext) -> CheckLimits {
    ctx.config.check
}

pub(crate) fn render_error(e: trackout_render::RenderError) -> JobError {
    // Renders are deterministic: an input that fails once fails every time. Reading or writing
    // the files is not: a full temp disk or a storage hiccup passes.
    if e.code() == "io" {
        JobError::Retry(e.to_string())
    } else {
        JobError::Permanent(e.to_string())
    }
}
