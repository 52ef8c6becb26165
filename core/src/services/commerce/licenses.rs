//! Public verification of a license: anyone holding a license ID can ask whether it is
//! genuine and still valid (a label, a distributor, a sync agent).

use crate::domain::PurchaseStatus;
use entity::{beat, purchase, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Error, Result};

#[derive(Debug, Serialize, ToSchema)]
pub struct LicenseCheck {
    pub license_id: String,
    /// `true` while the purchase stands; `false` once refunded or disputed.
    pub valid: bool,
    pub status: String,
    pub beat_title: String,
    pub producer: String,
    pub licensee: String,
    pub tier: String,
    pub issued_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn verify(db: &DatabaseConnection, license_id: &str) -> Result<LicenseCheck> {
    let purchase = purchase::Entity::find()
        .filter(purchase::Column::LicenseId.eq(license_id.trim().to_uppercase()))
        .one(db)
        .await?
        .ok_or(Error::NotFound("license"))?;
    let beat = beat::Entity::find_by_id(purchase.beat_id).one(db).await?;
    let producer = match &beat {
        Some(b) => user::Entity::find_by_id(b.producer_id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    Ok(LicenseCheck {
        license_id: purchase.license_id.unwrap_or_default(),
        valid: PurchaseStatus::Paid.is(&purchase.status),
        status: purchase.status,
        beat_title: beat.map(|b| b.title).unwrap_or_default(),
        producer: producer.unwrap_or_default(),
        licensee: purchase.buyer_name,
        tier: purchase.tier_name,
        issued_at: purchase.paid_at,
        revoked_at: purchase.revoked_at,
    })
}
