//! What stands between a beat and the catalog: the publish rules, in one place. Publishing
//! refuses with the first of these; the processing route lists them all, so a client (the
//! dashboard, `trackout upload`) can tell "still rendering" from "needs you" without
//! guessing the rules itself.

use entity::{beat, job, lease_tier};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use super::processing::current_check;
use crate::domain::{BeatStatus, DeliverableKind, DeliverableState};
use crate::jobs::{ExpireUploadSession, JobPayload};
use crate::queue::JobState;
use crate::{Error, Result};

/// One reason the beat cannot be published yet, as `POST /beats/{id}/publish` would say it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Blocker {
    /// The code publishing would answer with (`check_pending`, `deliverables_pending`,
    /// `trackout_has_errors`, `no_tier_for_sale`, `email_unverified`…).
    pub code: &'static str,
    pub message: String,
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// True while a job of the beat's is queued or running that may clear this by itself;
    /// false when only the producer can (fix the trackout, enable a tier, retry a dead job).
    pub waiting: bool,
}

impl From<Blocker> for Error {
    fn from(b: Blocker) -> Error {
        Error::Conflict {
            code: b.code,
            message: b.message,
            details: b.details,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// Publishing would succeed now.
    pub publishable: bool,
    /// Every reason it would not, in the order publishing checks them.
    pub blocking: Vec<Blocker>,
}

fn blocker(code: &'static str, message: impl Into<String>, waiting: bool) -> Blocker {
    Blocker {
        code,
        message: message.into(),
        details: None,
        waiting,
    }
}

/// The beat's blockers, read in `conn` (publishing reads them in its transaction).
pub async fn blockers<C: ConnectionTrait>(conn: &C, beat: &beat::Model) -> Result<Vec<Blocker>> {
    let mut out = Vec::new();
    if BeatStatus::Sold.is(&beat.status) {
        out.push(blocker(
            "sold_exclusively",
            "this beat's exclusive rights are sold; it cannot go back on sale (if the exclusive was refunded, relist it explicitly)",
            false,
        ));
        return Ok(out);
    }
    match super::verification::require_verified(conn, beat.producer_id).await {
        Ok(()) => {}
        Err(Error::Conflict { code, message, .. }) => out.push(blocker(code, message, false)),
        Err(e) => return Err(e),
    }
    let working = job::Entity::find()
        .filter(job::Column::BeatId.eq(beat.id))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        // An open upload session's expiry waits for a day and renders nothing.
        .filter(job::Column::Kind.ne(ExpireUploadSession::KIND))
        .count(conn)
        .await?
        > 0;
    let (uploads, check) = current_check(conn, beat.id).await?;
    for (kind, what) in [("master", "a master WAV"), ("trackout", "a trackout")] {
        if !uploads.iter().any(|u| u.kind == kind) {
            out.push(blocker(
                "missing_upload",
                format!("upload {what} before publishing"),
                false,
            ));
        }
    }
    let has_trackout = uploads.iter().any(|u| u.kind == "trackout");
    match check {
        None if has_trackout => out.push(blocker(
            "check_pending",
            "the trackout check has not finished yet; publish once it has",
            working,
        )),
        None => {}
        Some(check) if !check.passes => {
            let report: trackout_media::Report = serde_json::from_value(check.report.clone())
                .map_err(|e| Error::Corrupt(format!("a stored trackout check report: {e}")))?;
            let errors: Vec<_> = report
                .findings
                .into_iter()
                .filter(|f| f.level == trackout_media::Level::Error)
                .collect();
            out.push(Blocker {
                code: "trackout_has_errors",
                message: format!(
                    "the trackout check found {} error(s); fix them and upload the trackout again",
                    check.error_count
                ),
                details: Some(serde_json::json!({ "findings": errors })),
                waiting: false,
            });
        }
        // Only once the check has passed: until then an empty tempo or key may still be
        // filled by what it hears.
        Some(_) => {
            if let Err(Error::Conflict {
                code,
                message,
                details,
            }) = super::listing::require_for_sale(beat)
            {
                out.push(Blocker {
                    code,
                    message,
                    details,
                    waiting: false,
                });
            }
        }
    }
    let rendered = super::deliverables::list(conn, beat.id).await?;
    let missing: Vec<&str> = DeliverableKind::ALL
        .into_iter()
        .filter(|kind| {
            !rendered
                .iter()
                .any(|d| d.kind == kind.as_str() && DeliverableState::Done.is(&d.state))
        })
        .map(|kind| kind.as_str())
        .collect();
    if !missing.is_empty() {
        out.push(Blocker {
            code: "deliverables_pending",
            message: if working {
                format!(
                    "still rendering: {}; publish once processing shows them done",
                    missing.join(", ")
                )
            } else {
                format!(
                    "not rendered: {}; nothing is rendering them now (the lease files and the bundle follow a passing trackout check; a failed render says why on the processing page)",
                    missing.join(", ")
                )
            },
            details: Some(serde_json::json!({ "pending": missing })),
            waiting: working,
        });
    }
    let for_sale = lease_tier::Entity::find()
        .filter(lease_tier::Column::BeatId.eq(beat.id))
        .filter(lease_tier::Column::Enabled.eq(true))
        .one(conn)
        .await?;
    if for_sale.is_none() {
        out.push(blocker(
            "no_tier_for_sale",
            "enable at least one lease tier before publishing",
            false,
        ));
    }
    Ok(out)
}

pub async fn readiness<C: ConnectionTrait>(conn: &C, beat: &beat::Model) -> Result<Readiness> {
    let blocking = blockers(conn, beat).await?;
    Ok(Readiness {
        publishable: blocking.is_empty(),
        blocking,
    })
}
