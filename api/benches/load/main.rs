//! Load on the catalog and the download links, with oha on loopback, measured fairly on two
//! cores: this process (the store) and nginx on core 0, oha on core 1.
//!
//! `cargo bench -p trackout-api --bench load` seeds a store (SQLite, and PostgreSQL too when
//! `TRACKOUT_TEST_POSTGRES` names a server), then drives, open-loop at a fixed request rate
//! (oha `-q` with latency correction), three runs of 10 s each:
//! - `GET /api/v1/beats` (the catalog's first page, 24 beats of 60), at 500 req/s and then at
//!   rising rates, to find the highest that keeps p99 under 10 ms;
//! - `GET /d/{token}` for a purchased file, against the same file served by nginx (`sendfile`
//!   on) and by a bare actix-files server: the difference is what checking the link costs.
//!
//! Needs `oha` (`cargo install oha`), `taskset`, and nginx for that baseline.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

// Shared by the benches: each uses a part of it.
#[allow(dead_code)]
#[path = "../common/cores.rs"]
mod cores;
#[allow(dead_code)]
#[path = "../common/nginx.rs"]
mod nginx;
#[allow(dead_code)]
mod seed;

use std::time::Duration;

use serde_json::Value;

const RATE: u32 = 500;
const SECONDS: u32 = 10;
const RUNS: usize = 3;
const TARGET_P99_MS: f64 = 10.0;

#[derive(Debug, Clone, Copy)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    ok: f64,
}

fn oha(url: &str, rate: u32) -> Run {
    let out = cores::on_load_core("oha")
        .args([
            "--no-tui",
            "--output-format",
            "json",
            "--latency-correction",
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

/// Three runs: their medians, and the p99's spread.
struct Runs(Vec<Run>);

impl Runs {
    fn of(url: &str, rate: u32) -> Runs {
        Runs((0..RUNS).map(|_| oha(url, rate)).collect())
    }

    fn median(&self, f: impl Fn(&Run) -> f64) -> (f64, f64, f64) {
        cores::spread(self.0.iter().map(f).collect())
    }

    fn row(&self, what: &str) {
        let (rps, _, _) = self.median(|r| r.rps);
        let (p50, _, _) = self.median(|r| r.p50_ms);
        let (p99, lo, hi) = self.median(|r| r.p99_ms);
        let (ok, _, _) = self.median(|r| r.ok);
        println!("| {what} | {rps:.0} | {p50:.2} | {p99:.2} | {lo:.2}–{hi:.2} | {ok:.1}% |");
    }
}

fn main() {
    cores::pin_store();
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
        "Open-loop load, {RUNS} runs of {SECONDS} s, 16 connections; the store and nginx on core {}, oha on core {}; load average before: {}.\n",
        cores::STORE,
        cores::LOAD,
        cores::load_average()
    );
    println!("| database · route | req/s | p50 ms | p99 ms (median) | p99 spread | 2xx/3xx |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, server) in databases {
        let store = runtime.block_on(seed::store(server.as_deref()));
        let nginx = nginx::Nginx::start(&store.objects_dir);
        std::thread::sleep(Duration::from_millis(500));
        let catalog = format!("{}/api/v1/beats?per_page=24", store.base);
        Runs::of(&catalog, RATE).row(&format!("{name} · catalog, first page @ {RATE}/s"));
        let link = Runs::of(&format!("{}{}", store.base, store.download_path), RATE);
        link.row(&format!(
            "{name} · `/d/{{token}}` ({} KB) @ {RATE}/s",
            store.file_bytes / 1024
        ));
        let actix = Runs::of(&format!("{}/{}", store.static_base, store.object_key), RATE);
        actix.row(&format!("{name} · same file, actix-files"));
        let (link_p99, _, _) = link.median(|r| r.p99_ms);
        let mut baselines = vec![("actix-files", actix.median(|r| r.p99_ms).0)];
        if let Some(nginx) = &nginx {
            let plain = Runs::of(&format!("{}/{}", nginx.base, store.object_key), RATE);
            plain.row(&format!("{name} · same file, nginx"));
            baselines.push(("nginx", plain.median(|r| r.p99_ms).0));
        }
        for (what, p99) in baselines {
            println!(
                "| {name} · link check adds at p99, over {what} | | | {:+.2} | | |",
                link_p99 - p99
            );
        }
        // The highest rate whose median p99 stays under the target.
        let mut best = None;
        for rate in [750, 1000, 1500, 2000, 3000, 4000, 6000] {
            let runs = Runs::of(&catalog, rate);
            runs.row(&format!("{name} · catalog, first page @ {rate}/s"));
            let (p99, _, _) = runs.median(|r| r.p99_ms);
            let (rps, _, _) = runs.median(|r| r.rps);
            if p99 >= TARGET_P99_MS || rps < f64::from(rate) * 0.98 {
                break;
            }
            best = Some(rate);
        }
        match best {
            Some(rate) => println!(
                "| {name} · catalog: highest rate tried with p99 < {TARGET_P99_MS} ms | {rate} | | | | |"
            ),
            None => println!(
                "| {name} · catalog: no rate above {RATE}/s kept p99 < {TARGET_P99_MS} ms | | | | | |"
            ),
        }
        drop(nginx);
        drop(store);
    }
    println!("\nLoad average after: {}.", cores::load_average());
}
