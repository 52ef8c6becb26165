//! Inputs the fuzzers found, kept as files in `regressions/`; each once crashed the check.

use std::io::Cursor;

use trackout_media::analysis::{ScanOptions, analyse_master, analyse_stem};
use trackout_media::{FindingCode, NoProgress};

use crate::fixtures::{Folder, Wav, assert_findings};

const OPTIONS: ScanOptions = ScanOptions {
    max_seconds: 60,
    stream_len: None,
};

/// wav_header: 64-bit float samples around 1e300. As f32 they overflowed the sum of squares
/// to infinity (RMS +inf dBFS, which JSON cannot hold).
const HUGE_FLOAT64: &[u8] = include_bytes!("regressions/huge-float64.wav");

#[test]
fn absurd_float_samples_are_counted_not_summed() {
    let stem = analyse_stem(Cursor::new(HUGE_FLOAT64), &OPTIONS, &NoProgress).expect("scans");
    assert!(stem.non_finite > 0);
    let l = &stem.levels;
    assert!(
        l.peak.is_finite() && l.rms.is_finite() && l.dc_offset.is_finite(),
        "{l:?}"
    );
    let master = analyse_master(Cursor::new(HUGE_FLOAT64), &OPTIONS, &NoProgress).expect("scans");
    assert!(master.true_peak.is_finite());
    let report = Folder::new().add("Kick.wav", HUGE_FLOAT64).check();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::BadFormat && f.stem.as_deref() == Some("Kick.wav"))
    );
    assert!(serde_json::to_string(&report).is_ok());
}

#[test]
fn nan_and_infinite_float_samples_are_a_bad_format() {
    let mut samples = crate::fixtures::tone(4_410, 2, 220.0, 0.5, 44_100);
    samples[100] = f64::NAN;
    samples[200] = f64::INFINITY;
    let report = Folder::new()
        .add("Kick.wav", &Wav::float(32, 2, 44_100, samples).bytes())
        .add(
            "Snare.wav",
            &Wav::float(
                32,
                2,
                44_100,
                crate::fixtures::tone(4_410, 2, 220.0, 0.5, 44_100),
            )
            .bytes(),
        )
        .check();
    assert_findings(&report, &[(FindingCode::BadFormat, Some("Kick.wav"))]);
    let kick = report
        .stems
        .iter()
        .find(|s| s.name == "Kick")
        .expect("still measured");
    assert!((kick.peak_dbfs + 6.02).abs() < 0.01, "{}", kick.peak_dbfs);
}
