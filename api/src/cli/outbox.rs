//! `trackout outbox`: what mail the store sent, is sending, or gave up on, and why.

use anyhow::Context;

use super::serve::load_config;
use crate::startup::redact;

pub async fn run(state: Option<String>, limit: u64, json: bool) -> anyhow::Result<()> {
    let config = load_config()?;
    trackout_core::db::migrate(&config)
        .await
        .with_context(|| format!("migrating {}", redact(&config.database_url())))?;
    let db = trackout_core::db::connect(&config)
        .await
        .with_context(|| format!("connecting to {}", redact(&config.database_url())))?;
    let entries = trackout_core::mail::list(&db, state.as_deref(), limit.clamp(1, 10_000))
        .await
        .context("reading the outbox")?;
    if json {
        for entry in &entries {
            println!("{}", serde_json::to_string(entry)?);
        }
        return Ok(());
    }
    if entries.is_empty() {
        println!("The outbox is empty.");
        return Ok(());
    }
    println!(
        "{:<20} {:<9} {:>3}  {:<16} {:<32} SUBJECT / LAST ERROR",
        "CREATED (UTC)", "STATE", "TRY", "KIND", "TO"
    );
    for e in entries {
        println!(
            "{:<20} {:<9} {:>3}  {:<16} {:<32} {}",
            e.created_at.format("%Y-%m-%d %H:%M:%S"),
            e.state,
            e.attempts,
            e.kind,
            e.recipient,
            e.subject.as_deref().unwrap_or("(not rendered yet)"),
        );
        if let Some(error) = e.last_error {
            println!("{:>20}   ↳ {error}", "");
        }
    }
    Ok(())
}
