//! Writing the benchmark trackout to disk: a stem folder, the same stems as a stored zip, and
//! the master beside them.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::synth::{RATE, STEMS, Voice, put_24, wav_header};

pub struct Fixture {
    pub folder: PathBuf,
    pub zip: PathBuf,
    pub master: PathBuf,
    pub stem_files: Vec<PathBuf>,
    /// Stems and master together.
    pub total_bytes: u64,
}

const FOLDER: &str = "Night Drive Stems";

/// Writes the trackout under `dir`, or reuses one a previous run completed there.
pub fn write(dir: &Path, seconds: u64) -> io::Result<Fixture> {
    let folder = dir.join(FOLDER);
    let stem_files: Vec<PathBuf> = STEMS
        .iter()
        .map(|n| folder.join(format!("{n}.wav")))
        .collect();
    let master = dir.join("Night Drive (Master).wav");
    let zip = dir.join("Night Drive Stems.zip");
    let done = dir.join(".complete");
    if !done.exists() {
        generate(&folder, &stem_files, &master, &zip, seconds)?;
        fs::write(&done, b"")?;
    }
    let total_bytes = stem_files
        .iter()
        .chain([&master])
        .map(|p| fs::metadata(p).map(|m| m.len()))
        .sum::<io::Result<u64>>()?;
    Ok(Fixture {
        folder,
        zip,
        master,
        stem_files,
        total_bytes,
    })
}

fn generate(
    folder: &Path,
    stem_files: &[PathBuf],
    master: &Path,
    zip: &Path,
    seconds: u64,
) -> io::Result<()> {
    let frames = seconds * u64::from(RATE);
    fs::create_dir_all(folder)?;

    let mut stems: Vec<BufWriter<File>> = stem_files
        .iter()
        .map(|p| File::create(p).map(|f| BufWriter::with_capacity(1 << 20, f)))
        .collect::<io::Result<_>>()?;
    let mut master_out = BufWriter::with_capacity(1 << 20, File::create(master)?);
    for w in stems.iter_mut().chain([&mut master_out]) {
        w.write_all(&wav_header(frames))?;
    }
    let mut voices: Vec<Voice> = (0..STEMS.len()).map(|k| Voice::new(k, frames)).collect();
    let block = u64::from(RATE);
    let mut buffers: Vec<Vec<u8>> = vec![Vec::with_capacity(block as usize * 6); STEMS.len() + 1];
    let mut start = 0;
    while start < frames {
        let end = (start + block).min(frames);
        for b in &mut buffers {
            b.clear();
        }
        for n in start..end {
            let (mut l, mut r) = (0.0, 0.0);
            for (k, v) in voices.iter_mut().enumerate() {
                let (a, b) = v.frame(n);
                put_24(&mut buffers[k], a);
                put_24(&mut buffers[k], b);
                l += a;
                r += b;
            }
            // A bright, loud master: the sum driven into a soft clipper, as a limiter would.
            put_24(&mut buffers[STEMS.len()], (l * 0.9).tanh() * 0.98);
            put_24(&mut buffers[STEMS.len()], (r * 0.9).tanh() * 0.98);
        }
        for (w, b) in stems.iter_mut().chain([&mut master_out]).zip(&buffers) {
            w.write_all(b)?;
        }
        start = end;
    }
    // On disk before timing starts: writeback racing the measurement would skew it.
    for w in stems.iter_mut().chain([&mut master_out]) {
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    write_stored_zip(stem_files, zip)
}

/// WAV barely compresses, so trackout zips are stored; the bench reads one like it.
fn write_stored_zip(files: &[PathBuf], out: &Path) -> io::Result<()> {
    let mut zip = zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, File::create(out)?));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for file in files {
        let name = format!(
            "{FOLDER}/{}",
            file.file_name().unwrap_or_default().to_string_lossy()
        );
        zip.start_file(name, options).map_err(io::Error::other)?;
        io::copy(&mut File::open(file)?, &mut zip)?;
    }
    let mut out = zip.finish().map_err(io::Error::other)?;
    out.flush()?;
    out.get_ref().sync_all()
}
