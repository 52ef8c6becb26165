use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use tracing::info;
use trackout_core::cover;
use trackout_core::jobs::RenderCover;
use trackout_core::services::covers::{
    self, CoverRenditions, StoredImage, StoredRendition, fingerprint, rendition_key,
};
use trackout_core::storage::ObjectKey;

use crate::{JobContext, JobError, RunJob};

async fn put(
    ctx: &JobContext,
    key: &ObjectKey,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<StoredImage, JobError> {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let body = futures_util::stream::once(async move { Ok(bytes::Bytes::from(bytes)) }).boxed();
    let size = ctx.storage.put(key, body, content_type).await?;
    Ok(StoredImage {
        key: key.to_string(),
        size,
        sha256,
    })
}

impl RunJob for RenderCover {
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let Some(row) = covers::render_input(&ctx.db, self.cover_id).await? else {
            info!(cover = %self.cover_id, "the cover is gone or already made");
            return Ok(());
        };
        let original =
            ObjectKey::parse(&row.original_key).map_err(|e| JobError::Permanent(e.to_string()))?;
        let body = ctx.storage.get(&original, None).await?;
        let limit = ctx.config.uploads.cover_bytes;
        if body.size > limit {
            return Err(JobError::Permanent(format!(
                "the stored cover is {} bytes, over the limit",
                body.size
            )));
        }
        let bytes: Vec<u8> = body
            .stream
            .try_fold(
                Vec::with_capacity(body.size as usize),
                |mut all, chunk| async move {
                    all.extend_from_slice(&chunk);
                    Ok(all)
                },
            )
            .await
            .map_err(|e| JobError::Retry(format!("reading the cover: {e}")))?;
        // Decode, crop and resize hold the CPU semaphore, like every render.
        let rendered = ctx.blocking(move || cover::render(&bytes)).await?;
        let sizes = match rendered {
            Ok(sizes) => sizes,
            Err(reason) => {
                // Bad input stays bad: the producer reads why on the beat's page.
                covers::record_failure(&ctx.db, row.id, &reason).await?;
                info!(cover = %row.id, %reason, "the cover could not be made");
                return Ok(());
            }
        };
        let fp = fingerprint(&row);
        let mut made = CoverRenditions {
            fingerprint: fp.clone(),
            sizes: Vec::with_capacity(sizes.len()),
        };
        for size in sizes {
            let jpeg = put(
                &ctx,
                &rendition_key(&row, &fp, size.width, "jpg")?,
                size.jpeg,
                "image/jpeg",
            )
            .await?;
            let webp = put(
                &ctx,
                &rendition_key(&row, &fp, size.width, "webp")?,
                size.webp,
                "image/webp",
            )
            .await?;
            made.sizes.push(StoredRendition {
                width: size.width,
                jpeg,
                webp,
            });
        }
        if !covers::record(&ctx.db, row.id, &made).await? {
            // Replaced while it rendered: what was just stored belongs to nothing.
            for s in &made.sizes {
                for key in [&s.jpeg.key, &s.webp.key] {
                    if let Ok(key) = ObjectKey::parse(key) {
                        ctx.storage.delete(&key).await?;
                    }
                }
            }
            info!(cover = %row.id, "the cover was replaced while it rendered");
            return Ok(());
        }
        info!(cover = %row.id, sizes = made.sizes.len(), "cover made");
        Ok(())
    }
}
