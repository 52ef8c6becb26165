//! Scanning a trackout's entries on every core: each thread takes the next job, opens its
//! entry (its own zip handle, its own buffers) and streams it through the analysis.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use trackout_audio::listing::{Archive, Entry, EntryReader, Location, OpenError};

use crate::CheckLimits;
use crate::analysis::{self, AnalyseError, MasterAnalysis, MasterPart, ScanOptions, StemAnalysis};
use crate::budget::{Budget, is_exhausted};
use crate::error::CheckError;
use crate::lockstep::{self, Heard};
use crate::progress::{NoProgress, Progress};
use crate::report::numbers::clock;
use crate::report::{Finding, FindingCode};
use crate::wav::WavError;

/// More threads than this would only contend for the disk.
const MAX_THREADS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobKind<'a> {
    Stem,
    Master(MasterPart),
    /// The listening pass: the job's entry (the master) with these stems, side by side.
    Hear(&'a [Entry]),
}

pub(crate) struct Job<'a> {
    pub entry: &'a Entry,
    pub kind: JobKind<'a>,
}

pub(crate) enum Outcome {
    Stem(StemAnalysis),
    Master(Box<MasterAnalysis>, MasterPart),
    /// What the listening pass heard; `None` when the master could not be read (its own
    /// jobs say why).
    Heard(Option<Box<Heard>>),
    /// The entry could not be analysed; the finding says why.
    Refused(Finding),
    /// The bytes inflated so far passed the cap: the whole check stops.
    CapExceeded,
}

struct Shared<'a> {
    limits: &'a CheckLimits,
    progress: &'a dyn Progress,
    budget: &'a Budget<'a>,
    stop: AtomicBool,
}

/// Runs every job and returns their outcomes in job order (`None` for jobs skipped after
/// the cap was passed).
pub(crate) fn run<A: Archive>(
    archive: &A,
    jobs: &[Job<'_>],
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<Vec<Option<Outcome>>, CheckError> {
    let budget = Budget::new(limits.max_inflated_bytes, progress);
    let shared = Shared {
        limits,
        progress,
        budget: &budget,
        stop: AtomicBool::new(false),
    };
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(jobs.len().max(1));
    let worker = || -> Result<Vec<(usize, Outcome)>, CheckError> {
        let mut done = Vec::new();
        let mut reader = EntryReader::new(archive);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs.len() || shared.stop.load(Ordering::Relaxed) {
                return Ok(done);
            }
            let outcome = match jobs[i].kind {
                JobKind::Hear(stems) => Ok(Outcome::Heard(
                    lockstep::hear(archive, jobs[i].entry, stems, limits, shared.progress)
                        .map(Box::new),
                )),
                _ => run_job(&mut reader, &jobs[i], &shared),
            };
            if !matches!(
                outcome,
                Ok(Outcome::Stem(_)
                    | Outcome::Master(..)
                    | Outcome::Heard(_)
                    | Outcome::Refused(_))
            ) {
                shared.stop.store(true, Ordering::Relaxed);
            }
            done.push((i, outcome?));
        }
    };
    let per_thread: Vec<Result<Vec<(usize, Outcome)>, CheckError>> = std::thread::scope(|s| {
        let spawned: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut all = vec![worker()];
        all.extend(
            spawned
                .into_iter()
                .map(|h| h.join().expect("a scan thread panicked")),
        );
        all
    });
    let mut outcomes: Vec<Option<Outcome>> = jobs.iter().map(|_| None).collect();
    for result in per_thread {
        for (i, outcome) in result? {
            outcomes[i] = Some(outcome);
        }
    }
    Ok(outcomes)
}

fn run_job<A: Archive>(
    reader: &mut EntryReader<'_, A>,
    job: &Job<'_>,
    shared: &Shared<'_>,
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
            analysis::analyse_stem(&mut counted, &options, &NoProgress).map(Outcome::Stem)
        }
        JobKind::Master(part) => {
            analysis::analyse_master_part(&mut counted, part, &options, &NoProgress)
                .map(|m| Outcome::Master(Box::new(m), part))
        }
        JobKind::Hear(_) => unreachable!("the listening pass opens its own readers"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use trackout_audio::listing::NoArchive;
    use trackout_audio::wav::{SampleFormat, canonical_header};

    /// The listing refuses a trackout whose files add up past the cap; the scan counts again,
    /// for files that grow after they were listed, or headers that understate.
    #[test]
    fn reading_past_the_cap_stops_the_check() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("Kick.wav");
        let mut wav = canonical_header(SampleFormat::Int, 2, 44_100, 16, 400_000);
        wav.resize(wav.len() + 400_000, 0);
        std::fs::write(&path, &wav).expect("write");
        let entry = Entry {
            path: "Kick.wav".into(),
            size: wav.len() as u64,
            at: Location::File(path),
        };
        let limits = CheckLimits {
            max_inflated_bytes: 100_000,
            ..CheckLimits::default()
        };
        let jobs = [Job {
            entry: &entry,
            kind: JobKind::Stem,
        }];
        let outcomes = run(&NoArchive, &jobs, &limits, &NoProgress).expect("runs");
        assert!(matches!(outcomes[0], Some(Outcome::CapExceeded)));
        let finding = crate::budget::exhausted_finding(limits.max_inflated_bytes);
        assert!(finding.message.contains("97.7 KiB"));
    }
}
