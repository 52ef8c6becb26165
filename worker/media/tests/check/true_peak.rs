//! True peak against a reference computed here, independently: 8x oversampling by direct
//! band-limited (windowed-sinc) interpolation with a long Blackman-windowed kernel, on a bright,
//! limited master full of inter-sample peaks.

use std::f64::consts::{PI, TAU};
use std::io::Cursor;

use trackout_media::NoProgress;
use trackout_media::analysis::{ScanOptions, analyse_master};

use crate::fixtures::Wav;

const RATE: u32 = 44_100;
const FRAMES: usize = 22_050;
/// Input samples on each side of an interpolated point.
const HALF_SPAN: i64 = 256;

/// A bright, loud master as a sample-peak limiter leaves it: detuned saws with harmonics up to
/// 19.5 kHz, hats made of 80 partials between 6 and 19.5 kHz, a kick, all driven 6 dB into a
/// look-ahead limiter that holds every *sample* under 0.95. The waveform between samples is
/// not held: its true peak lands well over the sample peak. Stereo, deterministic.
fn bright_limited_master() -> Vec<f64> {
    let mut seed = 0x2545_F491u32;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        f64::from(seed) / f64::from(u32::MAX)
    };
    let partials: Vec<(f64, f64)> = (0..80)
        .map(|_| (6_000.0 + random() * 13_500.0, random() * TAU))
        .collect();
    let channel = |detune: f64| -> Vec<f64> {
        let driven: Vec<f64> = (0..FRAMES)
            .map(|n| {
                let t = n as f64 / f64::from(RATE);
                let saw: f64 = [440.0, 441.7, 659.3]
                    .iter()
                    .map(|f0| f0 * detune)
                    .map(|f0| {
                        (1..)
                            .take_while(|k| f64::from(*k) * f0 < 19_500.0)
                            .map(|k| (TAU * f0 * f64::from(k) * t).sin() / f64::from(k))
                            .sum::<f64>()
                    })
                    .sum::<f64>()
                    * 0.3;
                let hats = partials
                    .iter()
                    .map(|(f, p)| (TAU * f * t + p).sin())
                    .sum::<f64>()
                    / 80f64.sqrt()
                    * (-(t * 8.0).fract() * 30.0).exp();
                let beat = (t * 2.0).fract();
                let kick = (TAU * 55.0 * beat).sin() * (-beat * 8.0).exp();
                (saw + hats * 0.8 + kick) * 2.0
            })
            .collect();
        limit(&driven, 0.95)
    };
    let (left, right) = (channel(1.0), channel(1.003));
    left.iter()
        .zip(&right)
        .flat_map(|(l, r)| [*l, *r])
        .collect()
}

/// Look-ahead (1.5 ms) sample-peak limiter with a 50 ms release, faded in and out.
fn limit(x: &[f64], ceiling: f64) -> Vec<f64> {
    let look = 66;
    let release = (-1.0 / (0.05 * f64::from(RATE))).exp();
    let mut gain = 1.0f64;
    (0..x.len())
        .map(|n| {
            let peak = x[n.saturating_sub(look)..(n + look).min(x.len())]
                .iter()
                .fold(0.0f64, |a, v| a.max(v.abs()));
            let target = if peak > ceiling { ceiling / peak } else { 1.0 };
            gain = if target < gain {
                target
            } else {
                target + (gain - target) * release
            };
            let fade = (n.min(x.len() - 1 - n) as f64 / 2_000.0).min(1.0);
            x[n] * gain * fade
        })
        .collect()
}

fn blackman(x: f64, half: f64) -> f64 {
    let r = (x + half) / (2.0 * half);
    if !(0.0..=1.0).contains(&r) {
        return 0.0;
    }
    0.42 - 0.5 * (TAU * r).cos() + 0.08 * (2.0 * TAU * r).cos()
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 {
        1.0
    } else {
        (PI * x).sin() / (PI * x)
    }
}

/// The largest |x(t)| over t = n + k/8, reconstructing x(t) from its samples.
fn reference_true_peak(channel: &[f64]) -> f64 {
    let half = HALF_SPAN as f64 + 1.0;
    // weights[k][j]: the weight of sample m = n + j - HALF_SPAN + 1 at t = n + k/8.
    let weights: Vec<Vec<f64>> = (0..8)
        .map(|k| {
            (0..2 * HALF_SPAN)
                .map(|j| {
                    let d = k as f64 / 8.0 - (j - HALF_SPAN + 1) as f64;
                    sinc(d) * blackman(d, half)
                })
                .collect()
        })
        .collect();
    let mut peak: f64 = 0.0;
    for n in 0..channel.len() as i64 {
        for w in &weights {
            let mut y = 0.0;
            for (j, weight) in w.iter().enumerate() {
                let m = n + j as i64 - HALF_SPAN + 1;
                if m >= 0 && (m as usize) < channel.len() {
                    y += channel[m as usize] * weight;
                }
            }
            peak = peak.max(y.abs());
        }
    }
    peak
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

#[test]
fn true_peak_is_within_a_fifth_of_a_db_of_an_8x_reference() {
    let master = bright_limited_master();
    let left: Vec<f64> = master
        .iter()
        .step_by(2)
        .map(|&x| f64::from(x as f32))
        .collect();
    let right: Vec<f64> = master
        .iter()
        .skip(1)
        .step_by(2)
        .map(|&x| f64::from(x as f32))
        .collect();
    let reference = reference_true_peak(&left).max(reference_true_peak(&right));
    let sample_peak = left
        .iter()
        .chain(&right)
        .map(|x| x.abs())
        .fold(0.0, f64::max);

    let bytes = Wav::float(32, 2, RATE, master).bytes();
    let options = ScanOptions {
        max_seconds: 60,
        stream_len: None,
    };
    let measured = analyse_master(Cursor::new(bytes), &options, &NoProgress).expect("analyses");

    let (ours, reference, sample) = (db(measured.true_peak), db(reference), db(sample_peak));
    assert!(
        reference - sample > 1.0,
        "the test signal must have real inter-sample peaks: {reference:.2} vs {sample:.2}"
    );
    assert!(
        (ours - reference).abs() <= 0.2,
        "true peak {ours:.3} dBTP, reference {reference:.3} dBTP"
    );
    assert!((db(measured.levels.peak) - sample).abs() < 1e-3);
}

#[test]
fn loudness_of_a_reference_tone_matches_bs1770() {
    // A 997 Hz sine at −20 dBFS in both channels of a stereo file reads −20.0 LUFS (K-weighting
    // gains +0.69 dB at 1 kHz, the −0.691 constant takes it back).
    let frames = 5 * 48_000;
    let tone: Vec<f64> = (0..frames)
        .flat_map(|n| {
            let x = 0.1 * (TAU * 997.0 * n as f64 / 48_000.0).sin();
            [x, x]
        })
        .collect();
    let bytes = Wav::float(32, 2, 48_000, tone).bytes();
    let options = ScanOptions {
        max_seconds: 60,
        stream_len: None,
    };
    let m = analyse_master(Cursor::new(bytes), &options, &NoProgress).expect("analyses");
    assert!(
        (m.integrated_lufs + 20.0).abs() < 0.1,
        "{}",
        m.integrated_lufs
    );
    assert!(
        m.loudness_range_lu < 0.5,
        "a steady tone has no loudness range: {}",
        m.loudness_range_lu
    );
    assert!((db(m.true_peak) + 20.0).abs() < 0.05);
}

#[test]
fn loudness_of_a_dynamic_master_matches_libebur128() {
    // Loud and quiet sections of 6 s (the range), noise over a tone, 30 s at 44.1 kHz.
    let mut seed = 0x1234_5678u32;
    let samples: Vec<f64> = (0..30 * RATE as usize)
        .flat_map(|n| {
            let t = n as f64 / f64::from(RATE);
            let level = if (t as usize) % 12 < 6 { 0.5 } else { 0.06 };
            let mut sample = |c: f64| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let noise = f64::from(seed) / f64::from(u32::MAX) * 2.0 - 1.0;
                level * (0.6 * noise + 0.4 * (TAU * 440.0 * c * t).sin())
            };
            [sample(1.0), sample(2.0)]
        })
        .collect();
    let bytes = Wav::float(32, 2, RATE, samples.clone()).bytes();
    let options = ScanOptions {
        max_seconds: 60,
        stream_len: None,
    };
    let m = analyse_master(Cursor::new(bytes), &options, &NoProgress).expect("analyses");
    let mut reference =
        ebur128::EbuR128::new(2, RATE, ebur128::Mode::I | ebur128::Mode::LRA).expect("meter");
    let as_f32: Vec<f32> = samples.iter().map(|&x| x as f32).collect();
    reference.add_frames_f32(&as_f32).expect("adds");
    let (i, lra) = (
        reference.loudness_global().expect("I"),
        reference.loudness_range().expect("LRA"),
    );
    assert!(lra > 5.0, "the test master must have a range: {lra}");
    assert!(
        (m.integrated_lufs - i).abs() < 0.05,
        "{} LUFS vs libebur128's {i}",
        m.integrated_lufs
    );
    assert!(
        (m.loudness_range_lu - lra).abs() < 0.05,
        "LRA {} vs libebur128's {lra}",
        m.loudness_range_lu
    );
}
