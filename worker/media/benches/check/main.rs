//! `cargo bench -p trackout-media --bench check`
//!
//! Generates a 12-stem, 24-bit, 44.1 kHz stereo trackout of 3:30 and its master (as a folder
//! and as a stored zip), then reports: reading every byte (the floor), the check with the
//! master (median of 5), throughput, peak memory of a process doing one check, and
//! `sox stats` over every stem plus `ffmpeg ebur128` on the master when they are installed.
//! Then the same at twice the length.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod fixture;
mod synth;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use trackout_media::{CheckLimits, NoProgress, check_path};

const CHILD_ENV: &str = "TRACKOUT_BENCH_CHILD";
const RUNS: usize = 5;

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    // TRACKOUT_BENCH_DIR keeps the generated trackouts (about 4.4 GB) for other tools and
    // for the next run, which reuses them.
    let tmp = tempfile::Builder::new()
        .prefix("trackout-bench-")
        .tempdir()
        .expect("temp dir");
    let root =
        std::env::var_os("TRACKOUT_BENCH_DIR").map_or_else(|| tmp.path().to_path_buf(), Into::into);
    let mut rows = Vec::new();
    for seconds in [210, 420] {
        let dir = root.join(format!("{seconds}s"));
        let started = Instant::now();
        let fx = fixture::write(&dir, seconds).expect("writing the bench trackout");
        eprintln!(
            "{} s trackout ({:.0} MB) ready in {:.1} s",
            seconds,
            fx.total_bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        rows.push(measure(seconds, &fx));
    }
    print_rows(&rows);
}

struct Row {
    seconds: u64,
    mb: f64,
    read_floor: f64,
    check_folder: f64,
    check_zip: f64,
    /// The fastest run: the least disturbed by anything else on the machine.
    best_folder: f64,
    hwm_folder_mb: f64,
    hwm_zip_mb: f64,
    hwm_idle_mb: f64,
    tools: Option<f64>,
}

fn measure(seconds: u64, fx: &fixture::Fixture) -> Row {
    // Other work on the machine skews every figure; say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "load average before measuring: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let limits = CheckLimits::default();
    let all_files: Vec<&Path> = fx
        .stem_files
        .iter()
        .map(|p| p.as_path())
        .chain([fx.master.as_path()])
        .collect();
    // Warm the page cache and check the report before timing anything.
    read_all(&all_files);
    let report =
        check_path(&fx.folder, Some(&fx.master), &limits, &NoProgress).expect("check runs");
    let master = report.master.as_ref().expect("master measured");
    eprintln!(
        "{} stems, {} findings; master {:.2} LUFS, LRA {:.2} LU, true peak {:.2} dBTP (sample peak {:.2})",
        report.stems.len(),
        report.findings.len(),
        master.integrated_lufs,
        master.loudness_range_lu,
        master.true_peak_dbtp,
        master.sample_peak_dbfs
    );
    for f in &report.findings {
        eprintln!(
            "  {} {}: {}",
            f.code.as_str(),
            f.stem.as_deref().unwrap_or("-"),
            f.message
        );
    }
    let read_floor = median(RUNS, || read_all(&all_files));
    let (check_folder, best_folder) = median_and_best(RUNS, || {
        check_path(&fx.folder, Some(&fx.master), &limits, &NoProgress).expect("check runs");
    });
    let check_zip = median(RUNS, || {
        check_path(&fx.zip, Some(&fx.master), &limits, &NoProgress).expect("check runs");
    });
    let hwm = |what: &str, path: &Path| child_hwm(what, path, &fx.master);
    Row {
        seconds,
        mb: fx.total_bytes as f64 / 1e6,
        read_floor,
        check_folder,
        check_zip,
        best_folder,
        hwm_folder_mb: hwm("check", &fx.folder),
        hwm_zip_mb: hwm("check", &fx.zip),
        hwm_idle_mb: hwm("idle", &fx.folder),
        tools: sox_and_ffmpeg(fx),
    }
}

fn read_all(files: &[&Path]) {
    let mut buf = vec![0u8; 1 << 20];
    for path in files {
        let mut f = File::open(path).expect("open");
        while f.read(&mut buf).expect("read") > 0 {}
    }
}

fn median(runs: usize, f: impl FnMut()) -> f64 {
    median_and_best(runs, f).0
}

fn median_and_best(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[runs / 2], times[0])
}

/// Peak resident memory (VmHWM) of a fresh process that runs one check: the number a
/// worker's container limit has to allow.
fn child_hwm(what: &str, trackout: &Path, master: &Path) -> f64 {
    let exe = std::env::current_exe().expect("bench executable");
    let out = Command::new(exe)
        .env(
            CHILD_ENV,
            format!("{what}\n{}\n{}", trackout.display(), master.display()),
        )
        .stderr(Stdio::inherit())
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: f64 = text
        .trim()
        .strip_prefix("vmhwm_kb=")
        .and_then(|v| v.parse().ok())
        .expect("child reports VmHWM");
    kb / 1024.0
}

fn child(spec: &str) {
    let mut parts = spec.lines();
    let (what, trackout, master) = (parts.next(), parts.next(), parts.next());
    if what == Some("check") {
        let (trackout, master) = (
            Path::new(trackout.expect("path")),
            Path::new(master.expect("path")),
        );
        check_path(trackout, Some(master), &CheckLimits::default(), &NoProgress)
            .expect("check runs");
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("vmhwm_kb={kb}");
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `sox --i` and `sox stats` over every stem, then `ffmpeg ebur128` with true peak on the
/// master, one after the other: what a producer would run by hand for the same report.
fn sox_and_ffmpeg(fx: &fixture::Fixture) -> Option<f64> {
    if !on_path("sox") || !on_path("ffmpeg") {
        eprintln!("sox or ffmpeg not on PATH: skipping the side-by-side");
        return None;
    }
    let run = |cmd: &mut Command| {
        let ok = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success());
        assert!(matches!(ok, Ok(true)), "{cmd:?} failed");
    };
    Some(median(3, || {
        for stem in &fx.stem_files {
            run(Command::new("sox").arg("--i").arg(stem));
            run(Command::new("sox").arg(stem).args(["-n", "stats"]));
        }
        run(Command::new("ffmpeg")
            .args(["-hide_banner", "-nostats", "-i"])
            .arg(&fx.master)
            .args(["-af", "ebur128=peak=true", "-f", "null", "-"]));
    }))
}

fn print_rows(rows: &[Row]) {
    println!();
    println!(
        "| length | stems + master | read every byte | check (folder), median / best | check (zip) | MB/s (folder) | sox + ffmpeg | speed-up | peak memory (folder / zip; idle process) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for r in rows {
        let tools = r.tools.map_or("n/a".into(), |t| format!("{t:.2} s"));
        let speedup = r
            .tools
            .map_or("n/a".into(), |t| format!("{:.1}x", t / r.check_folder));
        println!(
            "| {}:{:02} | {:.0} MB | {:.3} s | {:.3} s / {:.3} s | {:.3} s | {:.0} | {} | {} | {:.1} MB / {:.1} MB; {:.1} MB |",
            r.seconds / 60,
            r.seconds % 60,
            r.mb,
            r.read_floor,
            r.check_folder,
            r.best_folder,
            r.check_zip,
            r.mb / r.check_folder,
            tools,
            speedup,
            r.hwm_folder_mb,
            r.hwm_zip_mb,
            r.hwm_idle_mb,
        );
    }
    if let [a, b] = rows {
        println!(
            "\ntime at 2x length / time at 1x: folder {:.2}, zip {:.2} (2.00 is linear)",
            b.check_folder / a.check_folder,
            b.check_zip / a.check_zip
        );
    }
}
