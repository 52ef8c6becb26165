//! Load on the download links and the catalog, with oha on loopback.
//!
//! `cargo bench -p trackout-api --bench load` seeds a store (SQLite, and PostgreSQL too when
//! `TRACKOUT_TEST_POSTGRES` names a server), then drives, at a fixed request rate:
//! - `GET /api/v1/beats` (the catalog's first page, 24 beats of 60);
//! - `GET /d/{token}` for a purchased file, against the same file served statically by a bare
//!   actix-files server (same process, same machine): the difference is what checking the
//!   link (JWT, purchase, counting the download) costs.
//!
//! Needs `oha` on PATH (`cargo install oha`).
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod seed;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

const RATE: u32 = 500;
const SECONDS: u32 = 10;

#[derive(Debug)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    ok: f64,
}

fn oha(url: &str, rate: u32) -> Run {
    let out = Command::new("oha")
        .args([
            "--no-tui",
            "--output-format",
            "json",
            "-z",
            &format!("{SECONDS}s"),
            "-q",
            &rate.to_string(),
            "-c",
            "16",
            url,
        ])
        .output()
        .expect("oha is on PATH (cargo install oha)");
    assert!(
        out.status.success(),
        "oha failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("oha's JSON");
    let ms = |p: &str| v["latencyPercentiles"][p].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Run {
        rps: v["summary"]["requestsPerSec"].as_f64().unwrap_or_default(),
        p50_ms: ms("p50"),
        p99_ms: ms("p99"),
        ok: v["summary"]["successRate"].as_f64().unwrap_or_default() * 100.0,
    }
}

fn row(what: &str, r: &Run) {
    println!(
        "| {what} | {:.0} | {:.2} | {:.2} | {:.1}% |",
        r.rps, r.p50_ms, r.p99_ms, r.ok
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut databases = vec![("SQLite", None)];
    if let Ok(server) = std::env::var("TRACKOUT_TEST_POSTGRES")
        && !server.is_empty()
    {
        databases.push(("PostgreSQL", Some(server)));
    }
    println!(
        "Load at {RATE} requests/s for {SECONDS} s each, 16 connections, oha on loopback ({} cores).\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!("| database · route | req/s | p50 ms | p99 ms | 2xx/3xx |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, server) in databases {
        let store = runtime.block_on(seed::store(server.as_deref()));
        std::thread::sleep(Duration::from_millis(500));
        let catalog = oha(&format!("{}/api/v1/beats?per_page=24", store.base), RATE);
        let link = oha(&format!("{}{}", store.base, store.download_path), RATE);
        let plain = oha(&format!("{}/{}", store.static_base, store.object_key), RATE);
        row(&format!("{name} · catalog, first page"), &catalog);
        row(
            &format!("{name} · `/d/{{token}}` ({} KB)", store.file_bytes / 1024),
            &link,
        );
        row(&format!("{name} · same file, static"), &plain);
        println!(
            "| {name} · link check adds (p99) | | | {:+.2} | |",
            link.p99_ms - plain.p99_ms
        );
        drop(store);
    }
}
