//! The soak: the store scaled out on one machine, under a steady stream of uploads and sales,
//! while its workers are killed and its database connections cut.
//!
//! ```sh
//! cargo build --release --bin trackout
//! cargo bench -p trackout-tests --bench soak      # TRACKOUT_SOAK_SECONDS=600 by default
//! ```
//!
//! Two `trackout serve --no-worker` processes on two ports (the clients use them in turn),
//! three `trackout worker` processes, one PostgreSQL database (`TRACKOUT_TEST_POSTGRES`, else
//! the machine's own) and the S3 server the tests use, spoken to over HTTP with SigV4. The
//! store's processes run on core 0, this driver on core 1. Three producers create beats,
//! upload master, trackout and voice tag and publish them; four artists buy every tier of
//! every published beat through the development payment page and download every file. Every
//! 30 s a worker is killed with `SIGKILL` and started again; half-way, every connection to
//! the database is cut (`pg_terminate_backend`). At the end it checks that every paid purchase
//! was fulfilled by exactly one job with exactly one receipt, that every file downloaded is
//! the one the store recorded, that no job failed or was lost, and that nothing answered 5xx
//! (or dropped a connection) outside the 10 s after the cut; it prints the figures and fails
//! if anything did not hold.
#![allow(clippy::unwrap_used)]

mod cluster;
#[allow(dead_code)]
#[path = "../../../api/benches/common/cores.rs"]
mod cores;
mod traffic;
mod verify;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter};
use serde_json::json;

use crate::traffic::Store;

const PASSWORD: &str = "a long enough password";
/// How long after the cut a 5xx or a dropped connection is the cut's.
const CUT_WINDOW: f64 = 10.0;

/// The release binary beside this bench's (`target/release/trackout`), or `TRACKOUT_SOAK_BIN`.
fn binary() -> PathBuf {
    if let Ok(bin) = std::env::var("TRACKOUT_SOAK_BIN") {
        return bin.into();
    }
    let me = std::env::current_exe().unwrap();
    let bin = me.parent().unwrap().parent().unwrap().join("trackout");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release --bin trackout` first",
        bin.display()
    );
    bin
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    cores::pin(cores::LOAD);
    let load_before = cores::load_average();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(soak(load_before));
}

async fn soak(load_before: String) {
    let seconds: u64 = env_or("TRACKOUT_SOAK_SECONDS", 600);
    let server = std::env::var("TRACKOUT_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into());
    let server = server.trim_end_matches('/').to_owned();
    let name = format!("trackout_soak_{}", std::process::id());
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let database_url = format!("{server}/{name}");

    let s3 = trackout_tests::S3Server::start().await;
    let s3_config = s3.config();
    let dir = tempfile::tempdir().unwrap().keep();
    let data = dir.join("data");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", database_url.clone()),
        ("TRACKOUT_DATA_DIR", data.display().to_string()),
        (
            "TRACKOUT_JWT_SECRET",
            "a soak secret that is long enough to sign".into(),
        ),
        ("TRACKOUT_STORAGE", "s3".into()),
        ("TRACKOUT_S3_BUCKET", s3_config.bucket.clone().unwrap()),
        ("AWS_ENDPOINT_URL", s3_config.endpoint_url.clone().unwrap()),
        ("AWS_REGION", s3_config.region.clone().unwrap()),
        (
            "AWS_ACCESS_KEY_ID",
            s3_config.access_key_id.clone().unwrap(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            trackout_tests::s3::SECRET_KEY.into(),
        ),
        ("TRACKOUT_S3_FORCE_PATH_STYLE", "true".into()),
        ("TRACKOUT_DEV_PAYMENTS", "true".into()),
        ("TRACKOUT_RATE_LIMITS", "false".into()),
        ("TRACKOUT_JOB_LEASE_SECONDS", "10".into()),
        ("TRACKOUT_WORKER_CONCURRENCY", "1".into()),
        ("RUST_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut cluster = cluster::Cluster::start(&binary(), env, &logs);
    let client = reqwest::Client::new();
    cluster.ready(&client).await;
    let db = Database::connect(&database_url).await.unwrap();

    let started = Instant::now();
    let store = Store::new(cluster.bases.clone(), started);
    let mut tasks = Vec::new();
    for n in 0..3 {
        let email = format!("producer{n}@soak.test");
        let invited = cluster
            .command(&["invite-producer", &email])
            .output()
            .unwrap();
        assert!(
            invited.status.success(),
            "{}",
            String::from_utf8_lossy(&invited.stderr)
        );
        let link = String::from_utf8(invited.stdout).unwrap();
        let invitation = link.trim().split_once("invitation=").unwrap().1.to_owned();
        let token = account(&store, &db, &email, "producer", Some(&invitation)).await;
        tasks.push(tokio::spawn(traffic::producer(store.clone(), token, n)));
    }
    for n in 0..4 {
        let email = format!("artist{n}@soak.test");
        let token = account(&store, &db, &email, "artist", None).await;
        tasks.push(tokio::spawn(traffic::artist(store.clone(), token, n)));
    }

    // The faults, on schedule.
    let mut kills = 0;
    let mut cut = (f64::INFINITY, f64::INFINITY);
    let mut next_kill = Duration::from_secs(30);
    while started.elapsed() < Duration::from_secs(seconds) {
        if started.elapsed() >= next_kill {
            cluster.kill_worker(kills % 3);
            kills += 1;
            next_kill += Duration::from_secs(30);
        }
        if cut.0.is_infinite() && started.elapsed() >= Duration::from_secs(seconds / 2) {
            let at = started.elapsed().as_secs_f64();
            let cut_sql = format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            );
            admin.execute_unprepared(&cut_sql).await.unwrap();
            cut = (at, at + CUT_WINDOW);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    store.stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while store.collecting.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ran_for = started.elapsed().as_secs_f64();
    // The queue drains (the last renders, receipts) before anything is counted.
    let db = Database::connect(&database_url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let busy = entity::job::Entity::find()
            .filter(entity::job::Column::State.is_in(["queued", "running"]))
            .all(&db)
            .await
            .unwrap()
            .len();
        if busy == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let seen = store.seen.lock().await;
    let findings = verify::check(&db, &seen, &data.join("outbox"), cut).await;
    report(&seen, &findings, ran_for, kills, cut, &load_before);
    drop(cluster);
    if findings.problems.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
        drop(db);
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
    } else {
        eprintln!("\nThe processes' logs are in {}", logs.display());
        std::process::exit(1);
    }
}

/// Signs up, marks the address verified (the mail round trip is the accounts tests'), logs in.
async fn account(
    store: &Arc<Store>,
    db: &sea_orm::DatabaseConnection,
    email: &str,
    role: &str,
    invitation: Option<&str>,
) -> String {
    let body = json!({"email": email, "password": PASSWORD, "display_name": email,
                      "role": role, "invitation": invitation});
    let bytes = serde_json::to_vec(&body).unwrap();
    let (status, answer) = store
        .send(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(("application/json", bytes)),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let user = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    trackout_core::services::verification::mark_verified_without_mail(db, user.id)
        .await
        .unwrap();
    let login = serde_json::to_vec(&json!({"email": email, "password": PASSWORD})).unwrap();
    let (status, session) = store
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(("application/json", login)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    session["token"].as_str().unwrap().to_owned()
}

fn report(
    seen: &traffic::Seen,
    findings: &verify::Findings,
    ran_for: f64,
    kills: usize,
    cut: (f64, f64),
    load_before: &str,
) {
    let minutes = ran_for / 60.0;
    let mut publish = seen.to_publishable.clone();
    let mut fulfil: Vec<f64> = seen.paid.iter().filter_map(|p| p.fulfilled_after).collect();
    let in_cut = seen
        .answers
        .iter()
        .filter(|(at, s)| (*s == 0 || *s >= 500) && (cut.0..=cut.1).contains(at))
        .count();
    println!(
        "Soak: {ran_for:.0} s; 2 API processes and 3 workers on core {}, the clients on core {}; load average before {load_before}, after {}.\n",
        cores::STORE,
        cores::LOAD,
        cores::load_average()
    );
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| beats published | {} |", seen.published.len());
    println!(
        "| sales (paid purchases) | {} ({:.1} per minute) |",
        seen.paid.len(),
        seen.paid.len() as f64 / minutes
    );
    println!(
        "| last upload byte to published, p50 / p99 | {:.2} s / {:.2} s |",
        verify::percentile(&mut publish, 0.5),
        verify::percentile(&mut publish, 0.99)
    );
    println!(
        "| payment to every file ready, p50 / p99 | {:.2} s / {:.2} s |",
        verify::percentile(&mut fulfil, 0.5),
        verify::percentile(&mut fulfil, 0.99)
    );
    println!("| requests answered | {} |", seen.answers.len());
    println!("| workers killed (SIGKILL) | {kills} |");
    println!("| 5xx or dropped connections within {CUT_WINDOW} s of the cut | {in_cut} |");
    println!(
        "| (kind, beat) rendered to completion more than once | {} |",
        findings.repeated_renders
    );
    let mut states: Vec<_> = findings.jobs_by_state.iter().collect();
    states.sort();
    println!("| jobs by state | {states:?} |");
    println!("\n| job kind | done | enqueue to done p50 | p99 | taken again after a kill |");
    println!("| --- | --- | --- | --- | --- |");
    let mut latency = findings.latency.clone();
    latency.sort_by(|a, b| a.0.cmp(&b.0));
    for (kind, n, p50, p99) in latency {
        println!(
            "| {kind} | {n} | {p50:.2} s | {p99:.2} s | {} |",
            findings.rescued.get(&kind).copied().unwrap_or(0)
        );
    }
    if findings.problems.is_empty() {
        println!("\nEverything held.");
    } else {
        println!("\n{} problems:", findings.problems.len());
        for p in &findings.problems {
            println!("- {p}");
        }
    }
}
