//! What a buyer (or their engineer) may download, and the signed links to it. A link is a
//! short-lived token bound to one purchase and one file; opening it re-checks the purchase,
//! so a refund revokes links already handed out.

use std::time::Instant;

use chrono::Utc;
use entity::{deliverable, purchase, purchase_file, share};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{TokenKind, Tokens, now_seconds};
use crate::config::CacheConfig;
use crate::domain::{BundleContents, DeliverableKind, PurchaseStatus, TierKind};
use crate::fresh::Fresh;
use crate::services::deliverables;
use crate::storage::ObjectKey;
use crate::{Error, Result};

/// One file of a purchase, as it appears in links: `mp3`, `wav`, `bundle`, `stem:<name>`,
/// `license.pdf`, `license.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchasedFile {
    Mp3,
    Wav,
    Bundle,
    Stem(String),
    LicensePdf,
    LicenseTxt,
}

impl PurchasedFile {
    pub fn name(&self) -> String {
        match self {
            PurchasedFile::Mp3 => "mp3".into(),
            PurchasedFile::Wav => "wav".into(),
            PurchasedFile::Bundle => "bundle".into(),
            PurchasedFile::Stem(stem) => format!("stem:{stem}"),
            PurchasedFile::LicensePdf => "license.pdf".into(),
            PurchasedFile::LicenseTxt => "license.txt".into(),
        }
    }

    pub fn parse(raw: &str) -> Option<PurchasedFile> {
        Some(match raw {
            "mp3" => PurchasedFile::Mp3,
            "wav" => PurchasedFile::Wav,
            "bundle" => PurchasedFile::Bundle,
            "license.pdf" => PurchasedFile::LicensePdf,
            "license.txt" => PurchasedFile::LicenseTxt,
            other => PurchasedFile::Stem(other.strip_prefix("stem:")?.to_owned()),
        })
    }

    /// Whether a buyer of `tier` receives this file.
    pub fn included_in(&self, tier: TierKind) -> bool {
        let includes = tier.includes();
        match self {
            PurchasedFile::Mp3 => includes.contains(&"mp3"),
            PurchasedFile::Wav => includes.contains(&"wav"),
            PurchasedFile::Bundle | PurchasedFile::Stem(_) => includes.contains(&"trackout"),
            PurchasedFile::LicensePdf | PurchasedFile::LicenseTxt => true,
        }
    }
}

/// Where a file's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    Whole(ObjectKey),
    /// A stem: a stored (uncompressed) entry of the bundle, contiguous in the object.
    Slice {
        key: ObjectKey,
        start: u64,
    },
    /// A personalized bundle: the base bundle's first `prefix_len` bytes, then the tail.
    Joined {
        prefix: ObjectKey,
        prefix_len: u64,
        tail: ObjectKey,
    },
}

#[derive(Debug, Clone)]
pub struct Download {
    pub source: Source,
    pub size: u64,
    pub sha256: String,
    pub content_type: &'static str,
    /// The name the file is saved under.
    pub file_name: String,
    pub purchase_id: Uuid,
    pub file: PurchasedFile,
    /// Set when the link came through a share: whose limit the download counts against.
    pub share: Option<ShareLimit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareLimit {
    pub share_id: Uuid,
    /// `None`: the artist set no limit.
    pub max_downloads: Option<i32>,
}

impl Download {
    /// Whether every byte must pass through us to be counted (a presigned redirect could be
    /// fetched again and again while it lives).
    pub fn is_limited(&self) -> bool {
        self.share.is_some_and(|s| s.max_downloads.is_some())
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct DownloadClaims {
    iss: String,
    aud: String,
    /// The purchase.
    sub: Uuid,
    file: String,
    share: Option<Uuid>,
    iat: u64,
    exp: u64,
}

/// A link valid for `ttl_seconds`, for the buyer or (with `share`) through a share.
pub fn link(
    tokens: &Tokens,
    purchase_id: Uuid,
    file: &PurchasedFile,
    share: Option<Uuid>,
    ttl_seconds: u64,
) -> (String, u64) {
    let now = now_seconds();
    let claims = DownloadClaims {
        iss: Tokens::issuer().into(),
        aud: Tokens::audience(TokenKind::Download).into(),
        sub: purchase_id,
        file: file.name(),
        share,
        iat: now,
        exp: now + ttl_seconds,
    };
    let token = tokens.sign(TokenKind::Download, &claims);
    (format!("/d/{token}"), claims.exp)
}

fn safe_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The bytes behind `file` of `purchase`, if they are ready.
pub async fn resolve(
    db: &DatabaseConnection,
    purchase: &purchase::Model,
    file: &PurchasedFile,
    beat_title: &str,
) -> Result<Download> {
    let not_ready = || {
        Error::conflict(
            "file_not_ready",
            "this file is still being prepared; try again in a minute",
        )
    };
    let base = safe_name(beat_title);
    let from_deliverable = |d: Option<deliverable::Model>| -> Result<(ObjectKey, u64, String, Option<serde_json::Value>)> {
        let d = d.ok_or_else(not_ready)?;
        match (d.storage_key, d.size_bytes, d.sha256) {
            (Some(key), Some(size), Some(sha)) => Ok((ObjectKey::parse(&key)?, size.max(0) as u64, sha, d.details)),
            _ => Err(not_ready()),
        }
    };
    let purchase_file = |kind: &'static str| async move {
        purchase_file::Entity::find_by_id((purchase.id, kind.to_owned()))
            .one(db)
            .await?
            .ok_or_else(not_ready)
    };
    let (source, size, sha256, content_type, file_name) = match file {
        PurchasedFile::Mp3 | PurchasedFile::Wav => {
            let kind = if *file == PurchasedFile::Mp3 {
                DeliverableKind::Mp3Lease
            } else {
                DeliverableKind::WavLease
            };
            let (key, size, sha, _) =
                from_deliverable(deliverables::current(db, purchase.beat_id, kind).await?)?;
            let ext = if *file == PurchasedFile::Mp3 {
                "mp3"
            } else {
                "wav"
            };
            (
                Source::Whole(key),
                size,
                sha,
                kind.content_type(),
                format!("{base}.{ext}"),
            )
        }
        PurchasedFile::Stem(name) => {
            let (key, _, _, details) = from_deliverable(
                deliverables::current(db, purchase.beat_id, DeliverableKind::Bundle).await?,
            )?;
            let contents = BundleContents::from_details(details.as_ref())?;
            let stem = contents.stem(name).ok_or(Error::NotFound("stem"))?;
            (
                Source::Slice {
                    key,
                    start: stem.data_offset,
                },
                stem.bytes,
                stem.sha256.clone(),
                "audio/wav",
                // "Velvet Hours - Kick.wav": a folder of downloads from several beats stays readable.
                format!("{base} - {}", safe_name(name)),
            )
        }
        PurchasedFile::Bundle => {
            let f = purchase_file("bundle").await?;
            let tail = ObjectKey::parse(&f.storage_key)?;
            let source = match f.prefix_key {
                Some(prefix) => Source::Joined {
                    prefix: ObjectKey::parse(&prefix)?,
                    prefix_len: f.prefix_bytes.max(0) as u64,
                    tail,
                },
                None => Source::Whole(tail),
            };
            (
                source,
                f.size_bytes.max(0) as u64,
                f.sha256,
                "application/zip",
                format!("{base} - Trackout.zip"),
            )
        }
        PurchasedFile::LicensePdf | PurchasedFile::LicenseTxt => {
            let (kind, content_type, ext) = if *file == PurchasedFile::LicensePdf {
                ("license_pdf", "application/pdf", "pdf")
            } else {
                ("license_txt", "text/plain; charset=utf-8", "txt")
            };
            let f = purchase_file(kind).await?;
            (
                Source::Whole(ObjectKey::parse(&f.storage_key)?),
                f.size_bytes.max(0) as u64,
                f.sha256,
                content_type,
                format!("{base} - License.{ext}"),
            )
        }
    };
    Ok(Download {
        source,
        size,
        sha256,
        content_type,
        file_name,
        purchase_id: purchase.id,
        file: file.clone(),
        share: None,
    })
}

/// Checks a purchase may still deliver `file`: paid, not refunded or disputed, and the tier
/// includes the file. Anything else answers as if the file did not exist, except a revoked
/// purchase, which the buyer is told about.
pub(crate) fn check_access(purchase: &purchase::Model, file: &PurchasedFile) -> Result<()> {
    match PurchaseStatus::from_db(&purchase.status) {
        Some(PurchaseStatus::Paid) => {}
        Some(PurchaseStatus::Revoked) => {
            return Err(Error::Forbidden(format!(
                "this purchase was {}; its files are no longer available",
                purchase.revoke_reason.as_deref().unwrap_or("revoked")
            )));
        }
        Some(PurchaseStatus::Refunded) => {
            return Err(Error::Forbidden(format!(
                "this payment was refunded in full: {}",
                purchase
                    .revoke_reason
                    .as_deref()
                    .unwrap_or("the beat was no longer for sale")
            )));
        }
        Some(PurchaseStatus::Held) => {
            return Err(Error::Forbidden(
                "this purchase is held for review: the amount charged was not the price; the producer has been told"
                    .into(),
            ));
        }
        _ => return Err(Error::NotFound("file")),
    }
    let tier = TierKind::parse(&purchase.tier_kind)?;
    if !file.included_in(tier) {
        return Err(Error::NotFound("file"));
    }
    Ok(())
}

/// Checks a share may still be used: not revoked, not expired. Its limit is taken when the
/// bytes are served (see `download_count`).
pub(crate) fn check_share(share: &share::Model) -> Result<()> {
    if share.revoked_at.is_some() {
        return Err(Error::Forbidden(
            "this link was revoked by the artist".into(),
        ));
    }
    if share.expires_at < Utc::now() {
        return Err(Error::Forbidden(
            "this link has expired; ask the artist for a new one".into(),
        ));
    }
    Ok(())
}

/// What opened links resolve to, by (purchase, file, share), each kept for the configured
/// staleness (`crate::fresh`): that bound is how long a refund, a lost dispute or a revoked
/// share takes to close links already handed out, in every process. Only links that open
/// are kept; a refused one is asked of the database every time.
#[derive(Clone)]
pub struct LinkCache(Fresh<(Uuid, String, Option<Uuid>), Download>);

impl LinkCache {
    pub fn new(config: &CacheConfig) -> Self {
        LinkCache(Fresh::new(config.staleness(), config.links))
    }
}

/// Opens a `/d/` link: checks the token, that the purchase still stands and the share (if any)
/// is still open, and finds the bytes. Nothing is counted yet: what counts is the range
/// actually served (`download_count::charge`).
pub async fn open(
    db: &DatabaseConnection,
    tokens: &Tokens,
    cache: &LinkCache,
    token: &str,
) -> Result<Download> {
    let claims: DownloadClaims = tokens.verify(TokenKind::Download, token).map_err(|e| {
        Error::unauthorized(
            "invalid_link",
            format!("this download link is not valid ({e}); get a fresh one from your library"),
        )
    })?;
    let key = (claims.sub, claims.file, claims.share);
    if let Some(download) = cache.0.get(&key) {
        return Ok(download);
    }
    let read_at = Instant::now();
    let download = open_uncached(db, &key).await?;
    cache.0.put(key, download.clone(), read_at);
    Ok(download)
}

async fn open_uncached(
    db: &DatabaseConnection,
    (purchase_id, file, share): &(Uuid, String, Option<Uuid>),
) -> Result<Download> {
    let file = PurchasedFile::parse(file).ok_or(Error::NotFound("file"))?;
    let purchase = purchase::Entity::find_by_id(*purchase_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("file"))?;
    check_access(&purchase, &file)?;
    let share = match *share {
        Some(share_id) => {
            let share = share::Entity::find_by_id(share_id)
                .filter(share::Column::PurchaseId.eq(purchase.id))
                .one(db)
                .await?
                .ok_or(Error::NotFound("file"))?;
            check_share(&share)?;
            Some(ShareLimit {
                share_id,
                max_downloads: share.max_downloads,
            })
        }
        None => None,
    };
    let mut download = resolve(db, &purchase, &file, &purchase.beat_title).await?;
    download.share = share;
    Ok(download)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip_and_follow_the_tier() {
        for f in [
            PurchasedFile::Mp3,
            PurchasedFile::Wav,
            PurchasedFile::Bundle,
            PurchasedFile::Stem("Kick.wav".into()),
            PurchasedFile::LicensePdf,
        ] {
            assert_eq!(PurchasedFile::parse(&f.name()), Some(f));
        }
        assert!(PurchasedFile::parse("../etc").is_none());
        assert!(!PurchasedFile::Wav.included_in(TierKind::Mp3Lease));
        assert!(!PurchasedFile::Stem("Kick.wav".into()).included_in(TierKind::WavLease));
        assert!(PurchasedFile::Bundle.included_in(TierKind::Exclusive));
        assert!(PurchasedFile::LicensePdf.included_in(TierKind::Mp3Lease));
    }
}
