//! The sequential shell chain a producer would otherwise run, and `lame` alone.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::Fixture;

pub fn available() -> bool {
    let ok = ["sox", "ffmpeg", "lame", "zip"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !ok {
        eprintln!("sox, ffmpeg, lame or zip missing: no shell comparison");
    }
    ok
}

fn run(cmd: &mut Command) {
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success());
    assert!(matches!(status, Ok(true)), "{cmd:?} failed");
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

pub struct Chain {
    /// CPU time of every tool in the chain.
    pub cpu: Duration,
    pub stats: Duration,
    pub loudness: Duration,
    pub preview: Duration,
    pub mp3: Duration,
    pub wav: Duration,
    pub zip: Duration,
}

impl Chain {
    pub fn total(&self) -> Duration {
        self.stats + self.loudness + self.preview + self.mp3 + self.wav + self.zip
    }
}

/// The tag every 20 s for the master's length, at −3 dB, as one WAV sox can mix.
fn tag_track(fx: &Fixture, out: &Path) -> std::path::PathBuf {
    let tags = out.join("tags.wav");
    let repeats = (fx.seconds / 20).to_string();
    run(Command::new("sox")
        .arg(&fx.tag)
        .args(["-r", "44100", "-c", "2", "-b", "24"])
        .arg(&tags)
        .args(["vol", "-3dB", "pad", "0", "18.79", "repeat", &repeats]));
    tags
}

fn once(fx: &Fixture, out: &Path, tags: &Path) -> Chain {
    let cpu_before = crate::cpu::children();
    let stats = time(|| {
        for stem in &fx.stem_files {
            run(Command::new("sox").arg(stem).args(["-n", "stats"]));
        }
    });
    let loudness = time(|| {
        run(Command::new("ffmpeg")
            .args(["-hide_banner", "-nostats", "-i"])
            .arg(&fx.master)
            .args(["-af", "ebur128=peak=true", "-f", "null", "-"]))
    });
    let mixed = out.join("mixed.wav");
    let preview = time(|| {
        let length = fx.seconds.to_string();
        run(Command::new("sox")
            .args(["-m", "-v", "1"])
            .arg(&fx.master)
            .args(["-v", "1"])
            .arg(tags)
            .arg(&mixed)
            .args(["trim", "0", &length, "fade", "t", "0", &length, "3"]));
        run(Command::new("lame")
            .args(["--silent", "-b", "128"])
            .arg(&mixed)
            .arg(out.join("shell-preview.mp3")));
    });
    let mp3 = time(|| {
        run(Command::new("lame")
            .args(["--silent", "-b", "320"])
            .arg(&fx.master)
            .arg(out.join("shell-lease.mp3")))
    });
    let wav = time(|| {
        run(Command::new("cp")
            .arg(&fx.master)
            .arg(out.join("shell-lease.wav")))
    });
    let zip_path = out.join("shell-bundle.zip");
    let _ = std::fs::remove_file(&zip_path);
    let zip = time(|| {
        run(Command::new("zip")
            .args(["-0", "-r", "-q"])
            .arg(&zip_path)
            .arg(fx.folder.file_name().unwrap())
            .current_dir(fx.folder.parent().unwrap()))
    });
    Chain {
        cpu: crate::cpu::children() - cpu_before,
        stats,
        loudness,
        preview,
        mp3,
        wav,
        zip,
    }
}

/// The chain three times; the run with the median total.
pub fn chain(fx: &Fixture, out: &Path) -> Chain {
    let tags = tag_track(fx, out);
    let mut runs: Vec<Chain> = (0..3).map(|_| once(fx, out, &tags)).collect();
    runs.sort_by_key(Chain::total);
    runs.swap_remove(1)
}

pub struct Lame {
    pub mp3_320: Duration,
    pub mp3_128: Duration,
    pub mp3_128_q5: Duration,
}

/// `lame` itself on the master (320) and on the premixed preview WAV (128 at its default
/// `-q 3` and at `-q 5`), median of 3.
pub fn lame_alone(fx: &Fixture, out: &Path) -> Lame {
    let m = |args: &[&str], input: &Path| {
        let mut v: Vec<Duration> = (0..3)
            .map(|_| {
                time(|| {
                    run(Command::new("lame")
                        .arg("--silent")
                        .args(args)
                        .arg(input)
                        .arg(out.join("lame.mp3")))
                })
            })
            .collect();
        v.sort();
        v[1]
    };
    let mixed = out.join("mixed.wav");
    Lame {
        mp3_320: m(&["-b", "320"], &fx.master),
        mp3_128: m(&["-b", "128"], &mixed),
        mp3_128_q5: m(&["-b", "128", "-q", "5"], &mixed),
    }
}
