//! `trackout invite-producer EMAIL`: the operator's invitation to sell on a single-seller
//! store. It prints the sign-up link; send it to the producer yourself.

use anyhow::Context;
use trackout_core::domain::{Email, SellingMode};

use super::serve::load_config;
use crate::startup::redact;

pub async fn run(email: &str) -> anyhow::Result<()> {
    let config = load_config()?;
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    trackout_core::db::migrate(&config)
        .await
        .with_context(|| format!("migrating {}", redact(&config.database_url())))?;
    let db = trackout_core::db::connect(&config)
        .await
        .with_context(|| format!("connecting to {}", redact(&config.database_url())))?;
    let token = trackout_core::services::invitations::create(&db, &email)
        .await
        .context("recording the invitation")?;
    if config.commerce.selling == SellingMode::Marketplace {
        eprintln!(
            "note: TRACKOUT_SELLING=marketplace lets anyone sign up as a producer; the link works all the same"
        );
    }
    println!(
        "{}/signup?role=producer&invitation={token}",
        config.public_url()
    );
    eprintln!("valid 14 days, once, for {}", email.as_str());
    Ok(())
}
