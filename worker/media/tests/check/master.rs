//! Which master is measured: one given apart, or one named as the master in the trackout;
//! either way it is not a stem.

use trackout_media::{CheckError, CheckLimits, FindingCode, NoProgress, check_path};

use crate::fixtures::{Folder, Wav, assert_findings, tone};

const FRAMES: usize = 8_820;

fn stem() -> Vec<u8> {
    Wav::stem(FRAMES).bytes()
}

/// One second: loudness is gated over 400 ms blocks, so a shorter master has none.
fn master() -> Vec<u8> {
    Wav::int(24, 2, 44_100, tone(44_100, 2, 440.0, 0.25, 44_100)).bytes()
}

/// Half of [`master`]: two of these sum to it, as stems sum to their mix.
fn half() -> Vec<u8> {
    Wav::int(24, 2, 44_100, tone(44_100, 2, 440.0, 0.125, 44_100)).bytes()
}

#[test]
fn a_master_named_in_the_trackout_is_measured_not_counted_as_a_stem() {
    for name in [
        "Master.wav",
        "Night Drive (Master).wav",
        "2-Track.wav",
        "Mix.wav",
        "Beats/Night Drive - Full Mix.wav",
    ] {
        let report = Folder::new()
            .add("Kick.wav", &half())
            .add("Snare.wav", &half())
            .add(name, &master())
            .check();
        assert_findings(&report, &[]);
        assert_eq!(report.stems.len(), 2, "{name} counted as a stem");
        let m = report
            .master
            .as_ref()
            .unwrap_or_else(|| panic!("{name} not taken as the master"));
        assert_eq!(m.path, name);
        assert!(m.found_in_trackout);
        // 440 Hz at 0.25 and 0.225: −0.691 + 10·log10(0.25²/2 + 0.225²/2) = −13.16 LUFS
        // (K-weighting is flat at 440 Hz).
        assert!(
            (m.integrated_lufs + 13.16).abs() < 0.2,
            "{}",
            m.integrated_lufs
        );
    }
}

#[test]
fn master_beats_mix_and_the_other_is_listed_apart() {
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Mix.wav", &master())
        .add("Master.wav", &master())
        .check();
    assert_eq!(
        report.master.as_ref().map(|m| m.path.as_str()),
        Some("Master.wav")
    );
    assert_eq!(report.other_files, vec!["Mix.wav"]);
    assert_eq!(report.stems.len(), 1);
}

#[test]
fn a_vocal_mix_is_a_stem_not_the_master() {
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Vocal Mix.wav", &stem())
        .check();
    assert!(report.master.is_none());
    assert_eq!(report.stems.len(), 2);
}

#[test]
fn a_master_given_apart_wins_over_one_in_the_trackout() {
    let folder = Folder::new()
        .add("Kick.wav", &stem())
        .add("Master.wav", &master());
    let apart = folder.dir.path().join("Night Drive master.wav");
    std::fs::write(&apart, master()).expect("write");
    let report = check_path(
        &folder.root(),
        Some(&apart),
        &CheckLimits::default(),
        &NoProgress,
    )
    .expect("runs");
    let m = report.master.as_ref().expect("measured");
    assert_eq!(m.path, "Night Drive master.wav");
    assert!(!m.found_in_trackout);
    assert_eq!(report.stems.len(), 1);
    assert_eq!(report.other_files, vec!["Master.wav"]);
}

#[test]
fn the_check_cannot_run_without_its_inputs() {
    let folder = Folder::new().add("Kick.wav", &stem());
    let missing = folder.dir.path().join("nope");
    let err =
        check_path(&missing, None, &CheckLimits::default(), &NoProgress).expect_err("missing path");
    assert!(matches!(err, CheckError::NotFound { .. }), "{err}");
    let not_wav = folder.dir.path().join("master.mp3");
    std::fs::write(&not_wav, b"ID3\x04\0\0\0\0\0\0").expect("write");
    let err = check_path(
        &folder.root(),
        Some(&not_wav),
        &CheckLimits::default(),
        &NoProgress,
    )
    .expect_err("bad master");
    assert!(matches!(err, CheckError::MasterNotWav { .. }), "{err}");
    assert!(err.to_string().contains("MP3"), "{err}");
}

#[test]
fn a_hot_master_in_the_trackout_is_flagged_not_the_stems() {
    let hot: Vec<f64> = tone(FRAMES, 2, 11_025.0, 1.0, 44_100)
        .iter()
        .map(|x| x.clamp(-0.99, 0.99))
        .collect();
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Master.wav", &Wav::float(32, 2, 44_100, hot).bytes())
        .check();
    // The master is not made of the kick, and the check says so too.
    assert_findings(
        &report,
        &[
            (FindingCode::TruePeakOver, Some("Master.wav")),
            (FindingCode::MasterMismatch, Some("Master.wav")),
        ],
    );
}
