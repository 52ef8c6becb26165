//! Scanning a trackout's entries on every core: each thread takes the next job, opens its
//! entry (its own zip handle, its own buffers) and streams it through the analysis.
//!
//! With a listening pass, the scans it hears (the master's loudness pass and every stem) run
//! each on a thread of its own, all at once, handing their decoded blocks to the pass on one
//! more thread: the pass needs every file at the same instant, so none of them may wait in
//! the queue behind another. The other jobs (the master's true peak) share a pool as before.
//! What runs at once is bounded by [`lockstep::MAX_HEARD_STEMS`]; the cores are shared by
//! the operating system, and a scan that runs ahead of the slowest file waits.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use trackout_audio::listing::{Archive, Entry, EntryReader, Location, OpenError};

use crate::CheckLimits;
use crate::analysis::{self, AnalyseError, MasterAnalysis, MasterPart, ScanOptions, StemAnalysis};
use crate::budget::{Budget, is_exhausted};
use crate::error::CheckError;
use crate::lockstep::{self, Heard, Tee};
use crate::progress::{NoProgress, Progress};
use crate::report::numbers::clock;
use crate::report::{Finding, FindingCode};
use crate::wav::WavError;

/// More threads than this would only contend for the disk.
const MAX_THREADS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobKind {
    Stem,
    Master(MasterPart),
}

pub(crate) struct Job<'a> {
    pub entry: &'a Entry,
    pub kind: JobKind,
}

/// The listening pass over some of the jobs: `master` (a job index) with `stems` (a job
/// index and the stem's path each, in the report's order; empty to hear only the master).
pub(crate) struct Listen {
    pub master: usize,
    pub stems: Vec<(usize, String)>,
}

pub(crate) enum Outcome {
    Stem(StemAnalysis),
    Master(Box<MasterAnalysis>, MasterPart),
    /// The entry could not be analysed; the finding says why.
    Refused(Finding),
    /// The bytes inflated so far passed the cap: the whole check stops.
    CapExceeded,
}

struct Shared<'a> {
    limits: &'a CheckLimits,
    budget: &'a Budget<'a>,
    stop: AtomicBool,
}

/// Runs every job and returns their outcomes in job order (`None` for jobs skipped after
/// the cap was passed), and what the listening pass heard (`None` without one, or when the
/// master could not be read: its own jobs say why).
pub(crate) fn run<A: Archive>(
    archive: &A,
    jobs: &[Job<'_>],
    listen: Option<&Listen>,
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<(Vec<Option<Outcome>>, Option<Heard>), CheckError> {
    let budget = Budget::new(limits.max_inflated_bytes, progress);
    let shared = Shared {
        limits,
        budget: &budget,
        stop: AtomicBool::new(false),
    };
    // The listened-to jobs leave the queue for threads of their own.
    let mut tees: Vec<Option<Tee>> = jobs.iter().map(|_| None).collect();
    let mut listeners = None;
    if let Some(listen) = listen {
        let (tee, master) = lockstep::tee();
        tees[listen.master] = Some(tee);
        let stems = listen
            .stems
            .iter()
            .map(|(i, path)| {
                let (tee, listener) = lockstep::tee();
                tees[*i] = Some(tee);
                (path.clone(), listener)
            })
            .collect::<Vec<_>>();
        listeners = Some((master, stems));
    }
    let queue: Vec<usize> = (0..jobs.len()).filter(|&i| tees[i].is_none()).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(queue.len());
    let one = |reader: &mut EntryReader<'_, A>, i: usize, tee: Option<&mut Tee>| {
        let outcome = run_job(reader, &jobs[i], &shared, tee);
        if !matches!(
            outcome,
            Ok(Outcome::Stem(_) | Outcome::Master(..) | Outcome::Refused(_))
        ) {
            shared.stop.store(true, Ordering::Relaxed);
        }
        outcome.map(|o| (i, o))
    };
    let worker = || -> Result<Vec<(usize, Outcome)>, CheckError> {
        let mut done = Vec::new();
        let mut reader = EntryReader::new(archive);
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            if at >= queue.len() || shared.stop.load(Ordering::Relaxed) {
                return Ok(done);
            }
            done.push(one(&mut reader, queue[at], None)?);
        }
    };
    let (per_thread, heard) = std::thread::scope(|s| {
        let hearing = listeners.map(|(master, stems)| s.spawn(|| lockstep::hear(master, stems)));
        let teed: Vec<_> = tees
            .into_iter()
            .enumerate()
            .filter_map(|(i, tee)| tee.map(|tee| (i, tee)))
            .map(|(i, mut tee)| {
                let (one, stop) = (&one, &shared.stop);
                s.spawn(move || {
                    // A job stopped by the cap still lets the pass end: the tee is dropped.
                    if stop.load(Ordering::Relaxed) {
                        return Ok(Vec::new());
                    }
                    let mut reader = EntryReader::new(archive);
                    one(&mut reader, i, Some(&mut tee)).map(|done| vec![done])
                })
            })
            .collect();
        let pooled: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut all: Vec<Result<Vec<(usize, Outcome)>, CheckError>> = vec![worker()];
        all.extend(
            pooled
                .into_iter()
                .chain(teed)
                .map(|h| h.join().expect("a scan thread panicked")),
        );
        let heard = hearing.and_then(|h| h.join().expect("the listening pass panicked"));
        (all, heard)
    });
    let mut outcomes: Vec<Option<Outcome>> = jobs.iter().map(|_| None).collect();
    for result in per_thread {
        for (i, outcome) in result? {
            outcomes[i] = Some(outcome);
        }
    }
    Ok((outcomes, heard))
}

fn run_job<A: Archive>(
    reader: &mut EntryReader<'_, A>,
    job: &Job<'_>,
    shared: &Shared<'_>,
    tee: Option<&mut Tee>,
) -> Result<Outcome, CheckError> {
    let entry = job.entry;
    let refuse = |code, message: String| {
        Ok(Outcome::Refused(Finding::new(
            code,
            Some(&entry.path),
            message,
        )))
    };
    let reader = match reader.open(entry) {
        Ok(reader) => reader,
        Err(OpenError::Io { path, source }) => return Err(CheckError::io(path, source)),
        Err(OpenError::Damaged(why)) => return refuse(FindingCode::CorruptArchive, why),
    };
    let from_zip = matches!(entry.at, Location::Zip(_));
    let mut counted = shared.budget.reader(reader);
    let options = ScanOptions {
        max_seconds: shared.limits.max_stem_seconds,
        stream_len: Some(entry.size),
    };
    let result = match job.kind {
        JobKind::Stem => {
            analysis::analyse_stem_teed(&mut counted, &options, &NoProgress, tee).map(Outcome::Stem)
        }
        JobKind::Master(part) => {
            analysis::analyse_master_part(&mut counted, part, &options, &NoProgress, tee)
                .map(|m| Outcome::Master(Box::new(m), part))
        }
    };
    let file = entry.file_name();
    match result {
        Err(AnalyseError::TooLong { seconds, limit }) => refuse(
            FindingCode::ArchiveTooLarge,
            format!(
                "{file} is {} long; the longest stem accepted is {}. Check it is the right file",
                clock(seconds),
                clock(limit as f64)
            ),
        ),
        Err(AnalyseError::Wav(WavError::Io(e))) => {
            if is_exhausted(&e) {
                Ok(Outcome::CapExceeded)
            } else if from_zip {
                refuse(
                    FindingCode::CorruptArchive,
                    format!("{file} cannot be inflated: {e}; zip the stems again"),
                )
            } else {
                Err(CheckError::io(entry.at_path(), e))
            }
        }
        other => {
            if from_zip {
                // Read the entry to its end so the zip reader checks its size and CRC.
                if let Err(e) = io::copy(&mut counted, &mut io::sink()) {
                    return if is_exhausted(&e) {
                        Ok(Outcome::CapExceeded)
                    } else {
                        refuse(
                            FindingCode::CorruptArchive,
                            format!("{file} is damaged in the zip ({e}); zip the stems again"),
                        )
                    };
                }
                if counted.read != entry.size {
                    return refuse(
                        FindingCode::CorruptArchive,
                        format!(
                            "{file} inflates to {} bytes but the zip's header says {}; zip the stems again",
                            counted.read, entry.size
                        ),
                    );
                }
            }
            match other {
                Ok(outcome) => Ok(outcome),
                Err(AnalyseError::Wav(e)) => Ok(Outcome::Refused(wav_finding(entry, &e))),
                Err(AnalyseError::TooLong { .. }) => unreachable!("handled above"),
            }
        }
    }
}

fn wav_finding(entry: &Entry, e: &WavError) -> Finding {
    let file = entry.file_name();
    let (code, message) = match e {
        WavError::NotWav(why) => (
            FindingCode::NotWav,
            format!(
                "{file} is not a WAV file: {why}; export the stem as WAV (24-bit or 32-bit float)"
            ),
        ),
        WavError::Truncated(why) => (
            FindingCode::Truncated,
            format!("{file} is cut short: {why}; export or copy it again"),
        ),
        WavError::BadFormat(why) => (
            FindingCode::BadFormat,
            format!(
                "{file} has a format a DAW cannot use: {why}; re-export it as 24-bit or 32-bit float WAV"
            ),
        ),
        WavError::Io(e) => (
            FindingCode::CorruptArchive,
            format!("{file} cannot be read: {e}"),
        ),
    };
    Finding::new(code, Some(&entry.path), message)
}
