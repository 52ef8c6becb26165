//! The check hears the music: generated trackouts, written as WAV files and checked like an
//! upload, one per finding of the listening pass.

use trackout_media::FindingCode::*;
use trackout_media::music::{Key, Mode};
use trackout_media::{
    CheckLimits, FindingCode, Level, Listed, NoProgress, Report, SumOutcome, check_path_as_listed,
};

use super::sum::{BPM, RATE, limit, parts, shifted, stereo_stems, sum_of};
use crate::fixtures::{Folder, Wav, assert_findings, finding};

/// The five parts as the stems are named: kick, snare, hats, keys, bass.
const NAMES: [&str; 5] = ["Kick.wav", "Snare.wav", "Hats.wav", "Keys.wav", "Bass.wav"];

fn f64s(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

fn stereo_wav(samples: &[f32]) -> Vec<u8> {
    Wav::int(24, 2, RATE, f64s(samples)).bytes()
}

/// Scales the stems so that their sum peaks at −9 dBFS: room for a doubled part, and no
/// true-peak finding to muddle what a test is about.
fn with_headroom(mut stems: Vec<Vec<f32>>) -> Vec<Vec<f32>> {
    let peak = sum_of(&stems).iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let gain = 0.355 / peak;
    for s in &mut stems {
        s.iter_mut().for_each(|v| *v *= gain);
    }
    stems
}

/// A 20 s beat at 140 BPM in A minor: its stereo stems and their exact sum.
fn beat(seed: u64) -> (Vec<Vec<f32>>, Vec<f32>) {
    beat_of(seed, 20.0)
}

fn beat_of(seed: u64, seconds: f32) -> (Vec<Vec<f32>>, Vec<f32>) {
    let stems = with_headroom(stereo_stems(&parts(seed, BPM, 57, seconds)));
    let master = sum_of(&stems);
    (stems, master)
}

fn trackout(stems: &[Vec<f32>], master: &[f32]) -> Folder {
    let mut folder = Folder::new();
    for (name, stem) in NAMES.iter().zip(stems) {
        folder = folder.add(name, &stereo_wav(stem));
    }
    folder.add("Master.wav", &stereo_wav(master))
}

fn check(folder: &Folder, listed: &Listed) -> Report {
    std::fs::create_dir_all(folder.root()).expect("mkdir");
    check_path_as_listed(
        &folder.root(),
        None,
        listed,
        &CheckLimits::default(),
        &NoProgress,
    )
    .expect("the check runs")
}

fn level_of(report: &Report, code: FindingCode) -> Level {
    finding(report, code).level
}

#[test]
fn a_master_that_is_the_exact_sum_raises_nothing_new() {
    let (stems, master) = beat(11);
    let report = trackout(&stems, &master).check();
    assert_findings(&report, &[]);
    let sum = report.sum.as_ref().expect("a sum section");
    assert_eq!(sum.outcome, SumOutcome::Sums, "{sum:#?}");
    assert!(sum.residual_db < -60.0, "{sum:#?}");
    assert_eq!(sum.stems.len(), 5);
    for s in &sum.stems {
        assert_eq!(s.lag_samples, 0, "{s:?}");
        assert!(s.correlation > 0.0 && !s.polarity_inverted, "{s:?}");
    }
    let detected = report.detected.as_ref().expect("a detected section");
    let bpm = detected.bpm.expect("a tempo");
    assert!((bpm - 140.0).abs() < 2.8, "{detected:?}");
    assert!(detected.key.is_some(), "{detected:?}");
}

#[test]
fn stems_at_other_depths_formats_and_channel_counts_still_sum() {
    let mut stems = stereo_stems(&parts(12, BPM, 57, 20.0));
    // The bass is a mono stem, in both channels of the master at its own level; the hats
    // are 32-bit float, the kick 16-bit; the master stays 24-bit.
    stems[4] = stems[4]
        .chunks_exact(2)
        .flat_map(|f| [f[0], f[0]])
        .collect();
    let stems = with_headroom(stems);
    let master = sum_of(&stems);
    let bass: Vec<f32> = stems[4].iter().step_by(2).copied().collect();
    let folder = Folder::new()
        .add("Kick.wav", &Wav::int(16, 2, RATE, f64s(&stems[0])).bytes())
        .add("Snare.wav", &stereo_wav(&stems[1]))
        .add(
            "Hats.wav",
            &Wav::float(32, 2, RATE, f64s(&stems[2])).bytes(),
        )
        .add("Keys.wav", &stereo_wav(&stems[3]))
        .add("Bass.wav", &Wav::int(24, 1, RATE, f64s(&bass)).bytes())
        .add("Master.wav", &stereo_wav(&master));
    let report = folder.check();
    // 16-bit beside 24-bit is the existing warning; the sum has nothing to say.
    assert_findings(
        &report,
        &[
            (BitDepthMismatch, Some("Kick.wav")),
            (BitDepthMismatch, Some("Hats.wav")),
        ],
    );
    let sum = report.sum.as_ref().expect("a sum section");
    assert_eq!(sum.outcome, SumOutcome::Sums, "{sum:#?}");
    assert!(
        sum.residual_db < -60.0,
        "16-bit rounding is far below: {sum:#?}"
    );
}

#[test]
fn a_limited_master_raises_only_master_bus_processing() {
    let (stems, sum) = beat(13);
    let peak = sum.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let report = trackout(&stems, &limit(&sum, peak / 2.0)).check();
    assert_findings(&report, &[(MasterBusProcessing, Some("Master.wav"))]);
    assert_eq!(level_of(&report, MasterBusProcessing), Level::Info);
    assert!(report.passes, "an info never fails a check");
    let message = &finding(&report, MasterBusProcessing).message;
    assert!(message.contains("limiter"), "{message}");
    assert_eq!(
        report.sum.as_ref().map(|s| s.outcome),
        Some(SumOutcome::MasterBusProcessing)
    );
}

#[test]
fn a_stem_exported_from_bar_2_is_an_offset_in_samples_and_ms() {
    let (mut stems, master) = beat_of(14, 30.0);
    let bar = (4.0 * 60.0 / BPM * RATE as f32).round() as i64;
    stems[3] = shifted(&stems[3], -bar);
    stems[4] = shifted(&stems[4], 441);
    let report = trackout(&stems, &master).check();
    assert_findings(
        &report,
        &[
            (StemOffset, Some("Keys.wav")),
            (StemOffset, Some("Bass.wav")),
        ],
    );
    assert!(!report.passes);
    let keys = report
        .findings
        .iter()
        .find(|f| f.stem.as_deref() == Some("Keys.wav"))
        .expect("keys");
    assert_eq!(keys.level, Level::Error);
    assert!(
        keys.message.contains("37,800 samples (1.714 s) early"),
        "{}",
        keys.message
    );
    assert!(keys.message.contains("export every stem from bar 1"));
    let bass = report
        .findings
        .iter()
        .find(|f| f.stem.as_deref() == Some("Bass.wav"))
        .expect("bass");
    assert!(
        bass.message.contains("441 samples (20 ms) late"),
        "{}",
        bass.message
    );
    let sum = report.sum.as_ref().expect("sum");
    let lag = |path: &str| {
        sum.stems
            .iter()
            .find(|s| s.path == path)
            .map(|s| (s.lag_samples, s.lag_ms))
    };
    assert_eq!(lag("Keys.wav"), Some((-bar, -1714.3)));
    assert_eq!(lag("Bass.wav"), Some((441, 20.0)));
    assert_eq!(lag("Kick.wav"), Some((0, 0.0)));
}

#[test]
fn a_flipped_stem_is_polarity_inverted() {
    let (mut stems, master) = beat(15);
    stems[4].iter_mut().for_each(|v| *v = -*v);
    let report = trackout(&stems, &master).check();
    assert_findings(&report, &[(PolarityInverted, Some("Bass.wav"))]);
    assert_eq!(level_of(&report, PolarityInverted), Level::Warning);
    let sum = report.sum.as_ref().expect("sum");
    let bass = sum
        .stems
        .iter()
        .find(|s| s.path == "Bass.wav")
        .expect("bass");
    assert!(bass.polarity_inverted && bass.correlation < 0.0, "{bass:?}");
}

#[test]
fn another_beats_master_is_a_master_mismatch() {
    let (stems, _) = beat(16);
    let other = sum_of(&with_headroom(stereo_stems(&parts(17, 96.0, 50, 20.0))));
    let report = trackout(&stems, &other).check();
    assert_findings(&report, &[(MasterMismatch, Some("Master.wav"))]);
    assert_eq!(level_of(&report, MasterMismatch), Level::Error);
    assert!(!report.passes);
}

#[test]
fn a_doubled_part_does_not_sum_and_is_named() {
    let (stems, _) = beat(18);
    // The keys twice as loud in the master as in their stem: doubled on the mix.
    let mut master = sum_of(&stems);
    for (m, k) in master.iter_mut().zip(&stems[3]) {
        *m += k;
    }
    let report = trackout(&stems, &master).check();
    assert_findings(&report, &[(StemsDoNotSum, Some("Keys.wav"))]);
    let f = finding(&report, StemsDoNotSum);
    assert_eq!(f.level, Level::Warning);
    assert!(
        f.message.contains("Keys.wav") && f.message.contains("louder in the master"),
        "{}",
        f.message
    );
    assert!(f.message.contains("dB below the master"), "{}", f.message);
}

#[test]
fn a_missing_hats_stem_does_not_sum_and_names_the_high_band() {
    let (stems, master) = beat(19);
    let mut folder = Folder::new();
    for (i, (name, stem)) in NAMES.iter().zip(&stems).enumerate() {
        if i != 2 {
            folder = folder.add(name, &stereo_wav(stem));
        }
    }
    let report = folder.add("Master.wav", &stereo_wav(&master)).check();
    assert_findings(&report, &[(StemsDoNotSum, Some("Master.wav"))]);
    let f = finding(&report, StemsDoNotSum);
    assert!(f.message.contains("hats"), "{}", f.message);
}

#[test]
fn stems_that_end_before_the_master_are_an_error_and_a_short_master_a_warning() {
    let (stems, master) = beat(20);
    // Stems bounced for 8 s of a 20 s master.
    let cut: Vec<Vec<f32>> = stems
        .iter()
        .map(|s| s[..(8 * RATE as usize) * 2].to_vec())
        .collect();
    let report = trackout(&cut, &master).check();
    assert_findings(&report, &[(MasterLengthMismatch, Some("Master.wav"))]);
    assert_eq!(level_of(&report, MasterLengthMismatch), Level::Error);
    assert!(!report.passes);
    assert!(
        finding(&report, MasterLengthMismatch)
            .message
            .contains("12.000 s before the master"),
        "{:?}",
        report.findings
    );

    // A master faded out 3 s before the stems end: said, but no error.
    let short = master[..(17 * RATE as usize) * 2].to_vec();
    let report = trackout(&stems, &short).check();
    assert_findings(&report, &[(MasterLengthMismatch, Some("Master.wav"))]);
    assert_eq!(level_of(&report, MasterLengthMismatch), Level::Warning);
    assert!(report.passes);

    // A master ringing on 1.5 s past the stems is inside the 2 s tail allowance.
    let tail: Vec<Vec<f32>> = stems
        .iter()
        .map(|s| s[..(37 * RATE as usize)].to_vec())
        .collect();
    let report = trackout(&tail, &master).check();
    assert_findings(&report, &[]);
}

#[test]
fn a_tempo_listed_at_half_or_wrong_is_a_bpm_mismatch_said_as_such() {
    let (stems, master) = beat(21);
    let folder = trackout(&stems, &master);
    let as_listed = |bpm: f64| {
        check(
            &folder,
            &Listed {
                bpm: Some(bpm),
                key: None,
            },
        )
    };
    assert_findings(&as_listed(140.0), &[]);
    let half = as_listed(70.0);
    assert_findings(&half, &[(BpmMismatch, Some("Master.wav"))]);
    let message = &finding(&half, BpmMismatch).message;
    assert!(message.contains("double the listed 70"), "{message}");
    assert!(message.contains("confidence"), "{message}");
    assert_eq!(level_of(&half, BpmMismatch), Level::Warning);
    assert!(half.passes);
    let wrong = as_listed(97.0);
    let message = &finding(&wrong, BpmMismatch).message;
    assert!(message.contains("the listing says 97"), "{message}");
}

#[test]
fn a_key_listed_otherwise_is_a_key_mismatch_relative_keys_said_as_such() {
    let (stems, master) = beat(22);
    let folder = trackout(&stems, &master);
    let heard = check(&folder, &Listed::default());
    let detected = heard
        .detected
        .as_ref()
        .and_then(|d| d.key.clone())
        .expect("a key");
    let key = Key::parse(&detected).expect("the store's spelling");
    let as_listed = |key: Key| {
        check(
            &folder,
            &Listed {
                bpm: None,
                key: Some(key),
            },
        )
    };
    assert_findings(&as_listed(key), &[]);
    let relative = as_listed(key.relative());
    assert_findings(&relative, &[(KeyMismatch, Some("Master.wav"))]);
    let message = &finding(&relative, KeyMismatch).message;
    assert!(message.contains("the relative"), "{message}");
    assert!(message.contains("confidence"), "{message}");
    // A tritone away shares almost nothing: a plain mismatch.
    let far = as_listed(Key::new(key.tonic + 6, Mode::Major));
    let message = &finding(&far, KeyMismatch).message;
    assert!(message.contains("the listing says"), "{message}");
    assert_eq!(level_of(&far, KeyMismatch), Level::Warning);
}

/// A snare of filtered noise only (no tonal body): what the lag search has least to hold on
/// to, since noise correlates with itself at one lag and nowhere else, and its envelope is
/// all a coarse look can see.
fn noise_snare(seconds: f32, seed: u64) -> Vec<f32> {
    let rate = RATE as f32;
    let beat = 60.0 / BPM * rate;
    let len = (seconds * rate) as usize;
    let mut out = vec![0.0f32; len];
    let mut noise = super::synth::Noise::new(seed);
    let mut at = beat;
    while (at as usize) < len {
        let start = at as usize;
        let (mut last, mut low) = (0.0f32, 0.0f32);
        for (i, v) in out[start..(start + (0.2 * rate) as usize).min(len)]
            .iter_mut()
            .enumerate()
        {
            let n = noise.next();
            // Band-passed: differenced (no lows), then gently smoothed (no top octave).
            let bright = n - last;
            last = n;
            low += 0.5 * (bright - low);
            *v = 0.5 * low * (-(i as f32) / rate * 18.0).exp();
        }
        at += 2.0 * beat;
    }
    out
}

#[test]
fn a_noise_snare_ten_ms_late_is_a_stem_offset_to_the_sample() {
    // As long as the bar-2 test's: the second try needs snapshots of its own.
    let seconds = 30.0;
    let mut mono = parts(16, BPM, 57, seconds);
    mono[1] = noise_snare(seconds, 99);
    let stems = with_headroom(stereo_stems(&mono));
    let master = sum_of(&stems);
    // 10 ms at 22.05 kHz.
    let late = 221;
    let mut moved = stems.clone();
    moved[1] = shifted(&stems[1], late);
    let report = trackout(&moved, &master).check();
    assert_findings(&report, &[(StemOffset, Some("Snare.wav"))]);
    let snare = finding(&report, StemOffset);
    assert_eq!(snare.level, Level::Error);
    assert!(
        snare.message.contains("221 samples (10 ms) late"),
        "{}",
        snare.message
    );
    let sum = report.sum.as_ref().expect("sum");
    let lag = |path: &str| {
        sum.stems
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.lag_samples)
    };
    assert_eq!(lag("Snare.wav"), Some(late));
    assert_eq!(lag("Kick.wav"), Some(0));
    // In place, the same snare is found at 0 and nothing is said.
    let report = trackout(&stems, &master).check();
    assert_findings(&report, &[]);
}

#[test]
fn in_a_short_trackout_the_late_noise_snare_is_still_a_stem_offset() {
    // 20 s: the second search settles the snare's lag too late for the residual to be
    // measured; the lag itself is still reported, and nothing about the sum.
    let seconds = 20.0;
    let mut mono = parts(17, BPM, 57, seconds);
    mono[1] = noise_snare(seconds, 17);
    let stems = with_headroom(stereo_stems(&mono));
    let master = sum_of(&stems);
    let mut moved = stems.clone();
    moved[1] = shifted(&stems[1], 221);
    let report = trackout(&moved, &master).check();
    assert_findings(&report, &[(StemOffset, Some("Snare.wav"))]);
    assert!(
        finding(&report, StemOffset)
            .message
            .contains("221 samples (10 ms) late"),
        "{:?}",
        report.findings
    );
}
