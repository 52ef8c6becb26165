//! Big files through `/d/{token}` against nginx serving the same bytes with `sendfile`.
//!
//! `cargo bench -p trackout-api --bench bigfiles` seeds a store (SQLite, local files), builds
//! a 667 MB trackout bundle from 12 generated stems with the renderer's `build_bundle`, as the
//! render job does (the size of the pipeline benchmark's), stores it as a beat's rendered
//! bundle and as its WAV lease file, sells the trackout lease through the
//! real fulfilment job (which makes the buyer's personalized bundle: the base bundle's bytes
//! up to its central directory, then a tail of their own), then downloads with curl on the
//! other core:
//! - one download at a time, four at once, and a Range resume of the second half, each three
//!   times, for nginx (the bundle file itself), `/d/` for the WAV lease (one whole object) and
//!   `/d/` for the personalized bundle (prefix plus tail): MB/s, and the server's CPU seconds
//!   per GB served;
//! - fifty downloads of the personalized bundle at once: the store's resident memory, sampled.
//!
//! Needs curl, taskset and nginx (`apt-get install nginx`).
#![allow(clippy::unwrap_used)]

// Shared by the benches: each uses a part of it.
#[allow(dead_code)]
#[path = "../common/cores.rs"]
mod cores;
#[allow(dead_code)]
#[path = "../common/nginx.rs"]
mod nginx;
#[path = "../load/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};
use trackout_core::services::commerce::{checkout, library, payment_events};

const STEM_NAMES: [&str; 12] = [
    "Kick",
    "Snare",
    "Hi Hats",
    "808",
    "Bass",
    "Piano",
    "Pad",
    "Lead",
    "Vocal Chop",
    "FX",
    "Perc",
    "Strings",
];
/// 193 s a stem: twelve make the 667 MB of the pipeline benchmark's trackout.
const STEM_FRAMES: usize = 9_266_667;
const RUNS: usize = 3;
const MB: f64 = 1_000_000.0;

/// One stem per name in `STEM_NAMES`, `STEM_FRAMES` frames each (24-bit stereo at 48 kHz, noise: about 56 MB a
/// stem), in `dir/Trackout`, written in blocks.
fn write_stems(dir: &Path) -> PathBuf {
    let folder = dir.join("Trackout");
    std::fs::create_dir_all(&folder).unwrap();
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut noise = 0x2545_f491_u32;
    for (stem, name) in STEM_NAMES.iter().enumerate() {
        let file = std::fs::File::create(folder.join(format!("{name}.wav"))).unwrap();
        let mut wav =
            hound::WavWriter::new(std::io::BufWriter::with_capacity(1 << 20, file), spec).unwrap();
        let level = 1 << (18 + stem % 4);
        for _ in 0..STEM_FRAMES * 2 {
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            wav.write_sample((noise as i32 >> 8) % level).unwrap();
        }
        wav.finalize().unwrap();
    }
    folder
}

/// The base bundle of the stems in `folder`, built as the render job builds it, into `out`:
/// its size, its SHA-256 and the contents the job stores beside it (every stem's range, where
/// the manifest starts: what personalization keeps and rewrites).
fn build_bundle(folder: &Path, out: &Path) -> (u64, String, serde_json::Value) {
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let meta = trackout_render::BeatMeta {
        title: "Bench Trackout".into(),
        producer: "Bench Producer".into(),
        bpm: 140,
        key: "A min".into(),
        genre: "Trap".into(),
        isrc: None,
        year: Some(2026),
        license_note: "Licensed through Trackout".into(),
        writers: Vec::new(),
    };
    let report =
        trackout_render::build_bundle(folder, &meta, &trackout_render::CheckLimits::default(), out)
            .unwrap();
    let contents = trackout_worker::jobs::bundle_contents(report)
        .to_details()
        .unwrap();
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut std::fs::File::open(out).unwrap(), &mut hasher).unwrap();
    (size, hex::encode(hasher.finalize()), contents)
}

fn curl(url: &str, range: Option<u64>) -> Child {
    let mut command = cores::on_load_core("curl");
    command.args(["-s", "-f", "-o", "/dev/null", "-w", "%{size_download}"]);
    if let Some(from) = range {
        command.args(["-r", &format!("{from}-")]);
    }
    command
        .arg(url)
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl is installed")
}

/// `n` downloads of `url` at once: bytes received in all, and the wall time.
fn downloads(url: &str, n: usize, range: Option<u64>) -> (u64, Duration) {
    let started = Instant::now();
    let children: Vec<Child> = (0..n).map(|_| curl(url, range)).collect();
    let mut bytes = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "curl failed on {url}");
        bytes += String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<u64>()
            .unwrap();
    }
    (bytes, started.elapsed())
}

struct Server<'a> {
    name: &'a str,
    url: String,
    pid: u32,
}

fn measure(server: &Server, n: usize, range: Option<u64>, label: &str) -> f64 {
    let mut rates = Vec::new();
    let mut cpu_per_gb = Vec::new();
    for _ in 0..RUNS {
        let cpu = cores::cpu_seconds(server.pid);
        let (bytes, took) = downloads(&server.url, n, range);
        let used = cores::cpu_seconds(server.pid) - cpu;
        rates.push(bytes as f64 / MB / took.as_secs_f64());
        cpu_per_gb.push(used / (bytes as f64 / 1e9));
    }
    let (rate, lo, hi) = cores::spread(rates);
    let (cpu, _, _) = cores::spread(cpu_per_gb);
    println!(
        "| {label} | {} | {rate:.0} | {lo:.0}–{hi:.0} | {cpu:.3} |",
        server.name
    );
    rate
}

fn main() {
    cores::pin_store();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = runtime.block_on(seed::store(None));
    let db = store.state.db.clone();
    let beat = store.beats[1];

    // The bundle, built from generated stems as the render job builds it, stored as the
    // beat's rendered bundle and (one whole object) as its WAV lease file.
    let key = format!("beats/{beat}/bench-trackout.zip");
    let stems = tempfile::tempdir().unwrap();
    let folder = write_stems(stems.path());
    let (size, sha256, contents) = build_bundle(&folder, &store.objects_dir.join(&key));
    drop(stems);
    runtime.block_on(async {
        for kind in ["bundle", "wav_lease"] {
            entity::deliverable::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                beat_id: Set(beat),
                kind: Set(kind.into()),
                state: Set("done".into()),
                fingerprint: Set("bench".into()),
                storage_key: Set(Some(key.clone())),
                size_bytes: Set(Some(size as i64)),
                sha256: Set(Some(sha256.clone())),
                error: Set(None),
                details: Set((kind == "bundle").then(|| contents.clone())),
                updated_at: Set(chrono::Utc::now()),
            }
            .insert(&db)
            .await
            .unwrap();
        }
    });

    // The trackout lease, sold and fulfilled by the real job.
    let (bundle_path, wav_path) = runtime.block_on(async {
        let state = &store.state;
        let body: checkout::CheckoutBody =
            serde_json::from_value(serde_json::json!({"beat_id": beat, "tier": "trackout_lease"}))
                .unwrap();
        let started = checkout::start(
            &db,
            state.payments.as_ref(),
            &state.config,
            &store.artist,
            body,
        )
        .await
        .unwrap();
        let purchase = entity::purchase::Entity::find_by_id(started.purchase_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let event = payment_events::dev_payment_event(std::slice::from_ref(&purchase)).unwrap();
        payment_events::apply(&db, &event).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let view = library::get(&db, &state.tokens, &store.artist, purchase.id, 3600)
                .await
                .unwrap();
            let url = |file: &str| {
                view.files
                    .iter()
                    .find(|f| f.file == file && f.ready)
                    .and_then(|f| f.url.clone())
            };
            if let (Some(bundle), Some(wav)) = (url("bundle"), url("wav")) {
                break (bundle, wav);
            }
            assert!(
                Instant::now() < deadline,
                "the bundle was never personalized"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let nginx = nginx::Nginx::start(&store.objects_dir).expect("nginx is installed");
    let me = std::process::id();
    let servers = [
        Server {
            name: "nginx (sendfile)",
            url: format!("{}/{key}", nginx.base),
            pid: nginx.pid(),
        },
        Server {
            name: "`/d/` WAV lease (one object)",
            url: format!("{}{wav_path}", store.base),
            pid: me,
        },
        Server {
            name: "`/d/` personalized bundle (prefix + tail)",
            url: format!("{}{bundle_path}", store.base),
            pid: me,
        },
    ];
    // Warm the page cache: every run then reads memory, as a busy store's would.
    downloads(&servers[0].url, 1, None);

    println!(
        "{size} bytes ({:.0} MB); the store and nginx on core {}, curl on core {}; load average before: {}.\n",
        size as f64 / MB,
        cores::STORE,
        cores::LOAD,
        cores::load_average()
    );
    println!("| downloads | server | MB/s (median of {RUNS}) | spread | server CPU s per GB |");
    println!("| --- | --- | --- | --- | --- |");
    for (label, n, range) in [
        ("1 at a time", 1, None),
        ("4 at once", 4, None),
        ("Range resume from the middle", 1, Some(size / 2)),
    ] {
        let nginx_rate = measure(&servers[0], n, range, label);
        for server in &servers[1..] {
            let rate = measure(server, n, range, label);
            println!(
                "| {label} | {} against nginx | {:.0}% | | |",
                server.name,
                rate / nginx_rate * 100.0
            );
        }
    }

    // Fifty downloads at once: memory must not grow with them.
    for server in [&servers[0], &servers[2]] {
        let before = cores::resident_mib(server.pid);
        let children: Vec<Child> = (0..50).map(|_| curl(&server.url, None)).collect();
        let mut peak = before;
        let started = Instant::now();
        let mut children = children;
        while !children.is_empty() {
            peak = peak.max(cores::resident_mib(server.pid));
            children.retain_mut(|c| c.try_wait().unwrap().is_none());
            std::thread::sleep(Duration::from_millis(50));
        }
        println!(
            "\n50 at once, {}: resident {before:.1} MiB before, {peak:.1} MiB at most during ({:.1} s, {:.0} MB/s in all).",
            server.name,
            started.elapsed().as_secs_f64(),
            50.0 * size as f64 / MB / started.elapsed().as_secs_f64()
        );
    }
    println!("\nLoad average after: {}.", cores::load_average());
    drop(nginx);
    drop(store);
}
