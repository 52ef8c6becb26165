//! Codes about the stems side by side, their levels, their names, and the master.

use trackout_media::FindingCode::*;
use trackout_media::Level;

use super::{FRAMES, finding_for, stem};
use crate::fixtures::{Folder, Wav, assert_findings, finding, tone};

#[test]
fn sample_rate_mismatch_names_the_odd_stem() {
    let at_48k = Wav::int(24, 2, 48_000, tone(14_400, 2, 220.0, 0.5, 48_000));
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .add("Vox.wav", &at_48k.bytes())
        .check();
    assert_findings(&report, &[(SampleRateMismatch, Some("Vox.wav"))]);
    assert!(
        finding(&report, SampleRateMismatch)
            .message
            .contains("48,000 Hz")
    );
}

#[test]
fn length_mismatch_says_by_how_much() {
    let report = Folder::new()
        .add("Kick.wav", &Wav::stem(FRAMES).bytes())
        .add("Hats.wav", &Wav::stem(FRAMES - 1_234).bytes())
        .check();
    assert_findings(&report, &[(LengthMismatch, Some("Hats.wav"))]);
    let message = &finding(&report, LengthMismatch).message;
    assert!(
        message.contains("1,234 frames (28 ms) shorter than the longest stem (Kick.wav)"),
        "{message}"
    );
}

#[test]
fn bit_depth_mismatch_is_a_warning() {
    let sixteen = Wav::int(16, 2, 44_100, tone(FRAMES, 2, 220.0, 0.5, 44_100));
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .add("Pad.wav", &sixteen.bytes())
        .check();
    assert_findings(&report, &[(BitDepthMismatch, Some("Pad.wav"))]);
    assert_eq!(finding(&report, BitDepthMismatch).level, Level::Warning);
    assert!(report.passes, "warnings do not fail the check");
}

#[test]
fn silent_stem_for_digital_silence_and_dither() {
    let silence = Wav::int(24, 2, 44_100, vec![0.0; FRAMES * 2]);
    // ±1 LSB of 16-bit dither peaks at −90.3 dBFS: nothing an engineer can use.
    let dither: Vec<f64> = (0..FRAMES * 2)
        .map(|i| if i % 3 == 0 { 1.0 / 32_768.0 } else { 0.0 })
        .collect();
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("FX Riser.wav", &silence.bytes())
        .add("Vox Chops.wav", &Wav::int(24, 2, 44_100, dither).bytes())
        .check();
    assert_findings(
        &report,
        &[
            (SilentStem, Some("FX Riser.wav")),
            (SilentStem, Some("Vox Chops.wav")),
        ],
    );
    assert!(
        finding_for(&report, "FX Riser.wav")
            .message
            .contains("digital silence")
    );
    let riser = report
        .stems
        .iter()
        .find(|s| s.name == "FX Riser")
        .expect("listed");
    assert_eq!(riser.peak_dbfs, f64::NEG_INFINITY);
}

#[test]
fn clipping_for_a_flattened_waveform_not_a_lone_peak() {
    let mut clipped = tone(FRAMES, 2, 110.0, 0.5, 44_100);
    for x in &mut clipped[2_000..2_020] {
        *x = 1.0; // ten frames pinned at full scale on both channels
    }
    let mut one_peak = tone(FRAMES, 2, 110.0, 0.5, 44_100);
    one_peak[3_000] = 1.0;
    let report = Folder::new()
        .add("808.wav", &Wav::int(24, 2, 44_100, clipped).bytes())
        .add("Kick.wav", &Wav::int(24, 2, 44_100, one_peak).bytes())
        .check();
    assert_findings(&report, &[(Clipping, Some("808.wav"))]);
    let message = &finding(&report, Clipping).message;
    assert!(
        message.contains("2 run(s)") && message.contains("longest 10 samples"),
        "{message}"
    );
}

#[test]
fn dc_offset_for_a_shifted_waveform() {
    let shifted: Vec<f64> = tone(FRAMES, 2, 220.0, 0.4, 44_100)
        .iter()
        .map(|x| x + 0.05)
        .collect();
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Bass.wav", &Wav::int(24, 2, 44_100, shifted).bytes())
        .check();
    assert_findings(&report, &[(DcOffset, Some("Bass.wav"))]);
    assert!(finding(&report, DcOffset).message.contains("5.0"));
}

#[test]
fn a_kick_starting_every_hit_at_phase_zero_is_not_an_offset() {
    // 55 Hz hits every half second: the whole-stem mean is +0.46%, which is the kick's shape,
    // not an offset to fix.
    let kick: Vec<f64> = (0..4 * 44_100)
        .flat_map(|n| {
            let t = (n % 22_050) as f64 / 44_100.0;
            let x = 0.8 * (std::f64::consts::TAU * 55.0 * t).sin() * (-t / 0.09).exp();
            [x, x]
        })
        .collect();
    let report = Folder::new()
        .add("Kick.wav", &Wav::int(24, 2, 44_100, kick).bytes())
        .check();
    assert_findings(&report, &[]);
    assert!(report.stems[0].dc_offset > 0.004);
}

#[test]
fn generic_name_for_names_that_say_nothing() {
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Audio 01.wav", &stem())
        .add("GUITAR_01.wav", &stem())
        .add("Untitled.wav", &stem())
        .check();
    assert_findings(
        &report,
        &[
            (GenericName, Some("Audio 01.wav")),
            (GenericName, Some("GUITAR_01.wav")),
            (GenericName, Some("Untitled.wav")),
        ],
    );
}

#[test]
fn duplicate_name_across_folders_ignoring_case() {
    let report = Folder::new()
        .add("Drums/Kick.wav", &stem())
        .add("Layers/kick.WAV", &stem())
        .add("Snare.wav", &stem())
        .check();
    assert_findings(&report, &[(DuplicateName, Some("Layers/kick.WAV"))]);
    assert!(
        finding(&report, DuplicateName)
            .message
            .contains("Drums/Kick.wav")
    );
}

#[test]
fn true_peak_over_for_a_master_peaking_between_samples() {
    // +½, +½, −½, −½ … at 0.9: samples at −0.9 dBFS, the waveform at +2.1 dBTP.
    let fade = |i: usize| (i.min(2 * FRAMES - 1 - i) as f64 / 800.0).min(1.0);
    let hot: Vec<f64> = (0..FRAMES * 2)
        .map(|i| if (i / 2) % 4 < 2 { 0.9 } else { -0.9 } * fade(i))
        .collect();
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add(
            "Night Drive (Master).wav",
            &Wav::float(32, 2, 44_100, hot).bytes(),
        )
        .check();
    // The master is not made of the kick, and the check says so too.
    assert_findings(
        &report,
        &[
            (TruePeakOver, Some("Night Drive (Master).wav")),
            (MasterMismatch, Some("Night Drive (Master).wav")),
        ],
    );
    let master = report.master.as_ref().expect("the master was found");
    assert!(
        (master.true_peak_dbtp - 2.1).abs() < 0.1,
        "{}",
        master.true_peak_dbtp
    );
    assert!(
        (master.sample_peak_dbfs + 0.92).abs() < 0.05,
        "{}",
        master.sample_peak_dbfs
    );
}
