//! What the listening pass heard, in the report's words: the `sum` and `detected` sections
//! and the findings about the stems against the master and the listing.

use super::numbers::{round, span, thousands};
use super::{DetectedSection, Finding, FindingCode, Report, StemSumReport, SumOutcome, SumSection};
use crate::CheckLimits;
use crate::lockstep::Heard;
use crate::music::thresholds::sum::OFFSET_MIN_SECONDS;
use crate::music::{
    Key, LengthVerdict, LikelyPart, SumReport, SumVerdict, compare_key, compare_lengths,
    compare_tempo,
};
use crate::naming::file_name;

/// The beat's listing as the producer typed it, for `bpm_mismatch` and `key_mismatch`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Listed {
    pub bpm: Option<f64>,
    pub key: Option<Key>,
}

/// Adds the sections and findings. `master` is the master's path in the trackout.
pub(crate) fn add_hearing(
    heard: &Heard,
    master: &str,
    listed: &Listed,
    limits: &CheckLimits,
    report: &mut Report,
) {
    report.detected = Some(detected(heard));
    if let Some(sum) = &heard.sum {
        report.sum = Some(section(heard, sum));
        lengths(heard, sum, master, limits, report);
        sum_findings(heard, sum, master, report);
    }
    tempo_and_key(heard, master, listed, report);
}

fn detected(heard: &Heard) -> DetectedSection {
    let d = &heard.detected;
    DetectedSection {
        bpm: (d.bpm > 0.0).then(|| round(d.bpm, 1)),
        bpm_confidence: round(d.bpm_confidence, 2),
        key: d.key.map(|k| k.to_string()),
        key_confidence: round(d.key_confidence, 2),
    }
}

fn ms(samples: i64, rate: u32) -> f64 {
    round(samples as f64 * 1000.0 / f64::from(rate), 1)
}

fn section(heard: &Heard, sum: &SumReport) -> SumSection {
    let outcome = match sum.verdict {
        SumVerdict::Sums => SumOutcome::Sums,
        SumVerdict::MasterBusProcessing { .. } => SumOutcome::MasterBusProcessing,
        SumVerdict::DoesNotSum { .. } => SumOutcome::DoesNotSum,
        SumVerdict::MasterMismatch => SumOutcome::MasterMismatch,
        SumVerdict::NotMeasured => SumOutcome::NotMeasured,
    };
    SumSection {
        outcome,
        residual_db: round(sum.residual_db, 2),
        correlation: round(sum.correlation, 4),
        master_gain_db: if sum.master_gain_db.is_finite() {
            round(sum.master_gain_db, 2)
        } else {
            0.0
        },
        stems: heard
            .stems
            .iter()
            .zip(&sum.stems)
            .map(|(path, s)| StemSumReport {
                path: path.clone(),
                lag_samples: s.lag_samples,
                lag_ms: ms(s.lag_samples, heard.sample_rate),
                found_in_master: s.found_in_master,
                polarity_inverted: s.polarity_inverted,
                correlation: round(s.correlation, 4),
            })
            .collect(),
    }
}

fn lengths(
    heard: &Heard,
    sum: &SumReport,
    master: &str,
    limits: &CheckLimits,
    report: &mut Report,
) {
    let rate = heard.sample_rate;
    let Some((longest, longest_frames)) = heard
        .stems
        .iter()
        .zip(&sum.stem_frames)
        .max_by_key(|(_, f)| **f)
    else {
        return;
    };
    let seconds = |frames: u64| span(frames as f64 / f64::from(rate));
    let master_file = file_name(master);
    match compare_lengths(
        sum.master_frames,
        *longest_frames,
        rate,
        limits.tail_allowance_seconds,
    ) {
        LengthVerdict::Fits => {}
        LengthVerdict::StemsEndEarly { frames } => report.findings.push(Finding::new(
            FindingCode::MasterLengthMismatch,
            Some(master),
            format!(
                "the stems end {} before the master does ({master_file} runs {}, the longest \
                 stem, {}, {}), more than the {} a reverb tail may ring on: the trackout is \
                 missing the end of the beat; export every stem from bar 1 to the end of the \
                 master",
                seconds(frames),
                seconds(sum.master_frames),
                file_name(longest),
                seconds(*longest_frames),
                span(limits.tail_allowance_seconds),
            ),
        )),
        LengthVerdict::MasterShorter { frames } => report.findings.push(Finding::warning(
            FindingCode::MasterLengthMismatch,
            Some(master),
            format!(
                "the master {master_file} is {} ({} frames) shorter than the longest stem ({}); \
                 fine for an edit or a fade, otherwise export the master to the stems' end",
                seconds(frames),
                thousands(frames),
                file_name(longest),
            ),
        )),
    }
}

fn sum_findings(heard: &Heard, sum: &SumReport, master: &str, report: &mut Report) {
    let rate = heard.sample_rate;
    let master_file = file_name(master);
    let mut push = |code, stem: &str, message: String| {
        report
            .findings
            .push(Finding::new(code, Some(stem), message))
    };
    // Not measured (the residual needs every lag settled, and a short trackout can end
    // first): nothing is said about the residual, but a lag found to the sample still is.
    let measured = sum.verdict != SumVerdict::NotMeasured;
    if sum.verdict == SumVerdict::MasterMismatch {
        push(
            FindingCode::MasterMismatch,
            master,
            format!(
                "the master {master_file} is not made of these stems (their sum correlates \
                 with it at {:.2}): it sounds like another beat or another version; upload \
                 the master these stems were exported with",
                sum.correlation.max(0.0)
            ),
        );
        // Lags and polarities against an unrelated master mean nothing.
        return;
    }
    for (path, s) in heard.stems.iter().zip(&sum.stems) {
        if !s.found_in_master || !(measured || s.lag_exact) {
            continue;
        }
        let file = file_name(path);
        let min_lag = (OFFSET_MIN_SECONDS * f64::from(rate)).ceil() as u64;
        if s.lag_samples.unsigned_abs() >= min_lag.max(1) {
            let n = s.lag_samples.unsigned_abs();
            let when = if s.lag_samples > 0 { "late" } else { "early" };
            push(
                FindingCode::StemOffset,
                path,
                format!(
                    "{file} is {} samples ({}) {when} against the master: it would play out of \
                     time in a session; export every stem from bar 1 (the session's start), \
                     nothing trimmed or nudged",
                    thousands(n),
                    span(n as f64 / f64::from(rate)),
                ),
            );
        }
        if s.polarity_inverted {
            push(
                FindingCode::PolarityInverted,
                path,
                format!(
                    "{file} is polarity-inverted against the master (correlation {:.2}): summed \
                     with the others it cancels instead of adding; flip its polarity (phase \
                     invert) and export it again",
                    s.correlation
                ),
            );
        }
    }
    if !measured {
        return;
    }
    let residual = residual_words(sum.residual_db);
    match sum.verdict {
        SumVerdict::MasterBusProcessing {
            gain_reduction_db,
            level_dependent,
        } => {
            let what = if level_dependent {
                format!(
                    "a limiter or bus compressor leaves (the loudest moments {gain_reduction_db:.1} \
                     dB lower than in the stems' sum)"
                )
            } else {
                "master-bus processing leaves (a bus gain or a clipper's curve)".to_owned()
            };
            push(
                FindingCode::MasterBusProcessing,
                master,
                format!(
                    "the master differs from the stems' sum (what is left is {residual}), which \
                     is what {what}; nothing is missing, nothing to fix"
                ),
            );
        }
        SumVerdict::DoesNotSum {
            likely_role_missing_or_doubled,
        } => {
            let head = format!("the stems add up to the master only up to a residual {residual}");
            let (stem, message) = match likely_role_missing_or_doubled {
                Some(LikelyPart::Stem {
                    index,
                    level_in_master_db,
                }) => {
                    let path = &heard.stems[index];
                    let file = file_name(path);
                    let what = if !level_in_master_db.is_finite() || level_in_master_db < -30.0 {
                        format!(
                            "{file} is not in the master (muted in the mix, or a part of another version)"
                        )
                    } else if level_in_master_db > 0.0 {
                        format!(
                            "{file} is {level_in_master_db:.1} dB louder in the master than in \
                             its file (doubled, or exported quieter)"
                        )
                    } else {
                        format!(
                            "{file} is {:.1} dB quieter in the master than in its file",
                            -level_in_master_db
                        )
                    };
                    (
                        path.as_str(),
                        format!("{head}: {what}; export that stem again as it plays in the mix"),
                    )
                }
                Some(LikelyPart::LikeStem { index }) => {
                    let path = &heard.stems[index];
                    (
                        path.as_str(),
                        format!(
                            "{head}: the difference sounds like {} (its spectrum and level), \
                             another take or version of that part; export the take the master \
                             uses",
                            file_name(path)
                        ),
                    )
                }
                Some(LikelyPart::Band(band)) => (
                    master,
                    format!(
                        "{head}: the master holds energy in {} that no stem has; a part (or an \
                         effect return) is missing from the trackout: export it as a stem",
                        band.describe()
                    ),
                ),
                None => (
                    master,
                    format!(
                        "{head}, and no single part explains it; check that every track and \
                         effect return of the mix is exported as a stem"
                    ),
                ),
            };
            push(FindingCode::StemsDoNotSum, stem, message);
        }
        _ => {}
    }
}

fn tempo_and_key(heard: &Heard, master: &str, listed: &Listed, report: &mut Report) {
    let d = &heard.detected;
    if let Some(bpm) = listed.bpm
        && let Some(c) = compare_tempo(bpm, d.bpm, d.bpm_confidence)
        && !c.agrees()
    {
        report.findings.push(Finding::new(
            FindingCode::BpmMismatch,
            Some(master),
            format!(
                "{}; if the listing is wrong, correct the BPM in the beat's details",
                c.message()
            ),
        ));
    }
    if let (Some(listed), Some(key)) = (listed.key, d.key) {
        let c = compare_key(listed, key, d.key_confidence);
        if !c.agrees() {
            report.findings.push(Finding::new(
                FindingCode::KeyMismatch,
                Some(master),
                format!(
                    "{}; if the listing is wrong, correct the key in the beat's details",
                    c.message()
                ),
            ));
        }
    }
}

/// "31.2 dB below the master"; a residual louder than the master (a master far quieter
/// than its stems' sum) is "4.1 dB above the master".
pub(crate) fn residual_words(residual_db: f64) -> String {
    if !residual_db.is_finite() {
        "nothing (an exact null)".to_owned()
    } else if residual_db <= 0.0 {
        format!("{:.1} dB below the master", -residual_db)
    } else {
        format!("{residual_db:.1} dB above the master")
    }
}
