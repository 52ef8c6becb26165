//! The jobs the store runs in the background, as data. The API enqueues them in the same
//! transaction as the row that needs them; the worker crate gives each its `run`.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

pub trait JobPayload: Serialize + DeserializeOwned + Send + 'static {
    const KIND: &'static str;

    /// The beat whose processing page shows this job, if any.
    fn beat_id(&self) -> Option<Uuid> {
        None
    }

    /// Jobs with the same key do the same work from whatever the inputs are when they run: a
    /// newer one supersedes the older ones (see `queue::supersede`).
    fn supersede_key(&self) -> Option<String> {
        None
    }
}

/// Runs the trackout check on the beat's current trackout (and master, when uploaded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckTrackout {
    pub beat_id: Uuid,
}

impl JobPayload for CheckTrackout {
    const KIND: &'static str = "check_trackout";
    fn beat_id(&self) -> Option<Uuid> {
        Some(self.beat_id)
    }
    fn supersede_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.beat_id))
    }
}

/// Renders the tagged preview and its waveform once the master or the voice tag changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderPreview {
    pub beat_id: Uuid,
}

impl JobPayload for RenderPreview {
    const KIND: &'static str = "render_preview";
    fn beat_id(&self) -> Option<Uuid> {
        Some(self.beat_id)
    }
    fn supersede_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.beat_id))
    }
}

/// Deletes an object nothing refers to any more (a replaced upload, a deleted beat's files).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PurgeObject {
    pub key: String,
}

impl JobPayload for PurgeObject {
    const KIND: &'static str = "purge_object";
}

/// Renders the MP3 lease, the WAV lease and the trackout bundle once the check has passed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderLeases {
    pub beat_id: Uuid,
}

impl JobPayload for RenderLeases {
    const KIND: &'static str = "render_leases";
    fn beat_id(&self) -> Option<Uuid> {
        Some(self.beat_id)
    }
    fn supersede_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.beat_id))
    }
}

/// Makes what a paid purchase delivers: its license (PDF and text) and, for the trackout and
/// exclusive tiers, the bundle personalized with that license.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FulfillPurchase {
    pub purchase_id: Uuid,
}

impl JobPayload for FulfillPurchase {
    const KIND: &'static str = "fulfill_purchase";
}

/// Closes every other open checkout of a beat whose exclusive rights just sold: the rows are
/// cancelled and, at Stripe, the sessions expired, so nobody pays for what is gone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CloseCheckouts {
    pub beat_id: Uuid,
    /// The exclusive purchase that sold the beat: left alone.
    pub sold_to: Uuid,
}

impl JobPayload for CloseCheckouts {
    const KIND: &'static str = "close_checkouts";
    fn beat_id(&self) -> Option<Uuid> {
        Some(self.beat_id)
    }
}

/// Makes the sizes of a beat's uploaded cover art (WebP and JPEG) once it is uploaded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderCover {
    pub beat_id: Uuid,
    /// The cover row it renders; a newer upload replaces the row, and this job then has
    /// nothing to do.
    pub cover_id: Uuid,
}

impl JobPayload for RenderCover {
    const KIND: &'static str = "render_cover";
    fn beat_id(&self) -> Option<Uuid> {
        Some(self.beat_id)
    }
}

/// Returns a payment that arrived for something no longer for sale (the purchase is
/// `refunded` with the reason); the provider's idempotency key makes it one refund however
/// often it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundPayment {
    pub purchase_id: Uuid,
}

impl JobPayload for RefundPayment {
    const KIND: &'static str = "refund_payment";
}

/// Deletes a rendered file once nothing refers to it: no purchase's personalized bundle starts
/// with it, and it is not a current deliverable. For a base bundle a re-render replaced it is
/// scheduled a while after the replacement, so that a fulfilment in flight still finds the
/// base it began with; for a file a cancelled render stored without recording it, a while
/// after too, in case the same key is being written again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepBase {
    pub key: String,
}

impl JobPayload for SweepBase {
    const KIND: &'static str = "sweep_base";
}

/// Pays what a paid order owes each payee, less the platform fee, into the ledger: one row per
/// (order, payee) under one idempotency key, so running it twice pays nobody twice. A purchase
/// that is no longer paid when it runs (refunded first) pays nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayPayees {
    pub order_id: Uuid,
}

impl JobPayload for PayPayees {
    const KIND: &'static str = "pay_payees";
}

/// Ends a resumable upload session that received nothing for its time to live: its row and
/// the bytes it received go (on S3, its multipart upload is aborted). A session still in use
/// reschedules this job for its new expiry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpireUploadSession {
    pub session_id: Uuid,
    /// The bucket's multipart upload, for when the session's row is gone with its beat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multipart: Option<MultipartRef>,
}

/// Names an S3 multipart upload: its beat, the object key it assembles to and its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MultipartRef {
    pub beat_id: Uuid,
    pub key: String,
    pub upload_id: String,
}

impl JobPayload for ExpireUploadSession {
    const KIND: &'static str = "expire_upload_session";
}

/// Pays a payee everything that accrued while they could not be paid (no connected account,
/// or payouts not yet enabled): one Stripe Transfer per accrued order, each under the
/// order's idempotency key, so running it twice (or beside the order's own `PayPayees`) pays
/// nobody twice. Enqueued when `account.updated` says payouts are enabled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayAccrued {
    pub payee_id: Uuid,
}

impl JobPayload for PayAccrued {
    const KIND: &'static str = "pay_accrued";
}

/// Makes at Stripe the transfer reversals an order's refund or lost dispute wrote into the
/// ledger (in the transaction that revoked the license), each under its own idempotency key.
/// A share that had only accrued moved nothing and is left cancelled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReverseTransfers {
    pub order_id: Uuid,
}

impl JobPayload for ReverseTransfers {
    const KIND: &'static str = "reverse_transfers";
}
