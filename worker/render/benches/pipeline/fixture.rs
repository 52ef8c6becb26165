//! The benchmark's inputs on disk: a trackout folder of twelve stems, the master beside it,
//! and a voice tag.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::synth::{RATE, STEMS, Voice, put_24, wav_header};

pub struct Fixture {
    pub folder: PathBuf,
    pub master: PathBuf,
    pub tag: PathBuf,
    pub stem_files: Vec<PathBuf>,
    pub stems_bytes: u64,
    pub seconds: u64,
}

const VOICE_TAG: &[u8] = include_bytes!("../../assets/default_voice_tag.wav");

/// The paths of a fixture under `dir` (written by [`write`]).
pub fn open(dir: &Path, seconds: u64) -> io::Result<Fixture> {
    let folder = dir.join("Night Drive Stems");
    let stem_files: Vec<PathBuf> = STEMS
        .iter()
        .map(|n| folder.join(format!("{n}.wav")))
        .collect();
    let stems_bytes = stem_files
        .iter()
        .map(|p| fs::metadata(p).map(|m| m.len()))
        .sum::<io::Result<u64>>()?;
    Ok(Fixture {
        folder,
        master: dir.join("Night Drive (Master).wav"),
        tag: dir.join("voice tag.wav"),
        stem_files,
        stems_bytes,
        seconds,
    })
}

pub fn write(dir: &Path, seconds: u64) -> io::Result<Fixture> {
    let frames = seconds * u64::from(RATE);
    let folder = dir.join("Night Drive Stems");
    fs::create_dir_all(&folder)?;
    let stem_files: Vec<PathBuf> = STEMS
        .iter()
        .map(|n| folder.join(format!("{n}.wav")))
        .collect();
    let master = dir.join("Night Drive (Master).wav");
    fs::write(dir.join("voice tag.wav"), VOICE_TAG)?;
    let mut writers: Vec<BufWriter<File>> = stem_files
        .iter()
        .chain([&master])
        .map(|p| File::create(p).map(|f| BufWriter::with_capacity(1 << 20, f)))
        .collect::<io::Result<_>>()?;
    for w in &mut writers {
        w.write_all(&wav_header(frames))?;
    }
    let mut voices: Vec<Voice> = (0..STEMS.len()).map(|k| Voice::new(k, frames)).collect();
    let mut buffers = vec![Vec::with_capacity(RATE as usize * 6); STEMS.len() + 1];
    let mut start = 0;
    while start < frames {
        let end = (start + u64::from(RATE)).min(frames);
        buffers.iter_mut().for_each(Vec::clear);
        for n in start..end {
            let (mut l, mut r) = (0.0, 0.0);
            for (k, v) in voices.iter_mut().enumerate() {
                let (a, b) = v.frame(n);
                put_24(&mut buffers[k], a);
                put_24(&mut buffers[k], b);
                l += a;
                r += b;
            }
            // A loud master, driven into a soft clipper the way a limiter would.
            put_24(&mut buffers[STEMS.len()], (l * 0.9).tanh() * 0.98);
            put_24(&mut buffers[STEMS.len()], (r * 0.9).tanh() * 0.98);
        }
        for (w, b) in writers.iter_mut().zip(&buffers) {
            w.write_all(b)?;
        }
        start = end;
    }
    for w in &mut writers {
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    open(dir, seconds)
}
