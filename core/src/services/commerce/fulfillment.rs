//! What a paid purchase delivers, recorded once the worker has made it.

use entity::{beat, purchase, purchase_file, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

use super::downloads::PurchasedFile;
use crate::Result;
use crate::domain::{DeliverableKind, LeaseTerms, Party, TierKind};
use crate::services::deliverables;
use crate::storage::ObjectKey;

pub struct BaseBundle {
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
}

pub struct Order {
    pub purchase: purchase::Model,
    pub beat: beat::Model,
    pub producer: String,
    pub tier: TierKind,
    pub terms: LeaseTerms,
    pub includes_trackout: bool,
    pub bundle: Option<BaseBundle>,
    /// The split frozen at checkout; empty when the producer takes everything.
    pub parties: Vec<Party>,
}

pub async fn inputs(db: &DatabaseConnection, purchase_id: Uuid) -> Result<Option<Order>> {
    let Some(purchase) = purchase::Entity::find_by_id(purchase_id).one(db).await? else {
        return Ok(None);
    };
    let Some(beat) = beat::Entity::find_by_id(purchase.beat_id).one(db).await? else {
        return Ok(None);
    };
    let producer = user::Entity::find_by_id(beat.producer_id)
        .one(db)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let tier = TierKind::parse(&purchase.tier_kind)?;
    let terms = LeaseTerms::from_stored(&purchase.terms)?;
    let bundle = deliverables::current(db, beat.id, DeliverableKind::Bundle)
        .await?
        .and_then(|d| match (d.storage_key, d.size_bytes, d.sha256) {
            (Some(key), Some(size), Some(sha256)) => {
                ObjectKey::parse(&key).ok().map(|key| BaseBundle {
                    key,
                    size: size.max(0) as u64,
                    sha256,
                })
            }
            _ => None,
        });
    let parties = super::splits::parties(db, purchase.id).await?;
    Ok(Some(Order {
        parties,
        includes_trackout: PurchasedFile::Bundle.included_in(tier),
        purchase,
        beat,
        producer,
        tier,
        terms,
        bundle,
    }))
}

pub struct MadeFile {
    pub kind: &'static str,
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
    /// For a joined file: the object and length it starts with.
    pub prefix: Option<(ObjectKey, u64)>,
}

impl MadeFile {
    pub fn whole(kind: &'static str, key: ObjectKey, size: u64, sha256: String) -> Self {
        MadeFile {
            kind,
            key,
            size,
            sha256,
            prefix: None,
        }
    }
}

pub async fn record(
    db: &DatabaseConnection,
    purchase_id: Uuid,
    files: Vec<MadeFile>,
) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    for f in files {
        let row = purchase_file::ActiveModel {
            purchase_id: Set(purchase_id),
            kind: Set(f.kind.to_owned()),
            storage_key: Set(f.key.to_string()),
            size_bytes: Set(i64::try_from(f.size).unwrap_or(i64::MAX)),
            sha256: Set(f.sha256),
            prefix_bytes: Set(f.prefix.as_ref().map(|(_, n)| *n as i64).unwrap_or(0)),
            prefix_key: Set(f.prefix.map(|(k, _)| k.to_string())),
        };
        purchase_file::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    purchase_file::Column::PurchaseId,
                    purchase_file::Column::Kind,
                ])
                .update_columns([
                    purchase_file::Column::StorageKey,
                    purchase_file::Column::SizeBytes,
                    purchase_file::Column::Sha256,
                    purchase_file::Column::PrefixBytes,
                    purchase_file::Column::PrefixKey,
                ])
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
