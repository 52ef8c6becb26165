use trackout_media::music::{
    Band, LengthVerdict, LikelyPart, SumAnalyzer, SumReport, SumVerdict, compare_lengths,
};

use super::synth::{Feel, drums, midi_hz, mix_into, progression, tone};

pub(crate) const RATE: u32 = 22_050;
pub(crate) const BPM: f32 = 140.0;

/// The parts of a beat as mono stems: kick, snare, hats, keys, bass. Chords change every
/// bar so that a stem one bar off does not line up.
pub(crate) fn parts(seed: u64, bpm: f32, tonic: i32, seconds: f32) -> Vec<Vec<f32>> {
    let bars = (seconds * bpm / 240.0).ceil() as usize;
    let [k, s, h] = drums(RATE as f32, bpm, bars, Feel::Straight, 0.5, seed);
    let chords = [
        (tonic, true),
        (tonic + 8, false),
        (tonic + 3, false),
        (tonic + 10, false),
    ];
    let [keys, bass] = progression(RATE as f32, bpm, &chords, bars.div_ceil(4));
    let len = (seconds * RATE as f32) as usize;
    [k, s, h, keys, bass]
        .into_iter()
        .map(|mut v| {
            v.resize(len, 0.0);
            v
        })
        .collect()
}

/// A mono part placed in stereo (constant-power pan, -1 left … 1 right).
pub(crate) fn stereo(mono: &[f32], pan: f32) -> Vec<f32> {
    let a = (pan + 1.0) * std::f32::consts::FRAC_PI_4;
    let (l, r) = (a.cos(), a.sin());
    mono.iter().flat_map(|&x| [x * l, x * r]).collect()
}

const PANS: [f32; 5] = [0.0, 0.1, -0.4, 0.3, 0.0];

pub(crate) fn stereo_stems(parts: &[Vec<f32>]) -> Vec<Vec<f32>> {
    parts
        .iter()
        .zip(PANS)
        .map(|(p, pan)| stereo(p, pan))
        .collect()
}

pub(crate) fn sum_of(stems: &[Vec<f32>]) -> Vec<f32> {
    let mut out = vec![0.0; stems.iter().map(Vec::len).max().unwrap_or(0)];
    for s in stems {
        mix_into(&mut out, s, 1.0);
    }
    out
}

/// Streams master and stems in lockstep, 4096 frames a block, as the check will.
fn analyse(master: &[f32], master_channels: u16, stems: &[(Vec<f32>, u16)]) -> SumReport {
    let channels: Vec<u16> = stems.iter().map(|s| s.1).collect();
    let mut a = SumAnalyzer::new(RATE, master_channels, &channels);
    let frames = (master.len() / usize::from(master_channels)).max(
        stems
            .iter()
            .map(|(s, c)| s.len() / usize::from(*c))
            .max()
            .unwrap_or(0),
    );
    let block = 4096;
    let cut = |v: &'_ [f32], c: u16, f: usize| -> std::ops::Range<usize> {
        let c = usize::from(c);
        (f * c).min(v.len())..((f + block) * c).min(v.len())
    };
    for f in (0..frames).step_by(block) {
        let views: Vec<&[f32]> = stems.iter().map(|(s, c)| &s[cut(s, *c, f)]).collect();
        a.add(&master[cut(master, master_channels, f)], &views);
    }
    a.finish()
}

fn with_channels(stems: Vec<Vec<f32>>, c: u16) -> Vec<(Vec<f32>, u16)> {
    stems.into_iter().map(|s| (s, c)).collect()
}

#[test]
fn an_exact_sum_sums() {
    let stems = stereo_stems(&parts(1, BPM, 57, 20.0));
    let master = sum_of(&stems);
    let r = analyse(&master, 2, &with_channels(stems, 2));
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
    assert!(r.residual_db < -60.0, "{}", r.residual_db);
    assert!(r.correlation > 0.999);
    for (i, s) in r.stems.iter().enumerate() {
        assert_eq!(s.lag_samples, 0, "stem {i}: {s:?}");
        assert!(
            s.lag_exact && !s.polarity_inverted && s.plays,
            "stem {i}: {s:?}"
        );
        assert!(s.correlation > 0.0);
    }
    // One run in four is measured, from the start: the lag-0 guess held, so nothing
    // measured before the lags were known was thrown away.
    assert!(
        r.measured_frames as f64 > 0.24 * 20.0 * f64::from(RATE),
        "{}",
        r.measured_frames
    );
}

/// Delays a stereo stem by `lag` frames (negative: starts `-lag` frames into it, as a stem
/// exported from a later bar), keeping its length.
pub(crate) fn shifted(stem: &[f32], lag: i64) -> Vec<f32> {
    let frames = stem.len() / 2;
    (0..frames)
        .flat_map(|f| {
            let src = f as i64 - lag;
            if (0..frames as i64).contains(&src) {
                [stem[2 * src as usize], stem[2 * src as usize + 1]]
            } else {
                [0.0, 0.0]
            }
        })
        .collect()
}

#[test]
fn a_stem_37_samples_late_and_one_a_bar_early_are_found_to_the_sample() {
    let stems = stereo_stems(&parts(2, BPM, 57, 30.0));
    let master = sum_of(&stems);
    let bar = (4.0 * 60.0 / BPM * RATE as f32).round() as i64;
    let mut given = stems.clone();
    given[4] = shifted(&stems[4], 37); // the bass, 37 samples late
    given[2] = shifted(&stems[2], 37); // the hats, too
    given[3] = shifted(&stems[3], -bar); // the keys, exported from bar 2
    let r = analyse(&master, 2, &with_channels(given, 2));
    assert_eq!(r.stems[4].lag_samples, 37, "{:#?}", r.stems[4]);
    assert_eq!(r.stems[2].lag_samples, 37, "{:#?}", r.stems[2]);
    assert_eq!(r.stems[3].lag_samples, -bar, "{:#?}", r.stems[3]);
    for i in [0, 1] {
        assert_eq!(r.stems[i].lag_samples, 0, "{:#?}", r.stems[i]);
    }
    assert!(r.stems.iter().all(|s| s.lag_exact && !s.polarity_inverted));
    // Once aligned, they sum (the keys' missing first bar is outside what is measured).
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
}

#[test]
fn an_inverted_stem_is_found_and_the_rest_still_sums() {
    let stems = stereo_stems(&parts(3, BPM, 52, 20.0));
    let master = sum_of(&stems);
    let mut given = stems.clone();
    given[1].iter_mut().for_each(|v| *v = -*v);
    let r = analyse(&master, 2, &with_channels(given, 2));
    assert!(r.stems[1].polarity_inverted, "{:#?}", r.stems[1]);
    assert!(r.stems[1].correlation < 0.0);
    assert!(
        r.stems
            .iter()
            .enumerate()
            .all(|(i, s)| i == 1 || !s.polarity_inverted)
    );
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
}

#[test]
fn a_soft_clipped_or_limited_master_is_bus_processing() {
    let stems = stereo_stems(&parts(4, BPM, 57, 20.0));
    let sum = sum_of(&stems);
    let peak = sum.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    // A clipper driven 6 dB into its curve.
    let drive = 2.0 / peak;
    let clipped: Vec<f32> = sum.iter().map(|v| (v * drive).tanh() / drive).collect();
    let r = analyse(&clipped, 2, &with_channels(stems.clone(), 2));
    assert!(
        matches!(r.verdict, SumVerdict::MasterBusProcessing { .. }),
        "clipper: {r:#?}"
    );
    assert!(r.residual_db > -40.0 && r.bus_model_residual_db < r.residual_db - 6.0);

    // A peak limiter: instant attack, 80 ms release, 6 dB under the peak.
    let limited = limit(&sum, peak / 2.0);
    let r = analyse(&limited, 2, &with_channels(stems, 2));
    match r.verdict {
        SumVerdict::MasterBusProcessing {
            gain_reduction_db,
            level_dependent,
        } => assert!(level_dependent && gain_reduction_db > 1.0, "{r:#?}"),
        _ => panic!("limiter: {r:#?}"),
    }
}

/// A stereo peak limiter: instant attack, 80 ms release, gain down to `threshold`.
pub(crate) fn limit(sum: &[f32], threshold: f32) -> Vec<f32> {
    let release = (-1.0 / (0.08 * RATE as f32)).exp();
    let mut env = 0.0f32;
    sum.chunks_exact(2)
        .flat_map(|f| {
            let level = f[0].abs().max(f[1].abs());
            env = if level > env {
                level
            } else {
                env * release + level * (1.0 - release)
            };
            let g = if env > threshold {
                threshold / env
            } else {
                1.0
            };
            [f[0] * g, f[1] * g]
        })
        .collect()
}

#[test]
fn a_missing_hats_stem_names_the_high_band() {
    let stems = stereo_stems(&parts(5, BPM, 57, 20.0));
    let master = sum_of(&stems);
    let without_hats: Vec<Vec<f32>> = stems
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, s)| s)
        .collect();
    let r = analyse(&master, 2, &with_channels(without_hats, 2));
    assert_eq!(
        r.verdict,
        SumVerdict::DoesNotSum {
            likely_role_missing_or_doubled: Some(LikelyPart::Band(Band::Air))
        },
        "{r:#?}"
    );
    assert!(
        r.residual_db > -40.0 && r.residual_db < -3.0,
        "{}",
        r.residual_db
    );
}

#[test]
fn a_stem_missing_from_the_master_is_named() {
    let mut stems = stereo_stems(&parts(6, BPM, 57, 20.0));
    let master = sum_of(&stems);
    // A lead line the producer left out of the master's mix but exported anyway.
    let mut lead = vec![0.0; stems[0].len() / 2];
    let step = (60.0 / BPM * RATE as f32) as usize;
    for (n, at) in (0..lead.len()).step_by(step).enumerate() {
        let note = [69, 72, 76, 74, 72, 71][n % 6];
        tone(&mut lead, at, step, midi_hz(note), RATE as f32, 0.15, 3);
    }
    stems.push(stereo(&lead, 0.2));
    let r = analyse(&master, 2, &with_channels(stems, 2));
    match r.verdict {
        SumVerdict::DoesNotSum {
            likely_role_missing_or_doubled:
                Some(LikelyPart::Stem {
                    index: 5,
                    level_in_master_db,
                }),
        } => assert!(level_in_master_db < -20.0, "{r:#?}"),
        _ => panic!("{r:#?}"),
    }
}

#[test]
fn another_beats_master_is_a_mismatch() {
    let stems = stereo_stems(&parts(7, BPM, 57, 20.0));
    let other = sum_of(&stereo_stems(&parts(8, 96.0, 50, 20.0)));
    let r = analyse(&other, 2, &with_channels(stems, 2));
    assert_eq!(r.verdict, SumVerdict::MasterMismatch, "{r:#?}");
    assert!(r.correlation < 0.5);
}

#[test]
fn mono_stems_beside_a_stereo_master() {
    let mono = parts(9, BPM, 57, 20.0);
    // A mono file on a stereo bus plays at unity in both channels.
    let master: Vec<f32> = sum_of(&mono).iter().flat_map(|&x| [x, x]).collect();
    let r = analyse(&master, 2, &with_channels(mono, 1));
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
    assert!(r.stems.iter().all(|s| s.lag_samples == 0));
}

#[test]
fn stems_that_end_early_are_measured_over_the_overlap() {
    let stems = stereo_stems(&parts(10, BPM, 57, 20.0));
    let master = sum_of(&stems);
    let short: Vec<Vec<f32>> = stems
        .iter()
        .map(|s| s[..s.len() - 2 * 3 * RATE as usize].to_vec())
        .collect();
    let r = analyse(&master, 2, &with_channels(short, 2));
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
    let stem_frames = r.stem_frames[0];
    assert_eq!(r.master_frames - stem_frames, 3 * u64::from(RATE));
    assert!(r.measured_frames <= stem_frames);
    assert_eq!(
        compare_lengths(r.master_frames, stem_frames, RATE, 2.0),
        LengthVerdict::StemsEndEarly {
            frames: 3 * u64::from(RATE)
        }
    );
    assert_eq!(
        compare_lengths(100, 100 + 5, RATE, 2.0),
        LengthVerdict::MasterShorter { frames: 5 }
    );
    assert_eq!(
        compare_lengths(100 + RATE as u64, 100, RATE, 2.0),
        LengthVerdict::Fits
    );
}

#[test]
fn odd_inputs_do_not_panic() {
    // No stems, empty blocks, a silent master, mismatched channel counts.
    let mut a = SumAnalyzer::new(RATE, 2, &[]);
    a.add(&[0.0; 100], &[]);
    assert_eq!(a.finish().verdict, SumVerdict::NotMeasured);
    let mut a = SumAnalyzer::new(0, 0, &[1, 6, 0]);
    a.add(&[0.5; 999], &[&[0.1; 10], &[], &[0.2; 7]]);
    a.add(&[], &[]);
    let _ = a.finish();
    let mut a = SumAnalyzer::new(RATE, 1, &[2]);
    let stem: Vec<f32> = (0..RATE as usize * 8)
        .map(|i| ((i % 100) as f32 / 100.0) - 0.5)
        .collect();
    let master: Vec<f32> = stem.chunks_exact(2).map(|f| (f[0] + f[1]) / 2.0).collect();
    for (m, s) in master.chunks(1000).zip(stem.chunks(2000)) {
        a.add(m, &[s]);
    }
    let r = a.finish();
    assert_eq!(r.verdict, SumVerdict::Sums, "{r:#?}");
}
