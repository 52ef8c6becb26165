//! A beat's tempo and key: typed by the producer, or heard by the trackout check and shown as
//! "detected, please confirm" until the producer types their own. One place says which value
//! the check may compare against, which it may fill, and what publishing needs.

use entity::beat;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use trackout_media::DetectedSection;
use uuid::Uuid;

use crate::domain::{Bpm, MusicalKey};
use crate::{Error, Result};

/// A value the check heard rather than the producer typed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Detection {
    /// How sure the detector was, 0 to 1.
    pub confidence: f64,
}

/// The listing as the producer typed it: what `bpm_mismatch` and `key_mismatch` are about.
/// A detected value is not compared with the detection that made it.
pub fn typed(beat: &beat::Model) -> (Option<u16>, Option<String>) {
    let bpm = beat
        .bpm
        .filter(|_| beat.bpm_detected_confidence.is_none())
        .and_then(|b| u16::try_from(b).ok())
        .filter(|&b| b > 0);
    let key = beat
        .musical_key
        .clone()
        .filter(|_| beat.key_detected_confidence.is_none())
        .filter(|k| !k.trim().is_empty());
    (bpm, key)
}

pub fn detections(beat: &beat::Model) -> (Option<Detection>, Option<Detection>) {
    let d = |c: Option<f64>| c.map(|confidence| Detection { confidence });
    (
        d(beat.bpm_detected_confidence),
        d(beat.key_detected_confidence),
    )
}

/// Publishing needs both, typed or detected.
pub fn require_for_sale(beat: &beat::Model) -> Result<(i32, String)> {
    match (beat.bpm, beat.musical_key.clone()) {
        (Some(bpm), Some(key)) => Ok((bpm, key)),
        (bpm, key) => {
            let missing: Vec<&str> = [("bpm", bpm.is_none()), ("key", key.is_none())]
                .into_iter()
                .filter_map(|(name, gone)| gone.then_some(name))
                .collect();
            Err(Error::Conflict {
                code: "listing_incomplete",
                message: format!(
                    "set the beat's {} before publishing: the trackout check did not hear {}",
                    missing.join(" and "),
                    if missing.len() == 2 { "them" } else { "it" },
                ),
                details: Some(serde_json::json!({ "missing": missing })),
            })
        }
    }
}

/// What a sold beat's license and download page print. Only a published beat is sold, and
/// publishing needs both; a sold beat without them is a broken row, not a blank on a license.
pub fn on_sale(beat: &beat::Model) -> Result<(i32, String)> {
    require_for_sale(beat).map_err(|_| {
        Error::Corrupt(format!(
            "beat {} was sold without a BPM or key on its listing",
            beat.id
        ))
    })
}

/// Fills the tempo and key the producer left empty with what the check heard. A value the
/// producer typed is never touched, even if they type it while the check runs (the update is
/// conditional on the row, not on what was read before); an earlier detection is replaced by
/// the newer one, or cleared when the new audio has none.
pub async fn prefill<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    detected: &DetectedSection,
) -> Result<()> {
    let bpm = detected
        .bpm
        .and_then(|b| Bpm::parse(b.round() as i64).ok())
        .map(|b| i32::from(b.get()));
    let key = detected
        .key
        .as_deref()
        .and_then(|k| MusicalKey::parse(k).ok())
        .map(|k| k.as_str().to_owned());
    fill(
        conn,
        beat_id,
        (beat::Column::Bpm, beat::Column::BpmDetectedConfidence),
        bpm.map(|b| (sea_orm::Value::from(b), detected.bpm_confidence)),
        sea_orm::Value::Int(None),
    )
    .await?;
    fill(
        conn,
        beat_id,
        (
            beat::Column::MusicalKey,
            beat::Column::KeyDetectedConfidence,
        ),
        key.map(|k| (sea_orm::Value::from(k), detected.key_confidence)),
        sea_orm::Value::String(None),
    )
    .await
}

async fn fill<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
    (value_col, confidence_col): (beat::Column, beat::Column),
    heard: Option<(sea_orm::Value, f64)>,
    null: sea_orm::Value,
) -> Result<()> {
    let (value, confidence) = match heard {
        Some((value, confidence)) => (value, Some(confidence.clamp(0.0, 1.0))),
        None => (null, None),
    };
    beat::Entity::update_many()
        .col_expr(value_col, Expr::value(value))
        .col_expr(confidence_col, Expr::value(confidence))
        .filter(beat::Column::Id.eq(beat_id))
        .filter(
            Condition::any()
                .add(value_col.is_null())
                .add(confidence_col.is_not_null()),
        )
        .exec(conn)
        .await?;
    Ok(())
}
