//! Sharing a purchase's stems with a mixing engineer: a link that needs no account, expires,
//! can be capped and revoked, and logs every download for the artist to see.

use chrono::{Duration, Utc};
use entity::{beat, download, purchase, share};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::downloads::PurchasedFile;
use super::library::{FileLink, files};
use crate::auth::{TokenKind, Tokens};
use crate::domain::{PurchaseStatus, TierKind};
use crate::services::Actor;
use crate::services::access::own_purchase;
use crate::{Error, Result};

const MAX_LIFETIME_SECONDS: u64 = 90 * 24 * 3600;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShare {
    /// Who it is for, e.g. "Mix engineer — Sam".
    pub label: String,
    /// Seconds until the link stops working (at most 90 days).
    pub expires_in: u64,
    /// How many downloads the link allows; unlimited when absent.
    pub max_downloads: Option<u32>,
    /// The engineer's email: the link is also mailed there.
    #[schema(value_type = Option<String>, example = "sam@studio.example")]
    pub email: Option<crate::domain::Email>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareDownload {
    pub file: String,
    pub at: chrono::DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub id: Uuid,
    pub label: String,
    /// The link to hand over (only when the share is created: it is not stored).
    pub url: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub expires_at: chrono::DateTime<Utc>,
    pub max_downloads: Option<i32>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
    pub downloads: Vec<ShareDownload>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ShareClaims {
    iss: String,
    aud: String,
    sub: Uuid,
    purchase: Uuid,
    iat: u64,
    exp: u64,
}

fn shareable(purchase: &purchase::Model) -> Result<()> {
    if !PurchaseStatus::Paid.is(&purchase.status) {
        return Err(Error::conflict(
            "not_paid",
            "only a completed purchase can be shared",
        ));
    }
    if !PurchasedFile::Bundle.included_in(TierKind::parse(&purchase.tier_kind)?) {
        return Err(Error::conflict(
            "no_stems",
            "this tier has no stems to share",
        ));
    }
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    tokens: &Tokens,
    actor: &Actor,
    purchase_id: Uuid,
    new: NewShare,
) -> Result<ShareView> {
    let purchase = own_purchase(db, actor, purchase_id).await?;
    shareable(&purchase)?;
    let label = crate::domain::clean_text("label", "label", &new.label, 80)?;
    if !(60..=MAX_LIFETIME_SECONDS).contains(&new.expires_in) {
        return Err(Error::invalid(
            "expires_in",
            "a share lasts from one minute to 90 days (in seconds)",
        ));
    }
    if new.max_downloads == Some(0) || new.max_downloads.is_some_and(|m| m > 10_000) {
        return Err(Error::invalid(
            "max_downloads",
            "max_downloads must be from 1 to 10000",
        ));
    }
    let now = Utc::now();
    let expires_at = now + Duration::seconds(new.expires_in as i64);
    let txn = crate::db::write_txn(db).await?;
    let row = share::ActiveModel {
        id: Set(Uuid::now_v7()),
        purchase_id: Set(purchase.id),
        label: Set(label),
        created_at: Set(now),
        expires_at: Set(expires_at),
        max_downloads: Set(new.max_downloads.map(|m| m as i32)),
        downloads_used: Set(0),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    if let Some(email) = &new.email {
        crate::services::notices::share_link(&txn, row.id, email).await?;
    }
    txn.commit().await?;
    let url = share_path(tokens, &row);
    let mut view = view(row, Vec::new());
    view.url = Some(url);
    Ok(view)
}

/// `/s/<token>` for a share: the token is signed from the row, so the same link can be made
/// again (for the mail that sends it) without storing it.
pub fn share_path(tokens: &Tokens, share: &share::Model) -> String {
    let claims = ShareClaims {
        iss: Tokens::issuer().into(),
        aud: Tokens::audience(TokenKind::Share).into(),
        sub: share.id,
        purchase: share.purchase_id,
        iat: share.created_at.timestamp().max(0) as u64,
        exp: share.expires_at.timestamp() as u64,
    };
    format!("/s/{}", tokens.sign(TokenKind::Share, &claims))
}

fn view(s: share::Model, downloads: Vec<download::Model>) -> ShareView {
    ShareView {
        id: s.id,
        label: s.label,
        url: None,
        created_at: s.created_at,
        expires_at: s.expires_at,
        max_downloads: s.max_downloads,
        revoked_at: s.revoked_at,
        downloads: downloads
            .into_iter()
            .map(|d| ShareDownload {
                file: d.file,
                at: d.created_at,
            })
            .collect(),
    }
}

pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    purchase_id: Uuid,
) -> Result<Vec<ShareView>> {
    let purchase = own_purchase(db, actor, purchase_id).await?;
    let shares = share::Entity::find()
        .filter(share::Column::PurchaseId.eq(purchase.id))
        .order_by_desc(share::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(shares.len());
    for s in shares {
        let downloads = download::Entity::find()
            .filter(download::Column::ShareId.eq(s.id))
            .order_by_desc(download::Column::CreatedAt)
            .all(db)
            .await?;
        out.push(view(s, downloads));
    }
    Ok(out)
}

pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    purchase_id: Uuid,
    share_id: Uuid,
) -> Result<()> {
    let purchase = own_purchase(db, actor, purchase_id).await?;
    let share = share::Entity::find_by_id(share_id)
        .filter(share::Column::PurchaseId.eq(purchase.id))
        .one(db)
        .await?
        .ok_or(Error::NotFound("share"))?;
    if share.revoked_at.is_none() {
        let mut row: share::ActiveModel = share.into();
        row.revoked_at = Set(Some(Utc::now()));
        row.update(db).await?;
    }
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SharePage {
    pub label: String,
    pub beat_title: String,
    pub bpm: i32,
    pub key: String,
    pub artist: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub max_downloads: Option<i32>,
    pub downloads_used: usize,
    /// The whole bundle first, then each stem; links are resumable (HTTP Range).
    pub files: Vec<FileLink>,
    /// Each stem's format and length as the check measured it, to set the session up with.
    pub stems: Vec<crate::services::stems::StemInfo>,
}

/// What an engineer sees behind a share link.
pub async fn open(
    db: &DatabaseConnection,
    tokens: &Tokens,
    token: &str,
    ttl_seconds: u64,
) -> Result<SharePage> {
    let claims: ShareClaims = tokens
        .verify(TokenKind::Share, token)
        .map_err(|_| Error::NotFound("share"))?;
    let share = share::Entity::find_by_id(claims.sub)
        .filter(share::Column::PurchaseId.eq(claims.purchase))
        .one(db)
        .await?
        .ok_or(Error::NotFound("share"))?;
    super::downloads::check_share(&share)?;
    let purchase = purchase::Entity::find_by_id(share.purchase_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("share"))?;
    if !PurchaseStatus::Paid.is(&purchase.status) {
        return Err(Error::Forbidden(
            "the purchase behind this link is no longer valid".into(),
        ));
    }
    let beat = beat::Entity::find_by_id(purchase.beat_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("share"))?;
    let (bpm, key) = crate::services::listing::on_sale(&beat)?;
    let used = super::download_count::used(&share);
    let ttl = ttl_seconds.min((share.expires_at - Utc::now()).num_seconds().max(1) as u64);
    let files = files(db, tokens, &purchase, Some(share.id), ttl, false)
        .await?
        .into_iter()
        .filter(|f| f.file == "bundle" || f.file.starts_with("stem:"))
        .collect();
    Ok(SharePage {
        label: share.label,
        beat_title: purchase.beat_title.clone(),
        bpm,
        key,
        artist: purchase.buyer_name,
        expires_at: share.expires_at,
        max_downloads: share.max_downloads,
        downloads_used: used,
        files,
        stems: crate::services::stems::of_beat(db, beat.id).await?,
    })
}
