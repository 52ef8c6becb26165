//! `cargo bench -p trackout-media --bench music`
//!
//! Generates the tempo and key evaluation set (deterministic: 240 clips of 30 s by default,
//! ten genres from 60 to 180 BPM, all 24 keys, swing and half-time feels), runs our
//! `MusicAnalyzer` on every clip, runs the peers (essentia's `KeyExtractor` and
//! `RhythmExtractor2013`, librosa's `feature.tempo` and `beat.beat_track`) through
//! `peers.py` in the same run when they are installed, and prints the accuracy table and
//! the time each takes per minute of audio.
//!
//! The peers live in a venv:
//!
//! ```sh
//! python3 -m venv ~/.cache/trackout-peers
//! ~/.cache/trackout-peers/bin/pip install essentia librosa
//! ```
//!
//! Environment: `TRACKOUT_MUSIC_CLIPS` (240), `TRACKOUT_MUSIC_SECONDS` (30),
//! `TRACKOUT_PEERS_PYTHON` (the venv's python), `TRACKOUT_BENCH_DIR` (keep the WAVs there),
//! `TRACKOUT_MUSIC_PEERS=0` (ours only), `TRACKOUT_MUSIC_MISSES=1` (list our misses).
//!
//! Clips whose index is 0 or 1 modulo 4 are the development half the detectors were tuned
//! on; the others are held out. The table shows both.

mod cost;
mod score;
mod synth;

use cost::cost;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use score::{KeyClass, TempoClass, Truth};
use synth::genre;
use trackout_media::music::{Key, MusicAnalyzer};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let clips = env_usize("TRACKOUT_MUSIC_CLIPS", 240);
    let seconds = env_usize("TRACKOUT_MUSIC_SECONDS", 30) as f32;
    let tmp = tempfile::Builder::new()
        .prefix("trackout-music-")
        .tempdir()
        .expect("temp dir");
    let dir: PathBuf =
        std::env::var_os("TRACKOUT_BENCH_DIR").map_or_else(|| tmp.path().to_path_buf(), Into::into);
    std::fs::create_dir_all(&dir).expect("bench dir");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "load average before: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let mut truths = Vec::new();
    let mut ours = score::Tally::new("ours (trackout MusicAnalyzer)");
    let mut files = Vec::new();
    let started = Instant::now();
    let mut ours_seconds = 0.0;
    for index in 0..clips {
        let (clip, g) = genre::plan(index);
        let path = dir.join(format!("{index:04}.wav"));
        let audio = genre::render(&clip, g, seconds);
        if !path.exists() {
            write_wav(&path, &audio);
        }
        let t = Instant::now();
        let mut a = MusicAnalyzer::new(44_100, 1);
        for block in audio.chunks(16_384) {
            a.add(block);
        }
        let d = a.finish();
        ours_seconds += t.elapsed().as_secs_f64();
        let truth = Truth {
            index,
            genre: clip.genre,
            bpm: f64::from(clip.bpm),
            key: Key::new(
                clip.tonic as u8,
                if clip.minor {
                    trackout_media::music::Mode::Minor
                } else {
                    trackout_media::music::Mode::Major
                },
            ),
            half_time: clip.half_time,
            swing: clip.swing > 0.52,
        };
        ours.add_tempo(&truth, Some(d.bpm));
        ours.add_key(&truth, d.key);
        if std::env::var_os("TRACKOUT_MUSIC_MISSES").is_some() {
            let tc = score::tempo_class(truth.bpm, d.bpm);
            let kc = d.key.map(|k| score::key_class(truth.key, k));
            if tc != TempoClass::Right || kc != Some(KeyClass::Exact) {
                eprintln!(
                    "{index:4} {:12} {:>4} BPM {:7} -> {:6.1} {:?} | {} -> {} {:?} {:?}",
                    truth.genre,
                    truth.bpm,
                    if truth.half_time {
                        "half"
                    } else if truth.swing {
                        "swing"
                    } else {
                        ""
                    },
                    d.bpm,
                    tc,
                    truth.key,
                    d.key.map_or("-".into(), |k| k.to_string()),
                    kc,
                    d.bpm_alternates.first()
                );
            }
        }
        truths.push(truth);
        files.push(path);
    }
    eprintln!(
        "{clips} clips of {seconds} s generated and analysed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ours.seconds = ours_seconds;
    let minutes = clips as f64 * f64::from(seconds) / 60.0;
    let mut tallies = vec![ours];
    if std::env::var("TRACKOUT_MUSIC_PEERS").as_deref() != Ok("0") {
        match run_peers(&files, &truths) {
            Ok(mut peers) => tallies.append(&mut peers),
            Err(why) => eprintln!("PEERS MISSING: {why}; only our figures follow"),
        }
    }
    score::print(&tallies, &truths, minutes);
    cost();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\nload average after: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

fn write_wav(path: &Path, audio: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for &v in audio {
        w.write_sample((v.clamp(-1.0, 1.0) * 32_767.0) as i16)
            .expect("write sample");
    }
    w.finalize().expect("finalize wav");
}

fn run_peers(files: &[PathBuf], truths: &[Truth]) -> Result<Vec<score::Tally>, String> {
    let python = std::env::var_os("TRACKOUT_PEERS_PYTHON").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_default();
            Path::new(&home).join(".cache/trackout-peers/bin/python")
        },
        PathBuf::from,
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/music/peers.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run {} ({e}); see benches/music/main.rs for the venv",
                python.display()
            )
        })?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        for f in files {
            writeln!(stdin, "{}", f.display()).map_err(|e| e.to_string())?;
        }
    }
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut tallies: Vec<score::Tally> = Vec::new();
    let mut seen = 0;
    let started = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        if let Some(m) = v.get("missing") {
            eprintln!("PEER MISSING: {m} ({})", v["why"]);
            continue;
        }
        if let Some(versions) = v.get("versions") {
            eprintln!("peers: {versions}");
            continue;
        }
        let truth = &truths[seen];
        seen += 1;
        let tally = |tallies: &mut Vec<score::Tally>, name: &str| -> usize {
            if let Some(i) = tallies.iter().position(|t| t.name == name) {
                i
            } else {
                tallies.push(score::Tally::new(name));
                tallies.len() - 1
            }
        };
        if let Some(keys) = v["key"].as_object() {
            for (name, k) in keys {
                let i = tally(&mut tallies, name);
                let key = k.as_str().and_then(|s| {
                    Key::parse(&s.replace(" major", " maj").replace(" minor", " min"))
                });
                tallies[i].add_key(truth, key);
                tallies[i].seconds += v["seconds"][name].as_f64().unwrap_or(0.0);
            }
        }
        if let Some(bpms) = v["bpm"].as_object() {
            for (name, b) in bpms {
                let i = tally(&mut tallies, name);
                tallies[i].add_tempo(truth, b.as_f64());
                tallies[i].seconds += v["seconds"][name].as_f64().unwrap_or(0.0);
            }
        }
        if seen % 40 == 0 {
            eprintln!(
                "peers: {seen}/{} clips, {:.0} s",
                files.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() || seen < files.len() {
        return Err(format!(
            "peers.py stopped after {seen} of {} clips ({status})",
            files.len()
        ));
    }
    Ok(tallies)
}
