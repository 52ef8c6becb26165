//! What must hold at the end, read from the database, the outbox and what the clients saw.

use std::collections::HashMap;

use entity::{deliverable, job, purchase, purchase_file, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::traffic::Seen;

pub struct Findings {
    pub problems: Vec<String>,
    pub jobs_by_state: HashMap<String, usize>,
    /// Per kind: jobs that took more than one attempt (a worker died holding them).
    pub rescued: HashMap<String, usize>,
    /// Per kind: seconds from enqueue to done, p50 and p99.
    pub latency: Vec<(String, usize, f64, f64)>,
    /// (kind, beat) pairs rendered to completion more than once.
    pub repeated_renders: usize,
}

pub fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[i]
}

/// Receipts in the outbox, by (recipient, subject).
fn receipts(outbox: &std::path::Path) -> HashMap<(String, String), usize> {
    let mut found = HashMap::new();
    for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let header = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        if let (Some(to), Some(subject)) = (header("To:"), header("Subject:"))
            && subject.contains("receipt")
        {
            *found.entry((to, subject)).or_default() += 1;
        }
    }
    found
}

pub async fn check(
    db: &DatabaseConnection,
    seen: &Seen,
    outbox: &std::path::Path,
    cut: (f64, f64),
) -> Findings {
    let mut problems = Vec::new();
    let jobs = job::Entity::find().all(db).await.unwrap();
    let mut jobs_by_state: HashMap<String, usize> = HashMap::new();
    let mut rescued: HashMap<String, usize> = HashMap::new();
    let mut took: HashMap<String, Vec<f64>> = HashMap::new();
    let mut renders: HashMap<(String, Uuid), usize> = HashMap::new();
    let mut fulfilments: HashMap<String, usize> = HashMap::new();
    for j in &jobs {
        *jobs_by_state.entry(j.state.clone()).or_default() += 1;
        if j.attempts > 1 {
            *rescued.entry(j.kind.clone()).or_default() += 1;
        }
        match j.state.as_str() {
            "done" => {
                if let Some(finished) = j.finished_at {
                    let seconds = (finished - j.created_at).num_milliseconds() as f64 / 1000.0;
                    took.entry(j.kind.clone()).or_default().push(seconds);
                }
                if let Some(beat) = j.beat_id {
                    *renders.entry((j.kind.clone(), beat)).or_default() += 1;
                }
                if j.kind == "fulfill_purchase" {
                    let id = j.payload["purchase_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    *fulfilments.entry(id).or_default() += 1;
                }
            }
            "superseded" | "cancelled" => {}
            other => problems.push(format!(
                "job {} ({}) ended {other}: {:?}",
                j.id, j.kind, j.last_error
            )),
        }
    }
    let latency = took
        .into_iter()
        .map(|(kind, mut v)| {
            let n = v.len();
            (kind, n, percentile(&mut v, 0.5), percentile(&mut v, 0.99))
        })
        .collect();
    let repeated_renders = renders.values().filter(|n| **n > 1).count();

    // Every purchase a client paid for: paid, fulfilled by one job, one receipt, and every
    // file downloaded exactly as the store recorded it.
    let receipts = receipts(outbox);
    for paid in &seen.paid {
        let Some(row) = purchase::Entity::find_by_id(paid.purchase)
            .one(db)
            .await
            .unwrap()
        else {
            problems.push(format!("purchase {} is gone", paid.purchase));
            continue;
        };
        if row.status != "paid" {
            problems.push(format!("purchase {} is {}", row.id, row.status));
        }
        if paid.fulfilled_after.is_none() {
            problems.push(format!(
                "purchase {} ({}) was never fulfilled",
                row.id, paid.tier
            ));
        }
        let jobs = fulfilments.get(&row.id.to_string()).copied().unwrap_or(0);
        if jobs != 1 {
            problems.push(format!("purchase {} was fulfilled by {jobs} jobs", row.id));
        }
        let buyer = user::Entity::find_by_id(row.buyer_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mailed = receipts
            .iter()
            .filter(|((to, subject), _)| {
                // The title ends where the encoded dash begins: "Soak 1-1" must not match
                // the receipts of "Soak 1-10".
                to.contains(&buyer.email)
                    && subject.starts_with(&format!("Your receipt: {} ", row.beat_title))
                    && subject.contains(&row.tier_name)
            })
            .map(|(_, n)| *n)
            .sum::<usize>();
        if mailed != 1 {
            problems.push(format!("purchase {} has {mailed} receipts", row.id));
        }
        for (file, sha) in &paid.downloaded {
            let expected = match file.as_str() {
                "bundle" => Some(crate::traffic::BUNDLE_OK.to_owned()),
                "mp3" | "wav" => {
                    let kind = if file == "mp3" {
                        "mp3_lease"
                    } else {
                        "wav_lease"
                    };
                    deliverable::Entity::find()
                        .filter(deliverable::Column::BeatId.eq(row.beat_id))
                        .filter(deliverable::Column::Kind.eq(kind))
                        .one(db)
                        .await
                        .unwrap()
                        .and_then(|d| d.sha256)
                }
                other => {
                    let kind = if other == "license.pdf" {
                        "license_pdf"
                    } else {
                        "license_txt"
                    };
                    purchase_file::Entity::find_by_id((row.id, kind.to_owned()))
                        .one(db)
                        .await
                        .unwrap()
                        .map(|f| f.sha256)
                }
            };
            if expected.as_deref() != Some(sha.as_str()) {
                problems.push(format!(
                    "purchase {} file {file}: downloaded {sha}, the store recorded {expected:?}",
                    row.id
                ));
            }
        }
    }
    let paid_rows = purchase::Entity::find()
        .filter(purchase::Column::Status.eq("paid"))
        .all(db)
        .await
        .unwrap()
        .len();
    if paid_rows != seen.paid.len() {
        problems.push(format!(
            "{paid_rows} purchases are paid in the database, the clients paid {}",
            seen.paid.len()
        ));
    }
    let (cut_from, cut_to) = cut;
    let outside: Vec<_> = seen
        .answers
        .iter()
        .filter(|(at, status)| {
            (*status == 0 || *status >= 500) && !(cut_from..=cut_to).contains(at)
        })
        .collect();
    if !outside.is_empty() {
        problems.push(format!(
            "{} 5xx or dropped connections outside the cut, the first at {:.1} s ({})",
            outside.len(),
            outside[0].0,
            outside[0].1
        ));
    }
    for (at, error) in seen
        .dropped
        .iter()
        .filter(|(at, _)| !(cut_from..=cut_to).contains(at))
    {
        problems.push(format!("a connection dropped at {at:.1} s: {error}"));
    }
    Findings {
        problems,
        jobs_by_state,
        rescued,
        latency,
        repeated_renders,
    }
}
