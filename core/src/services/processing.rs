//! What a producer sees while the worker processes a beat's uploads.

use entity::{job, trackout_check, upload};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::own_beat;
use super::{Actor, JobView, UploadView};
use crate::Result;
use crate::domain::UploadKind;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// No trackout uploaded yet.
    Missing,
    /// A trackout is uploaded and its check has not finished.
    Pending,
    Passed,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    pub state: CheckState,
    pub checked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub error_count: i32,
    pub warning_count: i32,
    /// The full trackout check report (stems, findings, master loudness).
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Processing {
    pub beat_id: Uuid,
    pub uploads: Vec<UploadView>,
    /// The beat's jobs, newest first.
    pub jobs: Vec<JobView>,
    pub check: CheckView,
    /// Each rendered file and the state of its render.
    pub deliverables: Vec<super::deliverables::DeliverableView>,
    /// Whether publishing would succeed now, and what stands in its way.
    pub publish: super::readiness::Readiness,
}

/// The check report for exactly the current trackout and master, if one has been made.
pub(crate) async fn current_check<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
) -> Result<(Vec<upload::Model>, Option<trackout_check::Model>)> {
    let uploads = upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat_id))
        .order_by_asc(upload::Column::Kind)
        .all(conn)
        .await?;
    let trackout = uploads
        .iter()
        .find(|u| UploadKind::Trackout.as_str() == u.kind);
    let master = uploads
        .iter()
        .find(|u| UploadKind::Master.as_str() == u.kind)
        .map(|u| u.id);
    let check = match trackout {
        Some(trackout) => {
            trackout_check::Entity::find()
                .filter(trackout_check::Column::BeatId.eq(beat_id))
                .filter(trackout_check::Column::TrackoutUploadId.eq(trackout.id))
                .filter(match master {
                    Some(m) => trackout_check::Column::MasterUploadId.eq(m),
                    None => trackout_check::Column::MasterUploadId.is_null(),
                })
                .order_by_desc(trackout_check::Column::CreatedAt)
                .one(conn)
                .await?
        }
        None => None,
    };
    Ok((uploads, check))
}

pub async fn status(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<Processing> {
    let beat = own_beat(db, actor, beat_id).await?;
    let publish = super::readiness::readiness(db, &beat).await?;
    let (uploads, check) = current_check(db, beat_id).await?;
    let has_trackout = uploads
        .iter()
        .any(|u| UploadKind::Trackout.as_str() == u.kind);
    let jobs = job::Entity::find()
        .filter(job::Column::BeatId.eq(beat_id))
        .order_by_desc(job::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await?;
    let check = match check {
        Some(c) => CheckView {
            state: if c.passes {
                CheckState::Passed
            } else {
                CheckState::Failed
            },
            checked_at: Some(c.created_at),
            error_count: c.error_count,
            warning_count: c.warning_count,
            report: Some(c.report),
        },
        None => CheckView {
            state: if has_trackout {
                CheckState::Pending
            } else {
                CheckState::Missing
            },
            checked_at: None,
            error_count: 0,
            warning_count: 0,
            report: None,
        },
    };
    let deliverables = super::deliverables::list(db, beat_id).await?;
    Ok(Processing {
        beat_id,
        uploads: uploads.into_iter().map(Into::into).collect(),
        jobs: jobs.into_iter().map(Into::into).collect(),
        check,
        deliverables: deliverables.into_iter().map(Into::into).collect(),
        publish,
    })
}
