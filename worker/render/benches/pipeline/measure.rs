//! Personalization timings and the peak-memory child process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use trackout_render::{BundleFile, PreviewSettings, personalize_bundle};

use crate::fixture::{self, Fixture};
use crate::steps::{Split, bundle, median, pipeline, time};

pub const CHILD_ENV: &str = "TRACKOUT_RENDER_BENCH_CHILD";

pub struct Personal {
    pub seconds: u64,
    pub bundle_bytes: u64,
    pub base: Duration,
    pub personalize: Duration,
    pub tail_bytes: u64,
}

pub fn personalization(fx: &Fixture, out: &Path) -> Personal {
    let base = median((0..3).map(|_| bundle(fx, out)).collect());
    let path = out.join("bundle.zip");
    // On disk before timing: the kernel writing a gigabyte back would skew the milliseconds.
    std::fs::File::open(&path)
        .and_then(|f| f.sync_all())
        .expect("sync the bundle");
    let extras = vec![
        BundleFile {
            name: "license.pdf".into(),
            bytes: vec![0x25; 120_000],
        },
        BundleFile {
            name: "license.txt".into(),
            bytes: b"WAV lease for Jane Doe. ".repeat(200),
        },
    ];
    let mut tail_bytes = 0;
    let personalize = median(
        (0..21)
            .map(|_| {
                time(|| {
                    let mut base = std::fs::File::open(&path).expect("open base");
                    let mut tail = Vec::with_capacity(256 << 10);
                    tail_bytes = personalize_bundle(
                        &mut base,
                        &extras,
                        "Licensed to Jane Doe, TRK-7F3K2",
                        &mut tail,
                    )
                    .expect("personalize")
                    .tail_bytes;
                })
            })
            .collect(),
    );
    Personal {
        seconds: fx.seconds,
        bundle_bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
        base,
        personalize,
        tail_bytes,
    }
}

/// Peak resident memory of a fresh process running the whole pipeline once.
pub fn child_hwm(what: &str, fx: &Fixture, out: &Path) -> f64 {
    let dir = fx.folder.parent().expect("fixture dir");
    let spec = format!(
        "{what}\n{}\n{}\n{}",
        dir.display(),
        fx.seconds,
        out.display()
    );
    let exe = std::env::current_exe().expect("bench executable");
    let output = Command::new(exe)
        .env(CHILD_ENV, spec)
        .stderr(Stdio::inherit())
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let kb: f64 = text
        .trim()
        .strip_prefix("vmhwm_kb=")
        .and_then(|v| v.parse().ok())
        .expect("child reports VmHWM");
    kb / 1024.0
}

pub fn child(spec: &str) {
    let mut parts = spec.lines();
    let (what, dir, seconds, out) = (parts.next(), parts.next(), parts.next(), parts.next());
    if what == Some("pipeline") {
        let seconds: u64 = seconds.and_then(|s| s.parse().ok()).expect("seconds");
        let fx = fixture::open(Path::new(dir.expect("dir")), seconds).expect("fixture");
        pipeline(
            &fx,
            Path::new(out.expect("out")),
            Split::Balanced,
            &PreviewSettings::default(),
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("vmhwm_kb={kb}");
}
