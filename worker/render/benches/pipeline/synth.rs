//! A deterministic 140 BPM beat in twelve stems, shaped like a real trackout: transient
//! drums, a saturated 808, tonal parts rich in harmonics, noise-based hats and a mostly
//! silent FX stem. What matters for the benchmark is that LAME, the hashes and the meters
//! see realistic material, not silence or a pure tone.

use std::f32::consts::TAU;

use trackout_audio::wav::{SampleFormat, canonical_header};

pub const RATE: u32 = 44_100;
const BPM: f32 = 140.0;

pub const STEMS: [&str; 12] = [
    "Kick",
    "808",
    "Snare",
    "Hi Hat",
    "Open Hat",
    "Shaker",
    "Piano Chords",
    "Pad",
    "Lead Synth",
    "Bells",
    "Vox Chops",
    "FX Riser",
];

const CHORDS: [[f32; 3]; 4] = [
    [220.0, 261.6, 329.6],
    [174.6, 220.0, 261.6],
    [196.0, 246.9, 293.7],
    [164.8, 207.7, 246.9],
];
const MELODY: [f32; 8] = [440.0, 523.3, 587.3, 659.3, 587.3, 523.3, 493.9, 392.0];

pub struct Voice {
    kind: usize,
    seed: u32,
    phase: [f32; 3],
    lowpass: f32,
    frames: u64,
}

impl Voice {
    pub fn new(kind: usize, frames: u64) -> Self {
        Voice {
            kind,
            seed: 0x2545_F491 ^ (kind as u32 + 1).wrapping_mul(2_654_435_761),
            phase: [0.0; 3],
            lowpass: 0.0,
            frames,
        }
    }

    fn noise(&mut self) -> f32 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 17;
        self.seed ^= self.seed << 5;
        (self.seed as f32 / u32::MAX as f32) * 2.0 - 1.0
    }

    fn osc(&mut self, i: usize, freq: f32) -> f32 {
        self.phase[i] = (self.phase[i] + freq / RATE as f32).fract();
        (self.phase[i] * TAU).sin()
    }

    /// Frame `n`: (left, right), within ±1.
    pub fn frame(&mut self, n: u64) -> (f32, f32) {
        let t = n as f32 / RATE as f32;
        let beat_len = 60.0 / BPM;
        let beat = t / beat_len;
        let since_beat = beat.fract() * beat_len;
        let since_16th = (beat * 4.0).fract() * beat_len / 4.0;
        let bar = (beat / 4.0) as usize;
        let mono = match self.kind {
            0 => {
                let f = 48.0 + 110.0 * (-since_beat * 35.0).exp();
                self.osc(0, f) * (-since_beat * 7.0).exp() * 0.9
            }
            1 => {
                let root = [43.65, 38.89, 49.0, 41.2][bar % 4];
                let x = self.osc(0, root) * (-(beat % 2.0) * beat_len * 1.2).exp();
                (x * 2.5).tanh() * 0.7
            }
            2 => {
                let on = (beat as usize) % 2 == 1;
                let body = self.osc(0, 185.0) * 0.3;
                let n = self.noise();
                if on {
                    (n * 0.55 + body) * (-since_beat * 16.0).exp()
                } else {
                    0.0
                }
            }
            3..=5 => {
                let x = self.noise();
                let high = x - self.lowpass;
                self.lowpass += (x - self.lowpass) * 0.25;
                match self.kind {
                    3 => high * (-since_16th * 70.0).exp() * 0.35,
                    4 => high * (-((beat + 0.5).fract() * beat_len) * 8.0).exp() * 0.25,
                    _ => x * (-since_16th * 40.0).exp() * 0.18,
                }
            }
            6 => {
                let chord = CHORDS[bar % 4];
                let decay = (-(beat % 4.0) * beat_len * 0.7).exp();
                let mut s = 0.0;
                for (i, f) in chord.iter().enumerate() {
                    let p = self.osc(i, *f);
                    s += p + 0.3 * p * p * p;
                }
                s * decay * 0.16
            }
            7 => {
                let chord = CHORDS[bar % 4];
                let mut s = 0.0;
                for (i, f) in chord.iter().enumerate() {
                    self.phase[i] = (self.phase[i] + f * 1.004 / RATE as f32).fract();
                    s += self.phase[i] * 2.0 - 1.0;
                }
                self.lowpass += (s - self.lowpass) * 0.06;
                self.lowpass * 0.14
            }
            8 => {
                let p = self.osc(0, MELODY[(beat * 2.0) as usize % 8]);
                (p + p.signum() * 0.25) * 0.18
            }
            9 => {
                let f = MELODY[(beat / 2.0) as usize % 8] * 2.0;
                let d = (-(beat % 2.0) * beat_len * 3.0).exp();
                (self.osc(0, f) + 0.4 * self.osc(1, f * 2.76)) * d * 0.22
            }
            10 => {
                let gate = if ((beat * 2.0) as usize).is_multiple_of(3) {
                    1.0
                } else {
                    0.0
                };
                let x = self.noise();
                self.lowpass += (x - self.lowpass) * 0.1;
                self.lowpass * self.osc(0, 290.0) * gate * 1.4
            }
            _ => {
                let left = (self.frames - n) as f32 / RATE as f32;
                if left > 8.0 {
                    0.0
                } else {
                    self.noise() * (1.0 - left / 8.0) * 0.3
                }
            }
        };
        let pan = (self.kind as f32 / 11.0 - 0.5) * 0.6;
        (mono * (1.0 - pan).min(1.0), mono * (1.0 + pan).min(1.0))
    }
}

/// 24-bit little-endian PCM of a sample in ±1.
pub fn put_24(out: &mut Vec<u8>, x: f32) {
    let v = (x.clamp(-1.0, 1.0) * 8_388_607.0).round() as i32;
    out.extend_from_slice(&v.to_le_bytes()[..3]);
}

/// A canonical 44-byte header for 24-bit stereo PCM (the foundation's writer).
pub fn wav_header(frames: u64) -> Vec<u8> {
    canonical_header(SampleFormat::Int, 2, RATE, 24, (frames * 6) as u32)
}
