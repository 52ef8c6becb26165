use std::sync::Arc;

use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tracing::info;
use trackout_core::domain::PurchaseStatus;
use trackout_core::domain::percent_text;
use trackout_core::jobs::FulfillPurchase;
use trackout_core::license::LicenseDocument;
use trackout_core::services::commerce::fulfillment::{self, MadeFile};
use trackout_core::services::notices;
use trackout_core::storage::{ObjectKey, RangedReader};
use trackout_render::{BundleFile, SplitParty, personalize_bundle_with_splits};

use super::workspace::Workspace;
use crate::{JobContext, JobError, RunJob};

fn key(raw: String) -> Result<ObjectKey, JobError> {
    ObjectKey::parse(&raw).map_err(|e| JobError::Permanent(e.to_string()))
}

async fn put_bytes(
    ctx: &JobContext,
    key: &ObjectKey,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<(u64, String), JobError> {
    let sha = hex::encode(Sha256::digest(&bytes));
    let body = futures_util::stream::once(async move { Ok(bytes::Bytes::from(bytes)) }).boxed();
    let size = ctx.storage.put(key, body, content_type).await?;
    Ok((size, sha))
}

impl RunJob for FulfillPurchase {
    /// Makes the files, then mails the receipt (and the producer's notice). A failed attempt
    /// mails the receipt at once, saying the files follow; "your files are ready" comes when a
    /// later attempt succeeds.
    async fn run(self, ctx: Arc<JobContext>) -> Result<(), JobError> {
        let purchase_id = self.purchase_id;
        match fulfil(self, &ctx).await {
            Ok(()) => Ok(notices::purchase_fulfilled(&ctx.db, purchase_id).await?),
            Err(e) => {
                if let Err(mail) = notices::fulfilment_delayed(&ctx.db, purchase_id).await {
                    tracing::warn!(error = %mail, "enqueueing the receipt of a late fulfilment failed");
                }
                Err(e)
            }
        }
    }
}

/// The license files and, for stems, the personalized bundle.
async fn fulfil(job: FulfillPurchase, ctx: &Arc<JobContext>) -> Result<(), JobError> {
    {
        let ctx = Arc::clone(ctx);
        let Some(order) = fulfillment::inputs(&ctx.db, job.purchase_id).await? else {
            info!("the purchase is gone");
            return Ok(());
        };
        if !PurchaseStatus::Paid.is(&order.purchase.status) {
            info!(status = %order.purchase.status, "the purchase is not paid; nothing to deliver");
            return Ok(());
        }
        let id = order.purchase.id;
        // A paid purchase always has its license number; without one, no license is printed.
        let license_id = order.purchase.license_id.clone().ok_or_else(|| {
            JobError::Permanent(format!(
                "purchase {} is paid but has no license id",
                order.purchase.id
            ))
        })?;
        let (bpm, musical_key) = trackout_core::services::listing::on_sale(&order.beat)?;
        let document = LicenseDocument {
            license_id: license_id.clone(),
            date: order
                .purchase
                .paid_at
                .unwrap_or(order.purchase.created_at)
                .format("%Y-%m-%d")
                .to_string(),
            producer: order.producer.clone(),
            licensee: order.purchase.buyer_name.clone(),
            beat_title: order.purchase.beat_title.clone(),
            bpm,
            key: musical_key,
            tier: order.tier,
            tier_name: order.purchase.tier_name.clone(),
            price_cents: order.purchase.price_cents,
            currency: order.purchase.currency.clone(),
            terms: order.terms,
            verify_url: format!("{}/licenses/{}", ctx.config.public_url(), license_id),
            parties: order.parties.clone(),
        };
        let (text, pdf) = (document.text().into_bytes(), document.pdf());

        // Deterministic keys: a rerun writes the same bytes to the same places.
        let pdf_key = key(format!("purchases/{id}/license.pdf"))?;
        let txt_key = key(format!("purchases/{id}/license.txt"))?;
        let (pdf_size, pdf_sha) = put_bytes(&ctx, &pdf_key, pdf.clone(), "application/pdf").await?;
        let (txt_size, txt_sha) =
            put_bytes(&ctx, &txt_key, text.clone(), "text/plain; charset=utf-8").await?;
        let mut made = vec![
            MadeFile::whole("license_pdf", pdf_key, pdf_size, pdf_sha),
            MadeFile::whole("license_txt", txt_key, txt_size, txt_sha),
        ];

        if order.includes_trackout {
            let base = order
                .bundle
                .ok_or_else(|| JobError::Retry("the trackout bundle is not rendered yet".into()))?;
            let ws = Workspace::new()?;
            let tail_path = ws.path("tail.zip");
            let extras = vec![
                BundleFile {
                    name: "LICENSE.pdf".into(),
                    bytes: pdf,
                },
                BundleFile {
                    name: "LICENSE.txt".into(),
                    bytes: text,
                },
            ];
            let note = format!(
                "Licensed to {} ({})",
                order.purchase.buyer_name, document.license_id
            );
            let (storage, base_key, base_size, out) = (
                ctx.storage.clone(),
                base.key.clone(),
                base.size,
                tail_path.clone(),
            );
            let splits: Vec<SplitParty> = order
                .parties
                .iter()
                .map(|p| SplitParty {
                    name: p.name.clone(),
                    role: p.role.clone(),
                    profit_percent: percent_text(p.profit_bps),
                    publishing_percent: percent_text(p.publishing_bps),
                })
                .collect();
            let runtime = tokio::runtime::Handle::current();
            let (tail, fetched) = ctx
                .blocking(move || {
                    let mut reader = RangedReader::new(storage, base_key, base_size, runtime);
                    let mut file = std::fs::File::create(&out)?;
                    let tail = personalize_bundle_with_splits(
                        &mut reader,
                        &extras,
                        &note,
                        &splits,
                        &mut file,
                    )
                    .map_err(std::io::Error::other)?;
                    file.sync_all()?;
                    Ok::<_, std::io::Error>((tail, reader.fetched))
                })
                .await?
                // The base is read from storage through the ranged reader: a failure there is
                // storage failing (retried), not a bad bundle.
                .map_err(|e| JobError::Retry(format!("personalizing the bundle: {e}")))?;
            info!(
                read_from_base = fetched,
                base = base.size,
                tail = tail.tail_bytes,
                "bundle personalized"
            );
            let tail_key = key(format!("purchases/{id}/bundle-tail.zip"))?;
            let tail_bytes =
                std::fs::read(&tail_path).map_err(|e| JobError::Retry(e.to_string()))?;
            let (_, tail_sha) = put_bytes(&ctx, &tail_key, tail_bytes, "application/zip").await?;
            // A strong validator for the joined file without reading the stems again.
            let joined_sha = hex::encode(Sha256::digest(format!(
                "{}:{}:{}",
                base.sha256, tail.keep_prefix_bytes, tail_sha
            )));
            made.push(MadeFile {
                kind: "bundle",
                key: tail_key,
                size: tail.total_bytes,
                sha256: joined_sha,
                prefix: Some((base.key, tail.keep_prefix_bytes)),
            });
        }
        fulfillment::record(&ctx.db, id, made).await?;
        info!(purchase = %id, "purchase fulfilled");
        Ok(())
    }
}
