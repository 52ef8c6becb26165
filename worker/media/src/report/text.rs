//! The report as a producer reads it in a terminal.

use std::fmt::Write;

use super::numbers::{clock, db_text, rate};
use super::{Report, SumSection};
use crate::wav::SampleFormat;

fn channels(n: u16) -> String {
    match n {
        1 => "mono".into(),
        2 => "stereo".into(),
        n => format!("{n} ch"),
    }
}

fn depth(bits: u16, format: SampleFormat) -> String {
    format!("{bits}-bit {format}")
}

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Trackout check: {}", report.trackout);
    let width = report
        .stems
        .iter()
        .map(|s| s.name.chars().count())
        .chain(report.master.iter().map(|m| m.name.chars().count()))
        .max()
        .unwrap_or(0)
        .min(40);
    if !report.stems.is_empty() || report.master.is_some() {
        out.push('\n');
    }
    for s in &report.stems {
        let _ = writeln!(
            out,
            "  {:<width$}  {:<10}  {:>8}  {:<12}  {:<6}  {}  peak {:>7} dBFS  RMS {:>7} dBFS",
            s.name,
            s.role.as_str(),
            rate(s.sample_rate),
            depth(s.bit_depth, s.sample_format),
            channels(s.channels),
            clock(s.duration_seconds),
            db_text(s.peak_dbfs),
            db_text(s.rms_dbfs),
        );
    }
    if let Some(m) = &report.master {
        let _ = writeln!(
            out,
            "  {:<width$}  {:<10}  {:>8}  {:<12}  {:<6}  {}  {} LUFS  LRA {:.1} LU  true peak {} dBTP  sample peak {} dBFS",
            m.name,
            "master",
            rate(m.sample_rate),
            depth(m.bit_depth, m.sample_format),
            channels(m.channels),
            clock(m.duration_seconds),
            db_text(m.integrated_lufs),
            m.loudness_range_lu,
            db_text(m.true_peak_dbtp),
            db_text(m.sample_peak_dbfs),
        );
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    let code_width = report
        .findings
        .iter()
        .map(|f| f.code.as_str().len())
        .max()
        .unwrap_or(0);
    // `findings` is already ordered errors first.
    for f in &report.findings {
        let level = f.level.as_str();
        let _ = writeln!(
            out,
            "{level:<7}  {:<code_width$}  {}",
            f.code.as_str(),
            f.message
        );
    }
    if let Some(sum) = &report.sum {
        music_lines(report, sum, &mut out);
    }
    let errors = report.errors().count();
    let warnings = report.warnings().count();
    let infos = report.infos().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "\n{}: {}, {}{} ({} checked{})",
        if report.passes { "PASS" } else { "FAIL" },
        plural(errors, "error"),
        plural(warnings, "warning"),
        if infos > 0 {
            format!(", {infos} info")
        } else {
            String::new()
        },
        plural(report.stems.len(), "stem"),
        if report.master.is_some() {
            " and the master"
        } else {
            ""
        },
    );
    out
}

/// "Sum: residual -62.3 dB (correlation 1.000); heard 140 BPM (0.81), A min (0.45)"
fn music_lines(report: &Report, sum: &SumSection, out: &mut String) {
    let residual = super::music::residual_words(sum.residual_db);
    let _ = write!(
        out,
        "\nStems against the master: residual {residual}, correlation {:.3}",
        sum.correlation
    );
    if let Some(d) = &report.detected {
        if let Some(bpm) = d.bpm {
            let _ = write!(out, "; heard {bpm:.1} BPM ({:.2})", d.bpm_confidence);
        }
        if let Some(key) = &d.key {
            let _ = write!(out, ", {key} ({:.2})", d.key_confidence);
        }
    }
    out.push('\n');
}
