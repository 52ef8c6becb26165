//! Transactional mail. A message is a row in `outbox`, written in the caller's transaction
//! together with the `send_mail` job that delivers it: nothing is sent for a change that rolls
//! back, and nothing is lost for one that commits. The job renders the message (text and HTML,
//! with the store's name), then hands it to SMTP — or, with no SMTP configured, writes it as an
//! `.eml` file under `<data>/outbox/` and logs its subject and links. A failed delivery is
//! retried by the job queue with backoff and ends `dead`, its reason in the row, after the
//! queue's last attempt; nothing that caused it waits for it.

mod deliver;
pub mod outbox;
mod render;
mod templates;

pub use deliver::{Delivered, DeliveryError, deliver, from_mailbox};
pub use outbox::{OutboxEntry, enqueue, list};
pub use render::{Rendered, render};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::jobs::JobPayload;

/// Every message the store sends, with what it needs to be rendered at send time. Stored as
/// the outbox row's JSON payload; `kind` is its tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mail {
    /// After sign-up: the link that proves the address.
    VerifyEmail {
        user_id: Uuid,
        token_id: Uuid,
    },
    /// Someone signed up with an address that already has an account.
    SignupAttempt {
        user_id: Uuid,
    },
    PasswordReset {
        user_id: Uuid,
        token_id: Uuid,
    },
    /// The password was changed or reset: a notice to the owner.
    PasswordChanged {
        user_id: Uuid,
    },
    /// To the buyer once a purchase is paid. `files_ready` is false when fulfilment is late;
    /// a `FilesReady` follows then. `claim_token_id` for a guest checkout.
    Receipt {
        purchase_id: Uuid,
        files_ready: bool,
        claim_token_id: Option<Uuid>,
    },
    FilesReady {
        purchase_id: Uuid,
        claim_token_id: Option<Uuid>,
    },
    /// To the producer.
    SaleNotice {
        purchase_id: Uuid,
    },
    /// A share link, to the engineer the artist named.
    ShareLink {
        share_id: Uuid,
    },
    /// To someone a producer named a collaborator on a beat: their shares, and how to be paid.
    CollaboratorInvite {
        beat_id: Uuid,
        email: String,
    },
}

impl Mail {
    pub fn kind(&self) -> &'static str {
        match self {
            Mail::VerifyEmail { .. } => "verify_email",
            Mail::SignupAttempt { .. } => "signup_attempt",
            Mail::PasswordReset { .. } => "password_reset",
            Mail::PasswordChanged { .. } => "password_changed",
            Mail::Receipt { .. } => "receipt",
            Mail::FilesReady { .. } => "files_ready",
            Mail::SaleNotice { .. } => "sale_notice",
            Mail::ShareLink { .. } => "share_link",
            Mail::CollaboratorInvite { .. } => "collaborator_invite",
        }
    }
}

/// Delivers one outbox message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendMail {
    pub outbox_id: Uuid,
}

impl JobPayload for SendMail {
    const KIND: &'static str = "send_mail";
}
