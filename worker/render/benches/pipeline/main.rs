//! `cargo bench -p trackout-render --bench pipeline`
//!
//! Generates a 12-stem, 24-bit, 44.1 kHz stereo trackout of 3:30 (~670 MB) and its master,
//! then measures in one run:
//! - the whole pipeline of one beat (the trackout check, the preview with its peaks, the MP3
//!   lease, the WAV lease, the base bundle) on two threads, split as the issue sketched it
//!   (the 320 kbps encode alone on one) and split by length (median of 3 each);
//! - each step alone, and the sequential shell equivalent when the tools are installed;
//! - our encoders against `lame` with the same settings on the same input;
//! - personalizing one purchase's bundle against building the base, at 3:30 and at 7:00;
//! - peak memory (VmHWM) of a child process running the whole pipeline, at both lengths.
//!
//! TRACKOUT_BENCH_DIR keeps the generated files (about 4 GB) instead of a temporary folder;
//! with TRACKOUT_BENCH_REUSE set, files already there are used as they are.
//! TRACKOUT_BENCH_ONLY=pipeline|sketched|check|preview|mp3|wav|bundle runs just that three
//! times and prints its times (for a profiler, or a quick look).
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod cpu;
mod fixture;
mod measure;
mod report;
mod shell;
mod steps;
mod synth;

use std::path::PathBuf;
use std::time::Instant;

use trackout_render::{BeatMeta, PreviewSettings, Writer};

use fixture::Fixture;
use measure::{CHILD_ENV, Personal, child, child_hwm, personalization};
use steps::{Pipeline, Split, alone, bundle, check, mp3_lease, pipeline, preview, wav_lease};

pub fn meta() -> BeatMeta {
    BeatMeta {
        title: "Night Drive".into(),
        producer: "Kato".into(),
        bpm: 140,
        key: "A min".into(),
        genre: "Trap".into(),
        isrc: Some("USABC2400001".into()),
        year: Some(2024),
        license_note: "Licensed via Trackout - see license.pdf".into(),
        writers: vec![Writer {
            name: "Kato".into(),
            role: Some("producer".into()),
            split_percent: Some(100.0),
        }],
    }
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    let tmp = tempfile::Builder::new()
        .prefix("trackout-render-bench-")
        .tempdir()
        .expect("temp dir");
    let root = std::env::var_os("TRACKOUT_BENCH_DIR")
        .map_or_else(|| tmp.path().to_path_buf(), PathBuf::from);
    let reuse = std::env::var_os("TRACKOUT_BENCH_REUSE").is_some();
    let mut lengths = Vec::new();
    for seconds in [210, 420] {
        let dir = root.join(format!("{seconds}s"));
        let t = Instant::now();
        let fx = match fixture::open(&dir, seconds) {
            Ok(fx) if reuse => fx,
            _ => fixture::write(&dir, seconds).expect("writing the fixture"),
        };
        eprintln!(
            "{seconds} s trackout ready ({:.0} MB of stems) in {:.1} s",
            fx.stems_bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        let out = dir.join("out");
        std::fs::create_dir_all(&out).expect("output folder");
        lengths.push((fx, out));
    }
    let (fx, out) = &lengths[0];
    warm(fx);
    if let Ok(step) = std::env::var("TRACKOUT_BENCH_ONLY") {
        for _ in 0..3 {
            let t = match step.as_str() {
                "pipeline" => pipeline(fx, out, Split::Balanced, &PreviewSettings::default()).wall,
                "sketched" => {
                    pipeline(fx, out, Split::AsSketched, &PreviewSettings::default()).wall
                }
                "check" => check(fx),
                "preview" => preview(fx, out, &PreviewSettings::default()),
                "mp3" => mp3_lease(fx, out),
                "wav" => wav_lease(fx, out),
                _ => bundle(fx, out),
            };
            eprintln!("{step}: {:.3} s", t.as_secs_f64());
        }
        return;
    }
    let load_before = load_average();

    let preview_q3 = PreviewSettings {
        encoder_quality: 3,
        ..PreviewSettings::default()
    };
    let mut runs = Vec::new();
    for (split, settings) in [
        (Split::AsSketched, PreviewSettings::default()),
        (Split::Balanced, PreviewSettings::default()),
        (Split::Balanced, preview_q3.clone()),
    ] {
        let times: Vec<Pipeline> = (0..3)
            .map(|_| pipeline(fx, out, split, &settings))
            .collect();
        runs.push((split, settings.encoder_quality, times));
    }
    let steps = alone(fx, out);
    let chain = shell::available().then(|| shell::chain(fx, out));
    let lame = chain.is_some().then(|| shell::lame_alone(fx, out));

    let personal: Vec<Personal> = lengths
        .iter()
        .map(|(fx, out)| {
            warm(fx);
            personalization(fx, out)
        })
        .collect();
    let memory: Vec<(u64, f64)> = lengths
        .iter()
        .map(|(fx, out)| (fx.seconds, child_hwm("pipeline", fx, out)))
        .collect();
    let idle = child_hwm("idle", &lengths[0].0, &lengths[0].1);
    let load_after = load_average();

    report::print(&report::Results {
        fx,
        runs: &runs,
        steps: &steps,
        chain: chain.as_ref(),
        lame: lame.as_ref(),
        personal: &personal,
        memory: &memory,
        idle,
        load: (load_before, load_after),
    });
}

/// The 1-minute load average: other work on the machine skews every figure, so it is printed.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_string()
}

/// Reads every input once so the page cache holds them, as it does for a worker that just
/// received the upload.
fn warm(fx: &Fixture) {
    for path in fx.stem_files.iter().chain([&fx.master, &fx.tag]) {
        std::fs::read(path).expect("read input");
    }
}
