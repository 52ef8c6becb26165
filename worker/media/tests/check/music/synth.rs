//! A tiny deterministic synthesiser for the music tests: drums with real envelopes, bass,
//! chords. Mono f32 at any rate; everything is a plain function of its inputs.

use std::f32::consts::TAU;

/// xorshift64*: the same noise on every run.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40;
        v as f32 / (1u64 << 23) as f32 - 1.0
    }
}

pub fn kick(out: &mut [f32], at: usize, rate: f32, gain: f32) {
    let len = (0.35 * rate) as usize;
    let mut phase = 0.0f32;
    for i in 0..len.min(out.len().saturating_sub(at)) {
        let t = i as f32 / rate;
        let hz = 50.0 + 110.0 * (-t * 30.0).exp();
        phase += TAU * hz / rate;
        out[at + i] += gain * phase.sin() * (-t * 9.0).exp();
    }
}

pub fn snare(out: &mut [f32], at: usize, rate: f32, gain: f32, noise: &mut Noise) {
    let len = (0.25 * rate) as usize;
    let mut last = 0.0;
    for i in 0..len.min(out.len().saturating_sub(at)) {
        let t = i as f32 / rate;
        let n = noise.next();
        let bright = n - last; // first difference: a brighter noise
        last = n;
        let tone = (TAU * 185.0 * t).sin() * (-t * 25.0).exp();
        out[at + i] += gain * (0.6 * bright * (-t * 14.0).exp() + 0.5 * tone);
    }
}

/// A closed hat: noise differenced twice (highs only), 40 ms decay.
pub fn hat(out: &mut [f32], at: usize, rate: f32, gain: f32, noise: &mut Noise) {
    let len = (0.06 * rate) as usize;
    let (mut a, mut b) = (0.0, 0.0);
    for i in 0..len.min(out.len().saturating_sub(at)) {
        let t = i as f32 / rate;
        let n = noise.next();
        let d1 = n - a;
        let d2 = d1 - b;
        a = n;
        b = d1;
        out[at + i] += gain * 0.5 * d2 * (-t * 70.0).exp();
    }
}

/// A note of a few harmonics with a soft attack and release, added at `at` for `len`.
pub fn tone(
    out: &mut [f32],
    at: usize,
    len: usize,
    hz: f32,
    rate: f32,
    gain: f32,
    harmonics: usize,
) {
    let attack = (0.01 * rate) as usize;
    let release = (0.05 * rate) as usize;
    for i in 0..len.min(out.len().saturating_sub(at)) {
        let t = i as f32 / rate;
        let env = (i as f32 / attack as f32).min(1.0)
            * ((len - i) as f32 / release as f32).min(1.0)
            * (-t * 0.8).exp();
        let mut v = 0.0;
        for h in 1..=harmonics {
            v += (TAU * hz * h as f32 * t).sin() / h as f32;
        }
        out[at + i] += gain * env * v;
    }
}

pub fn midi_hz(note: i32) -> f32 {
    440.0 * 2f32.powf((note - 69) as f32 / 12.0)
}

/// Drum pattern per bar of sixteen steps.
#[derive(Clone, Copy)]
pub enum Feel {
    /// Kick on 1 and 3, snare on 2 and 4, eighth-note hats.
    Straight,
    /// Trap: kick on 1 and the "and" of 2, snare on 3 only, eighth hats with a roll.
    HalfTime,
}

/// A drum loop: `bars` bars of 4/4 at `bpm`, `swing` 0.5 (straight) to ~0.67 (triplet)
/// for the off-beat eighths. Returns (kick, snare, hats) as separate mono stems.
pub fn drums(rate: f32, bpm: f32, bars: usize, feel: Feel, swing: f32, seed: u64) -> [Vec<f32>; 3] {
    let beat = 60.0 / bpm * rate;
    let len = (bars as f32 * 4.0 * beat) as usize + (0.5 * rate) as usize;
    let mut noise = Noise::new(seed);
    let (mut k, mut s, mut h) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    for bar in 0..bars {
        let bar_start = bar as f32 * 4.0 * beat;
        for eighth in 0..8 {
            let beat_pos = (eighth / 2) as f32 + if eighth % 2 == 1 { swing } else { 0.0 };
            let at = (bar_start + beat_pos * beat) as usize;
            let accent = if eighth % 2 == 0 { 0.35 } else { 0.22 };
            hat(&mut h, at, rate, accent, &mut noise);
        }
        match feel {
            Feel::Straight => {
                for b in [0.0, 2.0, 2.5] {
                    kick(&mut k, (bar_start + b * beat) as usize, rate, 0.8);
                }
                for b in [1.0, 3.0] {
                    snare(
                        &mut s,
                        (bar_start + b * beat) as usize,
                        rate,
                        0.5,
                        &mut noise,
                    );
                }
            }
            Feel::HalfTime => {
                for b in [0.0, 1.5, 3.25] {
                    kick(&mut k, (bar_start + b * beat) as usize, rate, 0.8);
                }
                snare(
                    &mut s,
                    (bar_start + 2.0 * beat) as usize,
                    rate,
                    0.55,
                    &mut noise,
                );
                // A hat roll in sixteenths at the end of every other bar.
                if bar % 2 == 1 {
                    for step in 0..4 {
                        let at = (bar_start + (3.0 + step as f32 * 0.25) * beat) as usize;
                        hat(&mut h, at, rate, 0.18, &mut noise);
                    }
                }
            }
        }
    }
    [k, s, h]
}

/// A chord progression, one chord a bar, with the bass on the root. `chords` are MIDI
/// root notes and whether each chord is minor. Returns (chords, bass).
pub fn progression(rate: f32, bpm: f32, chords: &[(i32, bool)], repeats: usize) -> [Vec<f32>; 2] {
    let bar = (4.0 * 60.0 / bpm * rate) as usize;
    let len = bar * chords.len() * repeats + (0.5 * rate) as usize;
    let (mut keys, mut bass) = (vec![0.0; len], vec![0.0; len]);
    for r in 0..repeats {
        for (i, &(root, minor)) in chords.iter().enumerate() {
            let at = (r * chords.len() + i) * bar;
            let third = if minor { 3 } else { 4 };
            for n in [root, root + third, root + 7] {
                tone(&mut keys, at, bar, midi_hz(n), rate, 0.12, 5);
            }
            tone(&mut bass, at, bar / 2, midi_hz(root - 24), rate, 0.3, 2);
            tone(
                &mut bass,
                at + bar / 2,
                bar / 2,
                midi_hz(root - 24),
                rate,
                0.25,
                2,
            );
        }
    }
    [keys, bass]
}

/// Adds `src` into `dst` at `gain`, as long as the shorter of the two.
pub fn mix_into(dst: &mut [f32], src: &[f32], gain: f32) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += gain * s;
    }
}
