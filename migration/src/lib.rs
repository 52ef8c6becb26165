//! Schema migrations. One file per change; each runs on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_accounts_and_beats;
mod m20261121_000002_uploads_and_jobs;
mod m20261121_000003_deliverables;
mod m20261121_000004_commerce;
mod m20261201_000005_jobs_retry_policy;
mod m20261201_000006_exact_money_and_files;
mod m20261202_000001_email_verified;
mod m20261202_000002_sessions;
mod m20261202_000003_account_tokens;
mod m20261202_000004_two_factor;
mod m20261202_000005_outbox;
mod m20261202_000006_guest_checkouts;
mod m20261210_000001_producer_profiles;
mod m20261210_000002_beat_covers;
mod m20261211_000001_job_supersede_keys;
mod m20261211_000002_resumable_upload_sessions;
mod m20261215_000001_producer_invitations;
mod m20261215_000002_ledger_and_orders;
mod m20261215_000003_orders_share_a_session;
mod m20261220_000001_beats_tempo_and_key_optional;
mod m20261221_000001_multipart_upload_sessions;
mod m20261222_000001_payout_accounts;
mod m20261223_000001_collaborators;
mod m20261224_000001_deals_and_coupons;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_accounts_and_beats::Migration),
            Box::new(m20261121_000002_uploads_and_jobs::Migration),
            Box::new(m20261121_000003_deliverables::Migration),
            Box::new(m20261121_000004_commerce::Migration),
            Box::new(m20261201_000005_jobs_retry_policy::Migration),
            Box::new(m20261201_000006_exact_money_and_files::Migration),
            Box::new(m20261202_000001_email_verified::Migration),
            Box::new(m20261202_000002_sessions::Migration),
            Box::new(m20261202_000003_account_tokens::Migration),
            Box::new(m20261202_000004_two_factor::Migration),
            Box::new(m20261202_000005_outbox::Migration),
            Box::new(m20261202_000006_guest_checkouts::Migration),
            Box::new(m20261210_000001_producer_profiles::Migration),
            Box::new(m20261210_000002_beat_covers::Migration),
            Box::new(m20261211_000001_job_supersede_keys::Migration),
            Box::new(m20261211_000002_resumable_upload_sessions::Migration),
            Box::new(m20261215_000001_producer_invitations::Migration),
            Box::new(m20261215_000002_ledger_and_orders::Migration),
            Box::new(m20261215_000003_orders_share_a_session::Migration),
            Box::new(m20261220_000001_beats_tempo_and_key_optional::Migration),
            Box::new(m20261221_000001_multipart_upload_sessions::Migration),
            Box::new(m20261222_000001_payout_accounts::Migration),
            Box::new(m20261223_000001_collaborators::Migration),
            Box::new(m20261224_000001_deals_and_coupons::Migration),
        ]
    }
}
