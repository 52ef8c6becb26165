//! `trackout check`: list the trackout, pick out the master, scan everything, report.

use std::cmp::Reverse;
use std::fs::{self, File};
use std::path::Path;

use trackout_audio::listing::{
    self, Archive, BytesArchive, Entry, Issue, IssueKind, Listing, Location, ZipTrackout,
};

use crate::CheckLimits;
use crate::analysis::{MasterAnalysis, MasterPart};
use crate::assemble::{add_master, add_stem};
use crate::budget::exhausted_finding;
use crate::error::CheckError;
use crate::lockstep::MAX_HEARD_STEMS;
use crate::progress::Progress;
use crate::report::music::add_hearing;
use crate::report::{Finding, FindingCode, Listed, Report, cross_stem_findings};
use crate::run::{Job, JobKind, Listen, Outcome, run};
use crate::wav::{self, WavError};

/// Checks a trackout (a folder, or a zip file) and, when given, its master.
///
/// Which files are stems is the foundation's listing rule (`trackout_audio::listing`), the one
/// the bundle follows. Without `master`, a WAV in the trackout named as the master
/// ("Master.wav", "Beat (Master).wav", "2-Track.wav", "Mix.wav"…; see
/// [`crate::naming::master_name`]) is used as the master and is not counted as a stem. Errors
/// are only for a check that could not run; everything wrong with the trackout is a finding
/// in the report.
pub fn check_path(
    trackout: &Path,
    master: Option<&Path>,
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<Report, CheckError> {
    check_path_as_listed(trackout, master, &Listed::default(), limits, progress)
}

/// [`check_path`], with the beat's listed BPM and key set against what the master sounds
/// like (`bpm_mismatch`, `key_mismatch`).
pub fn check_path_as_listed(
    trackout: &Path,
    master: Option<&Path>,
    listed: &Listed,
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<Report, CheckError> {
    let meta = fs::metadata(trackout).map_err(|e| CheckError::io(trackout, e))?;
    let external = master.map(external_master).transpose()?;
    let name = trackout.file_name().map_or_else(
        || trackout.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if !meta.is_dir() && !meta.is_file() {
        return Err(CheckError::NotATrackout {
            path: trackout.to_path_buf(),
        });
    }
    let (archive, listing) =
        listing::open(trackout, limits).map_err(|e| CheckError::io(e.path, e.source))?;
    check_listing(&archive, listing, name, external, listed, limits, progress)
}

/// Checks a zip held in memory. The same checks as [`check_path`], without a separate
/// master; used by the fuzzer, and by callers that already hold an upload's bytes.
pub fn check_zip_bytes(
    name: &str,
    zip: &[u8],
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<Report, CheckError> {
    let (zip, listing) =
        ZipTrackout::list(BytesArchive(zip), limits).map_err(|e| CheckError::io(name, e))?;
    check_listing(
        &zip,
        listing,
        name.to_owned(),
        None,
        &Listed::default(),
        limits,
        progress,
    )
}

/// A master given apart must be a readable WAV, or the command cannot do what was asked.
fn external_master(path: &Path) -> Result<Entry, CheckError> {
    let mut file = File::open(path).map_err(|e| CheckError::io(path, e))?;
    let size = file.metadata().map_err(|e| CheckError::io(path, e))?.len();
    match wav::read_header(&mut file) {
        Ok(_) => {}
        Err(WavError::Io(e)) => return Err(CheckError::io(path, e)),
        Err(reason) => {
            return Err(CheckError::MasterNotWav {
                path: path.to_path_buf(),
                reason,
            });
        }
    }
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Entry {
        path: name,
        size,
        at: Location::File(path.to_path_buf()),
    })
}

/// The listing's issues in the report's words.
fn finding(issue: Issue) -> Finding {
    let code = match issue.kind {
        IssueKind::UnsafePath => FindingCode::UnsafePath,
        IssueKind::TooLarge => FindingCode::ArchiveTooLarge,
        IssueKind::Corrupt => FindingCode::CorruptArchive,
    };
    Finding::new(code, issue.path.as_deref(), issue.message)
}

struct Plan {
    stems: Vec<Entry>,
    /// The master, and whether it was found in the trackout.
    master: Option<(Entry, bool)>,
}

fn check_listing<A: Archive>(
    archive: &A,
    listing: Listing,
    name: String,
    external: Option<Entry>,
    listed: &Listed,
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Result<Report, CheckError> {
    let mut report = Report {
        passes: false,
        trackout: name,
        stems: Vec::new(),
        findings: listing.issues.into_iter().map(finding).collect(),
        master: None,
        other_files: listing.other,
        sum: None,
        detected: None,
    };
    if listing.fatal {
        report.finalise();
        return Ok(report);
    }
    // The likeliest master named in the trackout, unless one was given apart; the others
    // named so are listed, never checked as stems.
    let mut masters = listing.masters.into_iter();
    let master = match external {
        Some(entry) => Some((entry, false)),
        None => masters.next().map(|entry| (entry, true)),
    };
    report.other_files.extend(masters.map(|e| e.path));
    let plan = Plan {
        stems: listing.stems,
        master,
    };
    // The master's measurements are split in two passes (loudness; 8x true peak) that start
    // first; then the biggest stems, so the threads finish together.
    let mut jobs: Vec<Job<'_>> = plan
        .master
        .iter()
        .flat_map(|(e, _)| {
            [MasterPart::Loudness, MasterPart::TruePeak].map(|part| Job {
                entry: e,
                kind: JobKind::Master(part),
            })
        })
        .collect();
    let mut stems: Vec<(usize, &Entry)> = plan.stems.iter().enumerate().collect();
    stems.sort_by_key(|(_, e)| Reverse(e.size));
    let first_stem_job = jobs.len();
    jobs.extend(stems.iter().map(|(_, e)| Job {
        entry: e,
        kind: JobKind::Stem,
    }));
    // The listening pass hears the master's loudness pass and every stem's scan, in the
    // listing's order; past the stem limit it hears the master alone (tempo and key).
    let listen = plan
        .master
        .as_ref()
        .filter(|_| !plan.stems.is_empty())
        .map(|_| {
            let mut heard: Vec<(usize, String)> = Vec::new();
            if plan.stems.len() <= MAX_HEARD_STEMS {
                let mut by_listing: Vec<(usize, usize)> = stems
                    .iter()
                    .enumerate()
                    .map(|(job, (listed, _))| (*listed, first_stem_job + job))
                    .collect();
                by_listing.sort_unstable();
                heard = by_listing
                    .into_iter()
                    .map(|(listed, job)| (job, plan.stems[listed].path.clone()))
                    .collect();
            }
            Listen {
                master: 0,
                stems: heard,
            }
        });

    // Every file is read once, the master twice (its true peak on a core of its own).
    let bytes: u64 = jobs.iter().map(|j| j.entry.size).sum();
    progress.start(bytes);
    let started = std::time::Instant::now();
    let outcomes = run(archive, &jobs, listen.as_ref(), limits, progress);
    progress.finish();
    let (outcomes, heard) = outcomes?;
    tracing::debug!(
        trackout = %report.trackout,
        jobs = jobs.len(),
        bytes,
        seconds = started.elapsed().as_secs_f64(),
        "trackout scanned"
    );

    if outcomes
        .iter()
        .any(|o| matches!(o, Some(Outcome::CapExceeded)))
    {
        report
            .findings
            .push(exhausted_finding(limits.max_inflated_bytes));
        report.finalise();
        return Ok(report);
    }
    let found_in_trackout = plan.master.as_ref().is_some_and(|(_, found)| *found);
    let mut master: Option<Box<MasterAnalysis>> = None;
    let mut true_peak = None;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        match outcome {
            Some(Outcome::Master(m, MasterPart::TruePeak)) => true_peak = Some(m.true_peak),
            Some(Outcome::Master(m, _)) => master = Some(m),
            Some(Outcome::Stem(a)) => add_stem(job.entry, &a, &mut report),
            Some(Outcome::Refused(finding)) => report.findings.push(finding),
            Some(Outcome::CapExceeded) | None => {}
        }
    }
    // A master is reported only when both passes read it; otherwise its finding says why.
    if let (Some(mut m), Some(true_peak), Some((entry, _))) = (master, true_peak, &plan.master) {
        m.true_peak = true_peak;
        add_master(entry, found_in_trackout, &m, limits, &mut report);
        if let Some(heard) = heard {
            add_hearing(&heard, &entry.path, listed, limits, &mut report);
        }
    }
    let candidates: Vec<String> = plan.stems.iter().map(|e| e.path.clone()).collect();
    cross_stem_findings(&candidates, &mut report);
    report.finalise();
    Ok(report)
}
