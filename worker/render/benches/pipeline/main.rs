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

mod fixture;
mod report;
mod shell;
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use trackout_media::{CheckLimits, NoProgress, check_path};
use trackout_render::{
    BeatMeta, BundleFile, PreviewSettings, Writer, build_bundle, personalize_bundle,
    render_mp3_lease, render_preview_with_peaks, render_wav_lease, waveform_peaks,
};

use fixture::Fixture;

const CHILD_ENV: &str = "TRACKOUT_RENDER_BENCH_CHILD";

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
                "pipeline" => pipeline(fx, out, Split::ByLength, &PreviewSettings::default()).wall,
                "sketched" => pipeline(fx, out, Split::AsSketched, &PreviewSettings::default()).wall,
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
        (Split::ByLength, PreviewSettings::default()),
        (Split::ByLength, preview_q3.clone()),
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

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Split {
    /// The sketch: the 320 kbps encode alone on one thread, everything else on the
    /// other.
    AsSketched,
    /// Longest first on two threads: check, MP3 lease, WAV lease on one; preview and base
    /// bundle on the other.
    ByLength,
}

pub struct Pipeline {
    pub wall: Duration,
    pub check: Duration,
    pub mp3_lease: Duration,
    pub preview: Duration,
    pub wav_lease: Duration,
    pub bundle: Duration,
}

fn check(fx: &Fixture) -> Duration {
    time(|| {
        let report = check_path(
            &fx.folder,
            Some(&fx.master),
            &CheckLimits::default(),
            &NoProgress,
        )
        .expect("check");
        assert!(
            report.passes,
            "the bench trackout must pass the check: {:?}",
            report.errors().collect::<Vec<_>>()
        );
    })
}

fn mp3_lease(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        render_mp3_lease(&fx.master, &meta(), &out.join("lease.mp3")).expect("MP3 lease");
    })
}

fn preview(fx: &Fixture, out: &Path, settings: &PreviewSettings) -> Duration {
    time(|| {
        let (mp3, peaks) = (out.join("preview.mp3"), out.join("peaks.json"));
        render_preview_with_peaks(&fx.master, Some(&fx.tag), settings, &mp3, &peaks)
            .expect("preview");
    })
}

fn wav_lease(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        render_wav_lease(&fx.master, &meta(), &out.join("lease.wav")).expect("WAV lease");
    })
}

fn bundle(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        build_bundle(&fx.folder, &meta(), &out.join("bundle.zip")).expect("bundle");
    })
}

/// Every deliverable of one beat, on two threads (plus the check's own scan threads).
fn pipeline(fx: &Fixture, out: &Path, split: Split, settings: &PreviewSettings) -> Pipeline {
    let started = Instant::now();
    let (check, mp3_lease, preview, wav_lease, bundle) = std::thread::scope(|s| match split {
        Split::AsSketched => {
            let one = s.spawn(|| mp3_lease(fx, out));
            let check = check(fx);
            let preview = preview(fx, out, settings);
            let wav = wav_lease(fx, out);
            let bundle = bundle(fx, out);
            (check, one.join().expect("thread"), preview, wav, bundle)
        }
        Split::ByLength => {
            let one = s.spawn(|| (check(fx), mp3_lease(fx, out), wav_lease(fx, out)));
            let preview = preview(fx, out, settings);
            let bundle = bundle(fx, out);
            let (check, mp3, wav) = one.join().expect("thread");
            (check, mp3, preview, wav, bundle)
        }
    });
    Pipeline {
        wall: started.elapsed(),
        check,
        mp3_lease,
        preview,
        wav_lease,
        bundle,
    }
}

pub struct Alone {
    pub check: Duration,
    pub preview: Duration,
    pub preview_q3: Duration,
    pub waveform: Duration,
    pub mp3_lease: Duration,
    pub wav_lease: Duration,
    pub bundle: Duration,
}

/// Each step on its own, median of 3.
fn alone(fx: &Fixture, out: &Path) -> Alone {
    let m = |f: &dyn Fn() -> Duration| median((0..3).map(|_| f()).collect());
    let q3 = PreviewSettings {
        encoder_quality: 3,
        ..PreviewSettings::default()
    };
    Alone {
        check: m(&|| check(fx)),
        preview: m(&|| preview(fx, out, &PreviewSettings::default())),
        preview_q3: m(&|| preview(fx, out, &q3)),
        waveform: m(&|| {
            time(|| {
                waveform_peaks(&out.join("preview.mp3"), &out.join("peaks-mp3.json"))
                    .expect("peaks")
            })
        }),
        mp3_lease: m(&|| mp3_lease(fx, out)),
        wav_lease: m(&|| wav_lease(fx, out)),
        bundle: m(&|| bundle(fx, out)),
    }
}

pub struct Personal {
    pub seconds: u64,
    pub bundle_bytes: u64,
    pub base: Duration,
    pub personalize: Duration,
    pub tail_bytes: u64,
}

fn personalization(fx: &Fixture, out: &Path) -> Personal {
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
fn child_hwm(what: &str, fx: &Fixture, out: &Path) -> f64 {
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

fn child(spec: &str) {
    let mut parts = spec.lines();
    let (what, dir, seconds, out) = (parts.next(), parts.next(), parts.next(), parts.next());
    if what == Some("pipeline") {
        let seconds: u64 = seconds.and_then(|s| s.parse().ok()).expect("seconds");
        let fx = fixture::open(Path::new(dir.expect("dir")), seconds).expect("fixture");
        pipeline(
            &fx,
            Path::new(out.expect("out")),
            Split::ByLength,
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
