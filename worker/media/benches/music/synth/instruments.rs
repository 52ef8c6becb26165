//! Instruments with real envelopes: each adds one hit or note into a mono buffer.

use std::f32::consts::TAU;

use super::rng::Rng;

pub const RATE: f32 = 44_100.0;

fn span(out: &[f32], at: usize, seconds: f32) -> std::ops::Range<usize> {
    let len = (seconds * RATE) as usize;
    at.min(out.len())..(at + len).min(out.len())
}

pub fn midi_hz(note: f32) -> f32 {
    440.0 * 2f32.powf((note - 69.0) / 12.0)
}

/// A kick: a sine swept from `top` Hz down to `base`, with a click for the attack.
pub fn kick(out: &mut [f32], at: usize, gain: f32, base: f32, top: f32, decay: f32, click: f32) {
    let mut phase = 0.0f32;
    for i in span(out, at, 6.0 / decay) {
        let t = (i - at) as f32 / RATE;
        phase += TAU * (base + (top - base) * (-t * 35.0).exp()) / RATE;
        let click_env = click * (-t * 400.0).exp();
        out[i] += gain * ((phase.sin() * (-t * decay).exp()) + click_env * (phase * 7.0).sin());
    }
}

/// A snare: a tuned body and bright noise, each with its own decay.
pub fn snare(out: &mut [f32], at: usize, gain: f32, tone_hz: f32, decay: f32, rng: &mut Rng) {
    let mut last = 0.0;
    for i in span(out, at, 5.0 / decay) {
        let t = (i - at) as f32 / RATE;
        let n = rng.noise();
        let bright = n - 0.7 * last;
        last = n;
        let body = (TAU * tone_hz * t).sin() * (-t * decay * 1.8).exp();
        out[i] += gain * (0.55 * bright * (-t * decay).exp() + 0.45 * body);
    }
}

/// A clap: three quick noise bursts, then a tail.
pub fn clap(out: &mut [f32], at: usize, gain: f32, rng: &mut Rng) {
    let mut last = 0.0;
    for i in span(out, at, 0.3) {
        let t = (i - at) as f32 / RATE;
        let burst = [0.0, 0.011, 0.022]
            .iter()
            .map(|&s| {
                if t >= s {
                    (-(t - s) * 180.0).exp()
                } else {
                    0.0
                }
            })
            .sum::<f32>();
        let env = burst + 0.5 * (-t * 18.0).exp() * if t > 0.022 { 1.0 } else { 0.0 };
        let n = rng.noise();
        let band = n - last;
        last = n;
        out[i] += gain * 0.6 * band * env;
    }
}

/// A hat: noise differenced twice (only highs left); `open` rings longer.
pub fn hat(out: &mut [f32], at: usize, gain: f32, open: bool, rng: &mut Rng) {
    let decay = if open { 9.0 } else { 60.0 };
    let (mut a, mut b) = (0.0, 0.0);
    for i in span(out, at, 5.0 / decay) {
        let t = (i - at) as f32 / RATE;
        let n = rng.noise();
        let d1 = n - a;
        let d2 = d1 - b;
        a = n;
        b = d1;
        out[i] += gain * 0.4 * d2 * (-t * decay).exp();
    }
}

/// A shaker or tambourine-like hit: band-passed noise with a soft attack.
pub fn shaker(out: &mut [f32], at: usize, gain: f32, rng: &mut Rng) {
    let mut last = 0.0;
    for i in span(out, at, 0.12) {
        let t = (i - at) as f32 / RATE;
        let n = rng.noise();
        let d = n - last;
        last = n;
        let env = (t * 200.0).min(1.0) * (-t * 40.0).exp();
        out[i] += gain * 0.4 * d * env;
    }
}

/// An 808: a long sine with a little drive, gliding from `from` to `note` when they differ.
pub fn eight_o_eight(out: &mut [f32], at: usize, seconds: f32, note: f32, from: f32, gain: f32) {
    let (f0, f1) = (midi_hz(from), midi_hz(note));
    let mut phase = 0.0f32;
    let len = (seconds * RATE) as usize;
    for i in span(out, at, seconds) {
        let t = (i - at) as f32 / RATE;
        let glide = (t / 0.08).min(1.0);
        let hz = f0 + (f1 - f0) * glide;
        phase += TAU * hz / RATE;
        let release = (((at + len - i) as f32) / (0.02 * RATE)).min(1.0);
        let env = (t * 400.0).min(1.0) * (-t * 1.3).exp() * release;
        out[i] += gain * (2.0 * phase.sin() * env).tanh() * 0.6;
    }
}

/// A synth bass: a sawtooth through a one-pole low-pass that closes after the attack.
pub fn synth_bass(out: &mut [f32], at: usize, seconds: f32, note: f32, gain: f32) {
    let hz = midi_hz(note);
    let mut y = 0.0;
    let len = (seconds * RATE) as usize;
    for i in span(out, at, seconds) {
        let t = (i - at) as f32 / RATE;
        let saw = 2.0 * (hz * t).fract() - 1.0;
        let cutoff = 200.0 + 1500.0 * (-t * 12.0).exp();
        let a = (TAU * cutoff / RATE).min(1.0);
        y += a * (saw - y);
        let release = (((at + len - i) as f32) / (0.01 * RATE)).min(1.0);
        out[i] += gain * y * (t * 300.0).min(1.0) * release;
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Voice {
    /// Electric piano: two-operator FM, a bell-ish attack that mellows.
    Rhodes,
    /// Piano-like: slightly inharmonic partials that decay faster the higher they are.
    Piano,
    /// Pad: detuned saws through a low-pass, slow attack.
    Pad,
    /// Pluck: Karplus–Strong string.
    Pluck,
    /// Bell: FM at a non-integer ratio.
    Bell,
    /// Organ-ish: a few steady sine partials (stabs in house).
    Organ,
    /// Strings: sawtooth with vibrato and a slow swell.
    Strings,
}

/// One note of a voice, `seconds` long with a release.
pub fn note(
    out: &mut [f32],
    at: usize,
    seconds: f32,
    midi: f32,
    gain: f32,
    voice: Voice,
    rng: &mut Rng,
) {
    let hz = midi_hz(midi);
    let len = (seconds * RATE) as usize;
    let tail = match voice {
        Voice::Piano | Voice::Pluck | Voice::Bell => 0.4,
        Voice::Pad | Voice::Strings => 0.3,
        _ => 0.08,
    };
    let total = seconds + tail;
    let range = span(out, at, total);
    let release_at = at + len;
    match voice {
        Voice::Pluck => {
            let period = (RATE / hz).max(2.0) as usize;
            let mut line: Vec<f32> = (0..period).map(|_| rng.noise()).collect();
            let mut idx = 0;
            for i in range {
                let next = (idx + 1) % period;
                let v = 0.5 * (line[idx] + line[next]) * 0.996;
                let out_v = line[idx];
                line[idx] = v;
                idx = next;
                let rel = if i > release_at {
                    (-((i - release_at) as f32) / (0.05 * RATE)).exp()
                } else {
                    1.0
                };
                out[i] += gain * 0.7 * out_v * rel;
            }
        }
        _ => {
            let mut lp = 0.0;
            let detune = [0.0f32, 0.07, -0.06];
            for i in range {
                let t = (i - at) as f32 / RATE;
                let rel = if i > release_at {
                    (-((i - release_at) as f32) / (tail * 0.3 * RATE)).exp()
                } else {
                    1.0
                };
                let v = match voice {
                    Voice::Rhodes => {
                        let index = 1.2 * (-t * 4.0).exp() + 0.2;
                        let m = (TAU * hz * t).sin();
                        (TAU * hz * t + index * m).sin() * (-t * 1.2).exp() * (t * 500.0).min(1.0)
                    }
                    Voice::Piano => {
                        let mut v = 0.0;
                        for h in 1..=8 {
                            let hf = h as f32 * (1.0 + 0.0004 * (h * h) as f32);
                            v += (TAU * hz * hf * t).sin() / (h as f32).powf(1.3)
                                * (-t * (0.8 + 0.6 * h as f32)).exp();
                        }
                        v * (t * 800.0).min(1.0)
                    }
                    Voice::Pad | Voice::Strings => {
                        let vib = if matches!(voice, Voice::Strings) {
                            1.0 + 0.003 * (TAU * 5.5 * t).sin()
                        } else {
                            1.0
                        };
                        let saw: f32 = detune
                            .iter()
                            .map(|d| 2.0 * (hz * vib * (1.0 + d * 0.01) * t).fract() - 1.0)
                            .sum::<f32>()
                            / 3.0;
                        let a = (TAU * 1_800.0 / RATE).min(1.0);
                        lp += a * (saw - lp);
                        let swell = if matches!(voice, Voice::Strings) {
                            0.25
                        } else {
                            0.12
                        };
                        lp * (t / swell).min(1.0)
                    }
                    Voice::Bell => {
                        let m = (TAU * hz * 3.5 * t).sin();
                        (TAU * hz * t + 2.0 * (-t * 3.0).exp() * m).sin() * (-t * 2.5).exp()
                    }
                    Voice::Organ => {
                        ((TAU * hz * t).sin()
                            + 0.5 * (TAU * 2.0 * hz * t).sin()
                            + 0.3 * (TAU * 3.0 * hz * t).sin())
                            * (t * 300.0).min(1.0)
                            * 0.6
                    }
                    Voice::Pluck => 0.0,
                };
                out[i] += gain * v * rel;
            }
        }
    }
}
