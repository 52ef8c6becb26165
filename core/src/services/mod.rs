//! The store's rules. Handlers call exactly one function here; all SQL lives in this layer.

pub mod account_tokens;
pub mod accounts;
pub mod beats;
pub mod catalog;
pub mod checkout;
pub mod checks;
pub mod deliverables;
pub mod download_log;
pub mod downloads;
pub mod fulfillment;
pub mod guest;
pub mod library;
pub mod licenses;
pub mod notices;
pub mod passwords;
pub mod payment_events;
pub mod processing;
pub mod publish;
pub mod sales;
pub mod sessions;
pub mod shares;
pub mod tiers;
pub mod two_factor;
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
