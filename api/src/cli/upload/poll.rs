//! After the last byte: follow the beat's processing until it is publishable, or until only
//! the producer can clear what stands in the way, saying each step as it happens.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::Ended;
use super::answers::Processing;
use super::store::{Failure, Store};

const EVERY: Duration = Duration::from_millis(500);

/// One line per change: the check's outcome, each deliverable's state.
fn changes(seen: &mut BTreeMap<String, String>, now: &Processing) -> Vec<String> {
    let mut lines = Vec::new();
    let check = match now.check.state.as_str() {
        "passed" | "failed" => format!(
            "{} ({} error(s), {} warning(s))",
            now.check.state, now.check.error_count, now.check.warning_count
        ),
        other => other.to_owned(),
    };
    let mut states = vec![("check".to_owned(), check)];
    for d in &now.deliverables {
        let state = match &d.error {
            Some(e) if d.state == "failed" => format!("failed: {e}"),
            _ => d.state.clone(),
        };
        states.push((d.kind.clone(), state));
    }
    for (what, state) in states {
        if seen.get(&what) != Some(&state) {
            lines.push(format!("{what}: {state}"));
            seen.insert(what, state);
        }
    }
    lines
}

pub async fn until_settled(
    store: &Store,
    beat: Uuid,
    title: &str,
    wait: Duration,
) -> anyhow::Result<Ended> {
    let deadline = Instant::now() + wait;
    let mut seen = BTreeMap::new();
    let mut misses = 0u32;
    loop {
        let now = match store.processing(beat).await {
            Ok(now) => {
                misses = 0;
                now
            }
            Err(Failure::Retry(why)) if misses < 10 => {
                misses += 1;
                eprintln!("processing: could not read it ({why}); trying again");
                tokio::time::sleep(EVERY * misses).await;
                continue;
            }
            Err(e) => anyhow::bail!("reading the beat's processing: {e}"),
        };
        for line in changes(&mut seen, &now) {
            eprintln!("processing: {line}");
        }
        if now.publish.publishable {
            println!(
                "publishable: {title} is ready to go on sale (Publish in the dashboard, or POST /api/v1/beats/{beat}/publish)"
            );
            return Ok(Ended(0));
        }
        let check_failed = now
            .publish
            .blocking
            .iter()
            .any(|b| b.code == "trackout_has_errors");
        // Account and listing blockers (a tier, the email) do not stop the wait: the
        // report is worth more once the renders are done. A failed check ends it: no render
        // after it can make the beat publishable.
        let waiting = !check_failed && now.publish.blocking.iter().any(|b| b.waiting);
        if !waiting || Instant::now() >= deadline {
            if waiting {
                eprintln!(
                    "not publishable yet: still processing after {} s (--wait); the store goes on, see the dashboard",
                    wait.as_secs()
                );
            } else {
                eprintln!("not publishable:");
            }
            for b in &now.publish.blocking {
                eprintln!("  {}: {}", b.code, b.message);
            }
            return Ok(Ended(if check_failed { 1 } else { 3 }));
        }
        tokio::time::sleep(EVERY).await;
    }
}
