//! Trackout's tables as sea-orm entities. Nothing but table shapes lives here: parsing,
//! rules and queries belong to `trackout-core`.

pub mod account_token;
pub mod beat;
pub mod beat_collaborator;
pub mod beat_cover;
pub mod beat_label;
pub mod coupon;
pub mod coupon_redemption;
pub mod deal;
pub mod deliverable;
pub mod download;
pub mod guest_checkout;
pub mod job;
pub mod lease_tier;
pub mod ledger_entry;
pub mod outbox;
pub mod payout_account;
pub mod producer_invitation;
pub mod producer_profile;
pub mod purchase;
pub mod purchase_file;
pub mod purchase_split;
pub mod recovery_code;
pub mod revoked_payment;
pub mod session;
pub mod share;
pub mod share_file_usage;
pub mod stripe_event;
pub mod trackout_check;
pub mod two_factor;
pub mod upload;
pub mod upload_session;
pub mod user;

pub mod prelude {
    pub use super::beat::Entity as Beat;
    pub use super::beat_cover::Entity as BeatCover;
    pub use super::beat_label::Entity as BeatLabel;
    pub use super::deliverable::Entity as Deliverable;
    pub use super::download::Entity as Download;
    pub use super::job::Entity as Job;
    pub use super::lease_tier::Entity as LeaseTier;
    pub use super::producer_profile::Entity as ProducerProfile;
    pub use super::purchase::Entity as Purchase;
    pub use super::purchase_file::Entity as PurchaseFile;
    pub use super::revoked_payment::Entity as RevokedPayment;
    pub use super::share::Entity as Share;
    pub use super::share_file_usage::Entity as ShareFileUsage;
    pub use super::stripe_event::Entity as StripeEvent;
    pub use super::trackout_check::Entity as TrackoutCheck;
    pub use super::upload::Entity as Upload;
    pub use super::user::Entity as User;
}
