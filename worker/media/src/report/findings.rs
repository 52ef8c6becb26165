//! Findings about stems side by side: do they line up in a DAW, and can an engineer tell
//! them apart?

use std::collections::BTreeMap;

use super::numbers::{span, thousands};
use super::{Finding, FindingCode, Report, StemReport};
use crate::naming::{self, GenericName, file_name};

/// `candidates`: path of every file checked as a stem (analysed or not), master excluded.
pub(crate) fn cross_stem_findings(candidates: &[String], report: &mut Report) {
    no_stems(candidates, report);
    let majority_rate = majority(&report.stems, |s| s.sample_rate);
    let mut found = Vec::new();
    if let Some(rate) = majority_rate {
        sample_rates(&report.stems, rate, &mut found);
        lengths(&report.stems, rate, &mut found);
    }
    bit_depths(&report.stems, &mut found);
    duplicates(candidates, &mut found);
    generic_names(candidates, &mut found);
    report.findings.extend(found);
}

fn no_stems(candidates: &[String], report: &mut Report) {
    let not_wav = |path: &String| {
        report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NotWav && f.stem.as_ref() == Some(path))
    };
    if !report.stems.is_empty() || !candidates.iter().all(not_wav) {
        return;
    }
    let message = if candidates.is_empty() {
        let others = if report.other_files.is_empty() {
            "it is empty".to_owned()
        } else {
            format!("it holds only {}", report.other_files.join(", "))
        };
        format!("the trackout has no WAV stems: {others}. Export one WAV per instrument")
    } else {
        "the trackout has no WAV stems: every audio file in it is another format. Export one \
         WAV per instrument"
            .to_owned()
    };
    report
        .findings
        .push(Finding::new(FindingCode::NoStems, None, message));
}

/// The most common value; ties go to the highest (a higher rate or depth is the likelier
/// project setting, and the choice must not depend on file order).
fn majority<T: Ord + Copy>(stems: &[StemReport], key: impl Fn(&StemReport) -> T) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for s in stems {
        *counts.entry(key(s)).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(value, n)| (n, value))
        .map(|(value, _)| value)
}

fn sample_rates(stems: &[StemReport], rate: u32, found: &mut Vec<Finding>) {
    for s in stems.iter().filter(|s| s.sample_rate != rate) {
        let message = format!(
            "{} is {} Hz but the other stems are {} Hz; export every stem at the project's rate \
             so they line up",
            file_name(&s.path),
            thousands(u64::from(s.sample_rate)),
            thousands(u64::from(rate))
        );
        found.push(Finding::new(
            FindingCode::SampleRateMismatch,
            Some(&s.path),
            message,
        ));
    }
}

/// Compared in frames among stems at the common rate; stems at another rate already have
/// their finding, and their frame counts mean another duration.
fn lengths(stems: &[StemReport], rate: u32, found: &mut Vec<Finding>) {
    let same_rate: Vec<&StemReport> = stems.iter().filter(|s| s.sample_rate == rate).collect();
    let Some(longest) = same_rate
        .iter()
        .copied()
        .reduce(|a, b| if b.frames > a.frames { b } else { a })
    else {
        return;
    };
    for s in same_rate.iter().filter(|s| s.frames < longest.frames) {
        let short = longest.frames - s.frames;
        let message = format!(
            "{} is {} frames ({}) shorter than the longest stem ({}); export every stem from \
             bar 1 to the same end point",
            file_name(&s.path),
            thousands(short),
            span(short as f64 / f64::from(rate)),
            file_name(&longest.path)
        );
        found.push(Finding::new(
            FindingCode::LengthMismatch,
            Some(&s.path),
            message,
        ));
    }
}

fn bit_depths(stems: &[StemReport], found: &mut Vec<Finding>) {
    let key = |s: &StemReport| (s.bit_depth, s.sample_format.as_str());
    let Some((bits, format)) = majority(stems, key) else {
        return;
    };
    for s in stems.iter().filter(|s| key(s) != (bits, format)) {
        let message = format!(
            "{} is {}-bit {} but the other stems are {bits}-bit {format}; export every stem at \
             the same bit depth",
            file_name(&s.path),
            s.bit_depth,
            s.sample_format.as_str()
        );
        found.push(Finding::new(
            FindingCode::BitDepthMismatch,
            Some(&s.path),
            message,
        ));
    }
}

/// A DAW importing the folder flattens it, and the bundle delivers the stems flat under
/// their delivered names ([`naming::stem_file_name`]), so "Drums/Kick.wav", "Kick.WAV" and
/// "Kick.bwf" collide: the bundle would refuse them, so the check reports them.
fn duplicates(candidates: &[String], found: &mut Vec<Finding>) {
    let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for path in candidates {
        by_name
            .entry(naming::stem_file_name(path).to_lowercase())
            .or_default()
            .push(path);
    }
    for paths in by_name.values().filter(|p| p.len() > 1) {
        let mut paths = paths.clone();
        paths.sort();
        for path in &paths[1..] {
            let message = format!(
                "{path} has the same name as {} (ignoring case); imported into one session, one \
                 would replace the other. Rename one of them",
                paths[0]
            );
            found.push(Finding::new(
                FindingCode::DuplicateName,
                Some(path),
                message,
            ));
        }
    }
}

fn generic_names(candidates: &[String], found: &mut Vec<Finding>) {
    for path in candidates {
        let file = file_name(path);
        let message = match naming::generic_name(naming::stem_name(path)) {
            None => continue,
            Some(GenericName::Default) => format!(
                "{file} is a default name that says nothing about the part; name it after what \
                 it holds (e.g. 'Kick', 'Piano Chords', 'Lead Vox')"
            ),
            Some(GenericName::FamilyAndNumber) => format!(
                "{file} names only the instrument family and a number; say which part it is \
                 (e.g. 'Guitar Chords', 'Guitar Lead', 'Perc Shaker')"
            ),
        };
        found.push(Finding::new(FindingCode::GenericName, Some(path), message));
    }
}
