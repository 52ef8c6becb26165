//! The `run` of each job the store enqueues.

mod check_trackout;
mod commerce_jobs;
mod expire_upload_session;
mod fulfill_purchase;
mod payout_jobs;
mod purge_object;
mod render_cover;
mod render_leases;
mod render_preview;
mod send_mail;
mod workspace;

pub use render_leases::bundle_contents;
