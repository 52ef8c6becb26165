//! `cargo bench -p trackout-render --bench pipeline`
//!
//! Generates a 12-stem, 24-bit, 44.1 kHz stereo trackout of 3:30 (~670 MB) and its master,
//! then measures in one run:
//! - the whole pipeline: the trackout check, the preview (+ waveform), the MP3 lease, the WAV
//!   lease and the base bundle, with the 320 kbps encode on one thread and everything else
//!   on the other (median of 3);
//! - each step alone, and the sequential shell equivalent when the tools are installed
//!   (`sox stats`, `ffmpeg ebur128`, `sox` mix + `lame -b 128`, `lame -b 320`, `cp`,
//!   `zip -0 -r`);
//! - our encoders against `lame` on the same input;
//! - personalizing one purchase's bundle against building the base, at 3:30 and at 7:00;
//! - peak memory (VmHWM) of a child process running the whole pipeline, at both lengths.
//!
//! TRACKOUT_BENCH_DIR keeps the generated files (about 4 GB) instead of a temporary folder.

mod fixture;
mod shell;
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use trackout_media::{CheckLimits, NoProgress, check_path};
use trackout_render::{
    BeatMeta, BundleFile, PreviewSettings, Writer, build_bundle, personalize_bundle,
    render_mp3_lease, render_preview, render_wav_lease, waveform_peaks,
};

use fixture::Fixture;

const CHILD_ENV: &str = "TRACKOUT_RENDER_BENCH_CHILD";

fn meta() -> BeatMeta {
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
    let mut lengths = Vec::new();
    for seconds in [210, 420] {
        let dir = root.join(format!("{seconds}s"));
        let t = Instant::now();
        let fx = fixture::write(&dir, seconds).expect("writing the fixture");
        eprintln!(
            "generated {seconds} s trackout ({:.0} MB of stems) in {:.1} s",
            fx.stems_bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        lengths.push((fx, dir.join("out")));
    }
    let (fx, out) = &lengths[0];
    std::fs::create_dir_all(out).expect("output folder");
    warm(fx);

    let pipeline_runs: Vec<Pipeline> = (0..3).map(|_| pipeline(fx, out)).collect();
    let whole = median(pipeline_runs.iter().map(|p| p.wall).collect());
    let steps = alone(fx, out);
    let tools = shell::available();
    let chain = tools.then(|| shell::chain(fx, out));
    let lame = tools.then(|| shell::lame_alone(fx, out));

    let mut personal = Vec::new();
    for (fx, out) in &lengths {
        std::fs::create_dir_all(out).expect("output folder");
        warm(fx);
        personal.push(personalization(fx, out));
    }
    let memory: Vec<(u64, f64)> = lengths
        .iter()
        .map(|(fx, out)| (fx.seconds, child_hwm("pipeline", fx, out)))
        .collect();
    let idle = child_hwm("idle", &lengths[0].0, &lengths[0].1);

    report(
        fx,
        &pipeline_runs,
        whole,
        &steps,
        chain.as_ref(),
        lame.as_ref(),
        &personal,
        &memory,
        idle,
    );
}

/// Reads every input once so the page cache holds them, as it does for a worker that just
/// received the upload.
fn warm(fx: &Fixture) {
    for path in fx.stem_files.iter().chain([&fx.master, &fx.tag]) {
        std::fs::read(path).expect("read input");
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

struct Pipeline {
    wall: Duration,
    encode_thread: Duration,
    check: Duration,
    preview: Duration,
    wav_lease: Duration,
    bundle: Duration,
}

/// The whole render of one beat: the 320 kbps encode on its own thread, the check, the
/// preview, the WAV lease and the bundle on this one.
fn pipeline(fx: &Fixture, out: &Path) -> Pipeline {
    let meta = meta();
    let started = Instant::now();
    std::thread::scope(|s| {
        let encode = s.spawn(|| {
            time(|| {
                let _ =
                    render_mp3_lease(&fx.master, &meta, &out.join("lease.mp3")).expect("MP3 lease");
            })
        });
        let check = time(|| {
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
        });
        let preview = time(|| {
            render_preview(
                &fx.master,
                Some(&fx.tag),
                &PreviewSettings::default(),
                &out.join("preview.mp3"),
            )
            .expect("preview");
            waveform_peaks(&out.join("preview.mp3"), &out.join("peaks.json")).expect("peaks");
        });
        let wav_lease = time(|| {
            let _ = render_wav_lease(&fx.master, &meta, &out.join("lease.wav")).expect("WAV lease");
        });
        let bundle = time(|| {
            let _ = build_bundle(&fx.folder, &meta, &out.join("bundle.zip")).expect("bundle");
        });
        let encode_thread = encode.join().expect("encode thread");
        Pipeline {
            wall: started.elapsed(),
            encode_thread,
            check,
            preview,
            wav_lease,
            bundle,
        }
    })
}

struct Alone {
    check: Duration,
    preview: Duration,
    waveform: Duration,
    mp3_lease: Duration,
    wav_lease: Duration,
    bundle: Duration,
}

/// Each step on its own, median of 3.
fn alone(fx: &Fixture, out: &Path) -> Alone {
    let meta = meta();
    let m = |f: &dyn Fn()| median((0..3).map(|_| time(f)).collect());
    Alone {
        check: m(&|| {
            let _ = check_path(
                &fx.folder,
                Some(&fx.master),
                &CheckLimits::default(),
                &NoProgress,
            )
            .unwrap();
        }),
        preview: m(&|| {
            let _ = render_preview(
                &fx.master,
                Some(&fx.tag),
                &PreviewSettings::default(),
                &out.join("preview.mp3"),
            )
            .unwrap();
        }),
        waveform: m(&|| waveform_peaks(&out.join("preview.mp3"), &out.join("peaks.json")).unwrap()),
        mp3_lease: m(&|| {
            let _ = render_mp3_lease(&fx.master, &meta, &out.join("lease.mp3")).unwrap();
        }),
        wav_lease: m(&|| {
            let _ = render_wav_lease(&fx.master, &meta, &out.join("lease.wav")).unwrap();
        }),
        bundle: m(&|| {
            let _ = build_bundle(&fx.folder, &meta, &out.join("bundle.zip")).unwrap();
        }),
    }
}

struct Personal {
    seconds: u64,
    bundle_bytes: u64,
    base: Duration,
    personalize: Duration,
    tail_bytes: u64,
}

fn personalization(fx: &Fixture, out: &Path) -> Personal {
    let meta = meta();
    let bundle = out.join("bundle.zip");
    let base = median(
        (0..3)
            .map(|_| {
                time(|| {
                    let _ = build_bundle(&fx.folder, &meta, &bundle).unwrap();
                })
            })
            .collect(),
    );
    let extras = vec![
        BundleFile {
            name: "license.pdf".into(),
            bytes: vec![0x25; 120_000],
        },
        BundleFile {
            name: "license.txt".into(),
            bytes: b"WAV lease for Jane Doe".repeat(200),
        },
    ];
    let mut tail_bytes = 0;
    let personalize = median(
        (0..21)
            .map(|_| {
                time(|| {
                    let mut base = std::fs::File::open(&bundle).unwrap();
                    let mut tail = std::io::BufWriter::new(
                        std::fs::File::create(out.join("tail.bin")).unwrap(),
                    );
                    tail_bytes = personalize_bundle(
                        &mut base,
                        &extras,
                        "Licensed to Jane Doe, TRK-7F3K2",
                        &mut tail,
                    )
                    .unwrap()
                    .tail_bytes;
                })
            })
            .collect(),
    );
    Personal {
        seconds: fx.seconds,
        bundle_bytes: std::fs::metadata(&bundle).unwrap().len(),
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
        pipeline(&fx, Path::new(out.expect("out")));
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("vmhwm_kb={kb}");
}

fn s(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[allow(clippy::too_many_arguments)]
fn report(
    fx: &Fixture,
    runs: &[Pipeline],
    whole: Duration,
    steps: &Alone,
    chain: Option<&shell::Chain>,
    lame: Option<&shell::Lame>,
    personal: &[Personal],
    memory: &[(u64, f64)],
    idle: f64,
) {
    let mb =
        (fx.stems_bytes + std::fs::metadata(&fx.master).map(|m| m.len()).unwrap_or(0)) as f64 / 1e6;
    println!("\n## Pipeline, 12 stems + master, 3:30, 24-bit 44.1 kHz stereo ({mb:.0} MB)\n");
    println!(
        "| run | wall | encode thread (MP3 lease) | check | preview + peaks | WAV lease | bundle |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (i, r) in runs.iter().enumerate() {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            s(r.wall),
            s(r.encode_thread),
            s(r.check),
            s(r.preview),
            s(r.wav_lease),
            s(r.bundle)
        );
    }
    println!("\nmedian wall: {}", s(whole));
    println!("\n## Each step alone (median of 3)\n");
    println!("| step | ours | shell |");
    println!("| --- | --- | --- |");
    let c = |f: fn(&shell::Chain) -> Duration| chain.map_or("n/a".to_string(), |c| s(f(c)));
    println!(
        "| check (stats of every stem, master loudness and true peak) | {} | {} |",
        s(steps.check),
        c(|c| c.stats + c.loudness)
    );
    println!(
        "| preview (mix, fade, 128 kbps) | {} | {} |",
        s(steps.preview),
        c(|c| c.preview)
    );
    println!("| waveform peaks | {} | - |", s(steps.waveform));
    println!(
        "| MP3 lease (320 kbps) | {} | {} |",
        s(steps.mp3_lease),
        c(|c| c.mp3)
    );
    println!(
        "| WAV lease (metadata, loudness) | {} | {} (cp) |",
        s(steps.wav_lease),
        c(|c| c.wav)
    );
    println!(
        "| base bundle (tag, hash, measure, zip) | {} | {} (zip -0 -r) |",
        s(steps.bundle),
        c(|c| c.zip)
    );
    let sum = steps.check
        + steps.preview
        + steps.waveform
        + steps.mp3_lease
        + steps.wav_lease
        + steps.bundle;
    println!(
        "| all, one after the other | {} | {} |",
        s(sum),
        c(|c| c.total())
    );
    if let Some(chain) = chain {
        println!(
            "\npipeline vs the shell chain: {} vs {} = {:.2}x faster (target 2.5x)",
            s(whole),
            s(chain.total()),
            chain.total().as_secs_f64() / whole.as_secs_f64()
        );
    }
    if let Some(l) = lame {
        println!("\n## Encoders vs lame 3.100 on the same input (median of 3)\n");
        println!("| encode | ours | lame | ratio (target <= 1.1) |");
        println!("| --- | --- | --- | --- |");
        println!(
            "| 320 kbps CBR of the master | {} | {} | {:.2} |",
            s(steps.mp3_lease),
            s(l.mp3_320),
            steps.mp3_lease.as_secs_f64() / l.mp3_320.as_secs_f64()
        );
        println!(
            "| 128 kbps preview (ours: decode, mix, fade, limit, encode; lame: encode the premixed WAV) | {} | {} | {:.2} |",
            s(steps.preview),
            s(l.mp3_128),
            steps.preview.as_secs_f64() / l.mp3_128.as_secs_f64()
        );
    }
    println!("\n## Personalization vs the base bundle\n");
    println!("| trackout | bundle | base bundle | personalize (median of 21) | share | tail |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for p in personal {
        println!(
            "| {}:{:02} | {:.0} MB | {} | {:.1} ms | {:.2}% | {:.0} KB |",
            p.seconds / 60,
            p.seconds % 60,
            p.bundle_bytes as f64 / 1e6,
            s(p.base),
            p.personalize.as_secs_f64() * 1000.0,
            100.0 * p.personalize.as_secs_f64() / p.base.as_secs_f64(),
            p.tail_bytes as f64 / 1e3
        );
    }
    if let [a, b] = personal {
        println!(
            "\npersonalize at 2x length / at 1x: {:.2} (flat is 1.00); base bundle: {:.2} (linear is 2.00)",
            b.personalize.as_secs_f64() / a.personalize.as_secs_f64(),
            b.base.as_secs_f64() / a.base.as_secs_f64()
        );
    }
    println!("\n## Peak memory (VmHWM of a child process)\n");
    for (seconds, mb) in memory {
        println!(
            "- whole pipeline, {}:{:02} trackout: {mb:.1} MB",
            seconds / 60,
            seconds % 60
        );
    }
    println!("- the same process idle: {idle:.1} MB");
}
