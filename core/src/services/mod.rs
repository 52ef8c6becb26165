//! The store's rules. Handlers call exactly one function here; all SQL lives in this layer.

mod access;
pub mod account_tokens;
pub mod accounts;
pub mod beats;
pub mod catalog;
pub mod checks;
pub mod collaborators;
pub mod commerce;
pub mod covers;
pub mod deliverables;
pub mod guest;
pub mod invitations;
pub mod link_previews;
pub mod listing;
pub mod multipart;
pub mod notices;
pub mod passwords;
pub mod pipeline;
pub mod processing;
pub mod profiles;
pub mod publish;
pub mod quotas;
pub mod readiness;
pub mod sessions;
pub mod stems;
pub mod tiers;
pub mod two_factor;
pub mod upload_sessions;
pub mod uploads;
pub mod verification;
mod views;

pub use views::{BeatView, JobView, ProducerView, TierView, UploadView, UserView};

use uuid::Uuid;

use crate::domain::Role;

/// Who is asking: the signed-in user behind a verified session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
}

impl Actor {
    pub fn require_producer(&self) -> crate::Result<()> {
        if self.role == Role::Producer {
            Ok(())
        } else {
            Err(crate::Error::Forbidden(
                "only producer accounts can manage beats".into(),
            ))
        }
    }
}
