//! The stems a beat's trackout holds, as its check report measured them: what the beat page
//! lists to sell the trackout, and what an engineer's share page sets the session up with.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Actor;
use super::access::visible_beat;
use super::processing::current_check;
use crate::Result;

/// The part of a stored check report this reads (the report is written by the media crate,
/// which the store's core does not depend on; these fields are its stable JSON).
#[derive(Debug, Deserialize)]
struct ReportStem {
    name: String,
    path: String,
    role: String,
    sample_rate: u32,
    bit_depth: u16,
    sample_format: String,
    channels: u16,
    duration_seconds: f64,
}

#[derive(Debug, Deserialize)]
struct Report {
    stems: Vec<ReportStem>,
}

/// One stem of the trackout, without any link to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StemInfo {
    /// As the producer named it: `Kick`.
    pub name: String,
    /// The file in the bundle: `Kick.wav`.
    pub file_name: String,
    /// kick, bass, snare, hats, percussion, melody, vocals, fx or other.
    pub role: String,
    pub sample_rate: u32,
    pub bit_depth: u16,
    /// `int` or `float`.
    pub sample_format: String,
    pub channels: u16,
    pub duration_seconds: f64,
}

/// The stems of the beat's current trackout, when its check passed; empty otherwise.
pub(crate) async fn of_beat<C: ConnectionTrait>(conn: &C, beat_id: Uuid) -> Result<Vec<StemInfo>> {
    let (_, check) = current_check(conn, beat_id).await?;
    let Some(check) = check.filter(|c| c.passes) else {
        return Ok(Vec::new());
    };
    let report: Report = match serde_json::from_value(check.report) {
        Ok(report) => report,
        Err(e) => {
            tracing::warn!(%beat_id, error = %e, "a stored check report does not read as one");
            return Ok(Vec::new());
        }
    };
    Ok(report
        .stems
        .into_iter()
        .map(|s| StemInfo {
            file_name: s.path.rsplit('/').next().unwrap_or(&s.path).to_owned(),
            name: s.name,
            role: s.role,
            sample_rate: s.sample_rate,
            bit_depth: s.bit_depth,
            sample_format: s.sample_format,
            channels: s.channels,
            duration_seconds: s.duration_seconds,
        })
        .collect())
}

/// `GET /api/v1/beats/{id}/stems`: what the trackout tier delivers, for anyone who can see
/// the beat. Names, roles and formats only: no link to any file.
pub async fn public(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    beat_id: Uuid,
) -> Result<Vec<StemInfo>> {
    let beat = visible_beat(db, actor, beat_id).await?;
    of_beat(db, beat.id).await
}
