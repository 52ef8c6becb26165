//! Turning one stem's (or the master's) analysis into its report line and its own findings.

use crate::CheckLimits;
use crate::analysis::{LevelSummary, MIN_CLIP_RUN, MasterAnalysis, StemAnalysis};
use crate::naming;
use crate::report::numbers::{clock, round, thousands, to_db};
use crate::report::{Finding, FindingCode, MasterReport, Report, StemReport};
use trackout_audio::listing::Entry;

/// Below this peak a stem holds nothing an engineer could use (16-bit dither reads −90.3).
pub const SILENCE_DBFS: f64 = -90.0;
/// A mean this far from zero (1% of full scale, −40 dBFS) costs headroom and thumps on
/// edits. Lower would flag musical content: a sine kick or 808 that starts every note at
/// phase zero averages up to about +0.8% over a stem, and engineers do not call that an
/// offset.
pub const DC_OFFSET_LIMIT: f64 = 0.01;

pub(crate) fn add_stem(entry: &Entry, a: &StemAnalysis, report: &mut Report) {
    let f = &a.info.format;
    let l = &a.levels;
    report.stems.push(StemReport {
        name: entry.stem_name().to_owned(),
        path: entry.path.clone(),
        role: naming::role(entry.stem_name()),
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        sample_format: f.sample_format,
        channels: f.channels,
        frames: l.frames,
        duration_seconds: round(a.info.duration_seconds(), 3),
        peak_dbfs: to_db(l.peak),
        rms_dbfs: to_db(l.rms),
        dc_offset: round(l.dc_offset, 6),
        clipped_runs: l.clipped_runs,
    });
    let file = entry.file_name();
    let mut finding = |code, message: String| {
        report
            .findings
            .push(Finding::new(code, Some(&entry.path), message))
    };
    if a.non_finite > 0 {
        finding(
            FindingCode::BadFormat,
            non_finite_message(file, a.non_finite),
        );
    }
    if to_db(l.peak) < SILENCE_DBFS {
        let what = if l.peak == 0.0 {
            "digital silence throughout".to_owned()
        } else {
            format!(
                "below {SILENCE_DBFS} dBFS throughout (peak {:.1} dBFS)",
                to_db(l.peak)
            )
        };
        finding(
            FindingCode::SilentStem,
            format!("{file} is {what}; re-export it with the part playing, or leave it out"),
        );
        return;
    }
    if l.clipped_runs > 0 {
        finding(
            FindingCode::Clipping,
            clipping_message(file, l, f.sample_rate),
        );
    }
    if l.dc_offset > DC_OFFSET_LIMIT {
        finding(
            FindingCode::DcOffset,
            format!(
                "{file} has a DC offset of {:.2}% of full scale ({:.1} dBFS); remove it with a \
                 DC filter or a gentle high-pass before export",
                l.dc_offset * 100.0,
                to_db(l.dc_offset)
            ),
        );
    }
}

pub(crate) fn add_master(
    entry: &Entry,
    found_in_trackout: bool,
    m: &MasterAnalysis,
    limits: &CheckLimits,
    report: &mut Report,
) {
    let f = &m.info.format;
    let true_peak_dbtp = to_db(m.true_peak);
    report.master = Some(MasterReport {
        name: entry.stem_name().to_owned(),
        path: entry.path.clone(),
        found_in_trackout,
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        sample_format: f.sample_format,
        channels: f.channels,
        frames: m.levels.frames,
        duration_seconds: round(m.info.duration_seconds(), 3),
        integrated_lufs: round(m.integrated_lufs, 2),
        loudness_range_lu: round(m.loudness_range_lu, 2),
        true_peak_dbtp,
        sample_peak_dbfs: to_db(m.levels.peak),
    });
    let file = entry.file_name();
    let mut finding = |code, message: String| {
        report
            .findings
            .push(Finding::new(code, Some(&entry.path), message))
    };
    if m.non_finite > 0 {
        finding(
            FindingCode::BadFormat,
            non_finite_message(file, m.non_finite),
        );
    }
    if true_peak_dbtp > limits.true_peak_ceiling_dbtp {
        finding(
            FindingCode::TruePeakOver,
            format!(
                "the master {file} peaks at {true_peak_dbtp:.2} dBTP between samples, above the \
                 {:.1} dBTP ceiling; MP3 and streaming encodes of it will clip. Set the limiter's \
                 ceiling to {:.1} dBTP (true-peak mode) and export again",
                limits.true_peak_ceiling_dbtp, limits.true_peak_ceiling_dbtp
            ),
        );
    }
    if m.levels.clipped_runs > 0 {
        finding(
            FindingCode::Clipping,
            clipping_message(file, &m.levels, f.sample_rate),
        );
    }
}

fn clipping_message(file: &str, l: &LevelSummary, rate: u32) -> String {
    let first = l
        .first_clip_frame
        .map_or(0.0, |f| f as f64 / f64::from(rate));
    format!(
        "{file} clips: {} run(s) of {MIN_CLIP_RUN} or more consecutive full-scale samples \
         (longest {} samples, first at {}); lower the track's level before export",
        thousands(l.clipped_runs),
        thousands(l.longest_clip),
        clock(first)
    )
}

fn non_finite_message(file: &str, count: u64) -> String {
    format!(
        "{file} holds {} float samples that are not audio (NaN, infinity, or over +120 dBFS), \
         which play as loud clicks or silence; re-export it",
        thousands(count)
    )
}
