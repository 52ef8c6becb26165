//! Writing the tagged stems into the planned bundle, on every core: each worker takes the
//! next stem (biggest first), writes it at its entry's offset through its own file handle,
//! hashing and measuring it on the way, and patches its CRC-32.

use std::cmp::Reverse;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use trackout_audio::db::{finite, gain_to_db};
use trackout_audio::listing::{Archive, EntryReader};
use trackout_audio::wav::WavInfo;

use super::BundledStem;
use super::archive::{ZipEntry, local_header};
use super::build::{open_for_writing, patch_crc};
use super::hashing::Hashing;
use super::manifest::{ManifestFile, ManifestStem, hundredths};
use super::sources::{StemSource, open_stem};
use crate::error::RenderError;
use crate::meta::BeatMeta;
use crate::meter::Meter;
use crate::stem::tag_stem_tapped;

/// More threads would only queue on the disk.
const MAX_THREADS: usize = 4;

pub(crate) struct StemJob<'a> {
    pub stem: &'a StemSource,
    pub info: &'a WavInfo,
    /// The entry planned for it (its CRC-32 still zero).
    pub entry: ZipEntry,
}

pub(crate) struct Written {
    pub crc32: u32,
    pub manifest: ManifestFile,
    pub report: BundledStem,
}

/// Handles a worker keeps from one stem to the next: the bundle open for writing, the
/// trackout open for reading.
struct Handles<'a, A: Archive> {
    out: Option<File>,
    trackout: EntryReader<'a, A>,
}

/// Writes every job's stem; results come back in job order. On the first failure the
/// workers stop, and the failure of the earliest job is returned.
pub(crate) fn write_stems<A: Archive>(
    archive: &A,
    out: &Path,
    meta: &BeatMeta,
    jobs: &[StemJob<'_>],
) -> Result<Vec<Written>, RenderError> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| Reverse(jobs[i].entry.size));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(jobs.len().max(1));
    let worker = || {
        let mut handles = Handles {
            out: None,
            trackout: EntryReader::new(archive),
        };
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= order.len() || stop.load(Ordering::Relaxed) {
                return done;
            }
            let result = write_one(out, meta, &jobs[order[k]], &mut handles);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            done.push((order[k], result));
        }
    };
    let (finished, panicked) = std::thread::scope(|s| {
        let spawned: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut all = worker();
        let mut panicked = false;
        for handle in spawned {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(_) => panicked = true,
            }
        }
        (all, panicked)
    });
    if panicked {
        return Err(RenderError::io(
            "cannot build the bundle",
            std::io::Error::other("a worker thread panicked"),
        ));
    }
    let mut slots: Vec<Option<Result<Written, RenderError>>> =
        (0..jobs.len()).map(|_| None).collect();
    for (i, result) in finished {
        slots[i] = Some(result);
    }
    // The earliest failure, whatever thread met it first: the same input, the same error.
    if let Some(i) = slots.iter().position(|s| matches!(s, Some(Err(_))))
        && let Some(Err(e)) = slots.swap_remove(i)
    {
        return Err(e);
    }
    slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| Err(RenderError::Archive("a stem was not written".into()))))
        .collect()
}

fn write_one<A: Archive>(
    out: &Path,
    meta: &BeatMeta,
    job: &StemJob<'_>,
    handles: &mut Handles<'_, A>,
) -> Result<Written, RenderError> {
    let io = |e| RenderError::write(out, e);
    let what = format!("stem {}", job.stem.source_path());
    let file = match &mut handles.out {
        Some(f) => f,
        None => handles.out.insert(open_for_writing(out).map_err(io)?),
    };
    file.seek(SeekFrom::Start(job.entry.offset)).map_err(io)?;
    let mut w = BufWriter::with_capacity(1 << 20, &mut *file);
    w.write_all(&local_header(&job.entry)).map_err(io)?;
    let mut meter = Meter::new(job.info.format, false);
    let mut hashing = Hashing::new(&mut w);
    let mut r = open_stem(&mut handles.trackout, job.stem)?;
    tag_stem_tapped(
        &mut r,
        &mut hashing,
        meta,
        job.stem.role,
        &what,
        &mut |bytes| meter.add_bytes(bytes),
    )?;
    let (bytes, crc32, sha256) = hashing.finish();
    w.flush().map_err(io)?;
    drop(w);
    if bytes != job.entry.size {
        return Err(RenderError::Archive(format!(
            "{what} changed while the bundle was built ({bytes} bytes instead of {})",
            job.entry.size
        )));
    }
    let entry = ZipEntry {
        crc32,
        ..job.entry.clone()
    };
    patch_crc(file, &entry).map_err(io)?;

    let measured = meter.finish();
    let db = |linear| finite(gain_to_db(linear));
    let (f, info, stem) = (&job.info.format, job.info, job.stem);
    let audio = ManifestStem {
        role: stem.role.to_string(),
        source: stem.source_path().to_string(),
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        sample_format: f.sample_format.as_str().to_string(),
        channels: f.channels,
        frames: info.frames,
        duration_seconds: info.duration_seconds(),
        peak_dbfs: hundredths(db(measured.levels.peak)),
        rms_dbfs: hundredths(db(measured.levels.rms)),
        loudness_lufs: hundredths(measured.loudness.integrated_lufs),
    };
    let report = BundledStem {
        path: entry.name.clone(),
        data_offset: entry.data_offset(),
        source: stem.source_path().to_string(),
        role: stem.role.to_string(),
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        channels: f.channels,
        frames: info.frames,
        duration_seconds: info.duration_seconds(),
        bytes,
        sha256: sha256.clone(),
        peak_dbfs: audio.peak_dbfs,
        loudness_lufs: audio.loudness_lufs,
    };
    let manifest = ManifestFile {
        path: entry.name,
        size: bytes,
        sha256,
        stem: Some(audio),
    };
    Ok(Written {
        crc32,
        manifest,
        report,
    })
}
