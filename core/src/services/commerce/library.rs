//! The buyer's library: what they bought, and a fresh link to every file their tier includes.

use entity::{beat, purchase, purchase_file, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::downloads::{self, PurchasedFile};
use crate::Result;
use crate::auth::Tokens;
use crate::domain::{BundleContents, DeliverableKind, LeaseTerms, PurchaseStatus, TierKind};
use crate::services::access::own_purchase;
use crate::services::{Actor, deliverables};

#[derive(Debug, Serialize, ToSchema)]
pub struct FileLink {
    /// `mp3`, `wav`, `bundle`, `stem:<name>`, `license.pdf` or `license.txt`.
    pub file: String,
    pub label: String,
    pub size_bytes: Option<u64>,
    /// A stem's role, for engineers (kick, 808, vocals…).
    pub role: Option<String>,
    pub duration_seconds: Option<f64>,
    /// `false` while the file is still being prepared.
    pub ready: bool,
    /// A signed link, valid until `expires_at` (Unix seconds); fetch the purchase again for a new one.
    pub url: Option<String>,
    pub expires_at: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseView {
    pub id: Uuid,
    pub beat_id: Uuid,
    pub beat_title: String,
    pub producer: String,
    pub tier: String,
    pub tier_name: String,
    pub price_cents: i64,
    pub currency: String,
    /// `pending`; `paid`; `held` (the amount charged was not the price: not delivered until
    /// the producer looks at it); `refunded` (returned in full, see `revoke_reason`);
    /// `revoked` (refunded or disputed after it was paid).
    pub status: String,
    pub license_id: Option<String>,
    pub terms: LeaseTerms,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it was refunded or revoked, in words.
    pub revoke_reason: Option<String>,
    /// Refunded so far; a partial refund keeps the license.
    pub refunded_cents: i64,
    pub files: Vec<FileLink>,
}

/// The files of a purchase with links (for the buyer, or through `share`).
pub(crate) async fn files(
    db: &DatabaseConnection,
    tokens: &Tokens,
    purchase: &purchase::Model,
    share: Option<Uuid>,
    ttl_seconds: u64,
    with_licenses: bool,
) -> Result<Vec<FileLink>> {
    if !PurchaseStatus::Paid.is(&purchase.status) {
        return Ok(Vec::new());
    }
    let tier = TierKind::parse(&purchase.tier_kind)?;
    let made: Vec<purchase_file::Model> = purchase_file::Entity::find()
        .filter(purchase_file::Column::PurchaseId.eq(purchase.id))
        .all(db)
        .await?;
    let made_size = |kind: &str| {
        made.iter()
            .find(|f| f.kind == kind)
            .map(|f| f.size_bytes.max(0) as u64)
    };
    let rendered = |kind: DeliverableKind| async move {
        deliverables::current(db, purchase.beat_id, kind)
            .await
            .map(|d| d.filter(|d| d.storage_key.is_some()))
    };
    let mut out = Vec::new();
    let mut push = |file: PurchasedFile,
                    label: String,
                    size: Option<u64>,
                    role: Option<String>,
                    duration: Option<f64>| {
        let ready = size.is_some();
        let (url, expires_at) = if ready {
            let (url, exp) = downloads::link(tokens, purchase.id, &file, share, ttl_seconds);
            (Some(url), Some(exp))
        } else {
            (None, None)
        };
        out.push(FileLink {
            file: file.name(),
            label,
            size_bytes: size,
            role,
            duration_seconds: duration,
            ready,
            url,
            expires_at,
        });
    };
    if PurchasedFile::Bundle.included_in(tier) {
        push(
            PurchasedFile::Bundle,
            "Trackout (all stems, zip)".into(),
            made_size("bundle"),
            None,
            None,
        );
        let stems = match rendered(DeliverableKind::Bundle).await? {
            Some(bundle) => BundleContents::from_details(bundle.details.as_ref())?.stems,
            None => Vec::new(),
        };
        for stem in stems {
            let name = stem.file_name().to_owned();
            push(
                PurchasedFile::Stem(name.clone()),
                name,
                Some(stem.bytes),
                Some(stem.role),
                Some(stem.duration_seconds),
            );
        }
    }
    if PurchasedFile::Wav.included_in(tier) {
        let wav = rendered(DeliverableKind::WavLease).await?;
        push(
            PurchasedFile::Wav,
            "WAV (untagged master)".into(),
            wav.and_then(|d| d.size_bytes).map(|s| s.max(0) as u64),
            None,
            None,
        );
    }
    if PurchasedFile::Mp3.included_in(tier) {
        let mp3 = rendered(DeliverableKind::Mp3Lease).await?;
        push(
            PurchasedFile::Mp3,
            "MP3 (320 kbps)".into(),
            mp3.and_then(|d| d.size_bytes).map(|s| s.max(0) as u64),
            None,
            None,
        );
    }
    if with_licenses {
        push(
            PurchasedFile::LicensePdf,
            "License agreement (PDF)".into(),
            made_size("license_pdf"),
            None,
            None,
        );
        push(
            PurchasedFile::LicenseTxt,
            "License agreement (text)".into(),
            made_size("license_txt"),
            None,
            None,
        );
    }
    Ok(out)
}

async fn view(
    db: &DatabaseConnection,
    tokens: &Tokens,
    p: purchase::Model,
    ttl_seconds: u64,
) -> Result<PurchaseView> {
    let beat = beat::Entity::find_by_id(p.beat_id).one(db).await?;
    let producer = match &beat {
        Some(b) => user::Entity::find_by_id(b.producer_id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let files = files(db, tokens, &p, None, ttl_seconds, true).await?;
    Ok(PurchaseView {
        id: p.id,
        beat_id: p.beat_id,
        beat_title: p.beat_title,
        producer: producer.unwrap_or_default(),
        tier: p.tier_kind,
        tier_name: p.tier_name,
        price_cents: p.price_cents,
        currency: p.currency,
        status: p.status,
        license_id: p.license_id,
        terms: LeaseTerms::from_stored(&p.terms)?,
        created_at: p.created_at,
        paid_at: p.paid_at,
        revoked_at: p.revoked_at,
        revoke_reason: p.revoke_reason,
        refunded_cents: p.amount_refunded_cents,
        files,
    })
}

/// The buyer's purchases, newest first (abandoned checkouts left out).
pub async fn list(
    db: &DatabaseConnection,
    tokens: &Tokens,
    actor: &Actor,
    ttl_seconds: u64,
) -> Result<Vec<PurchaseView>> {
    let purchases = purchase::Entity::find()
        .filter(purchase::Column::BuyerId.eq(actor.user_id))
        .filter(purchase::Column::Status.ne(PurchaseStatus::Cancelled.as_str()))
        .order_by_desc(purchase::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(purchases.len());
    for p in purchases {
        out.push(view(db, tokens, p, ttl_seconds).await?);
    }
    Ok(out)
}

pub async fn get(
    db: &DatabaseConnection,
    tokens: &Tokens,
    actor: &Actor,
    id: Uuid,
    ttl_seconds: u64,
) -> Result<PurchaseView> {
    let p = own_purchase(db, actor, id).await?;
    view(db, tokens, p, ttl_seconds).await
}
