//! A deterministic beat: twelve stems with the shapes a real trackout has (transient drums,
//! tonal parts, a mostly silent FX stem) and a bright, limited master summed from them.

use std::f32::consts::TAU;

use trackout_media::wav::{SampleFormat, canonical_header};

pub const RATE: u32 = 44_100;
const BPM: f32 = 140.0;

pub const STEMS: [&str; 12] = [
    "Kick",
    "808",
    "Snare",
    "Hi Hat",
    "Open Hat",
    "Perc Shaker",
    "Piano Chords",
    "Pad",
    "Lead Synth",
    "Bells",
    "Vox Chops",
    "FX Riser",
];

/// Deterministic white noise (xorshift), in −1..1.
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

/// One stem's generator, stereo frames in ±1.
pub struct Voice {
    kind: usize,
    noise: Noise,
    phase: [f32; 4],
    lp: f32,
    total_frames: u64,
}

const CHORDS: [[f32; 4]; 4] = [
    [220.0, 261.63, 329.63, 392.0],
    [174.61, 220.0, 261.63, 329.63],
    [196.0, 246.94, 293.66, 392.0],
    [164.81, 207.65, 246.94, 329.63],
];
const MELODY: [f32; 8] = [440.0, 523.25, 587.33, 659.25, 587.33, 523.25, 493.88, 392.0];

impl Voice {
    pub fn new(kind: usize, total_frames: u64) -> Self {
        Voice {
            kind,
            noise: Noise(0x9E37_79B9 ^ ((kind as u32 + 1) * 7919)),
            phase: [0.0; 4],
            lp: 0.0,
            total_frames,
        }
    }

    /// Frame `n` of the stem: (left, right).
    pub fn frame(&mut self, n: u64) -> (f32, f32) {
        let t = n as f32 / RATE as f32;
        let beat_len = 60.0 / BPM;
        let beat = t / beat_len;
        let in_beat = beat.fract() * beat_len; // seconds since the last beat
        let bar = (beat / 4.0) as usize;
        let step16 = (beat * 4.0).fract() * beat_len / 4.0; // seconds since the last 16th
        let dt = 1.0 / RATE as f32;
        let mono = match self.kind {
            0 => {
                // Kick: a pitch-swept sine, 4 on the floor.
                let f = 50.0 + 120.0 * (-in_beat * 30.0).exp();
                self.phase[0] = (self.phase[0] + f * dt).fract();
                (self.phase[0] * TAU).sin() * (-in_beat * 6.0).exp() * 0.9
            }
            1 => {
                // 808: a long sine, softly saturated.
                let root = [43.65, 38.89, 49.0, 41.2][bar % 4];
                self.phase[0] = (self.phase[0] + root * dt).fract();
                let x = (self.phase[0] * TAU).sin() * (-(beat % 2.0) * beat_len * 1.5).exp();
                (x * 2.0).tanh() * 0.7
            }
            2 => {
                // Snare on 2 and 4: noise plus a 190 Hz body.
                let on = (beat as usize) % 2 == 1;
                self.phase[0] = (self.phase[0] + 190.0 * dt).fract();
                let body = (self.phase[0] * TAU).sin() * 0.3;
                if on {
                    (self.noise.next() * 0.5 + body) * (-in_beat * 18.0).exp()
                } else {
                    0.0
                }
            }
            3 => {
                // Closed hats on 16ths: high-passed noise, short.
                let x = self.noise.next();
                let hp = x - self.lp;
                self.lp += (x - self.lp) * 0.2;
                hp * (-step16 * 80.0).exp() * 0.35
            }
            4 => {
                // Open hat on the off-beat.
                let off = (beat + 0.5).fract() * beat_len;
                let x = self.noise.next();
                let hp = x - self.lp;
                self.lp += (x - self.lp) * 0.3;
                hp * (-off * 9.0).exp() * 0.25
            }
            5 => self.noise.next() * (-step16 * 45.0).exp() * 0.2,
            6 => {
                // Piano chords: four decaying partial-rich notes per bar.
                let chord = CHORDS[bar % 4];
                let decay = (-(beat % 4.0) * beat_len * 0.8).exp();
                let mut s = 0.0;
                for (i, f) in chord.iter().enumerate() {
                    self.phase[i] = (self.phase[i] + f * dt).fract();
                    let p = self.phase[i] * TAU;
                    s += p.sin() + 0.3 * (2.0 * p).sin() + 0.1 * (3.0 * p).sin();
                }
                s * decay * 0.15
            }
            7 => {
                // Pad: detuned saws, slow.
                let chord = CHORDS[bar % 4];
                let mut s = 0.0;
                for (i, f) in chord.iter().enumerate() {
                    self.phase[i] = (self.phase[i] + f * 1.003 * dt).fract();
                    s += self.phase[i] * 2.0 - 1.0;
                }
                self.lp += (s - self.lp) * 0.05;
                self.lp * 0.12
            }
            8 => {
                // Lead: a square-ish melody on 8ths.
                let f = MELODY[(beat * 2.0) as usize % 8];
                self.phase[0] = (self.phase[0] + f * dt).fract();
                let p = self.phase[0] * TAU;
                (p.sin() + p.sin().signum() * 0.3) * 0.2
            }
            9 => {
                // Bells: inharmonic partials, struck every 2 beats.
                let f = MELODY[(beat / 2.0) as usize % 8] * 2.0;
                let d = (-(beat % 2.0) * beat_len * 3.0).exp();
                self.phase[0] = (self.phase[0] + f * dt).fract();
                self.phase[1] = (self.phase[1] + f * 2.76 * dt).fract();
                ((self.phase[0] * TAU).sin() + 0.4 * (self.phase[1] * TAU).sin()) * d * 0.25
            }
            10 => {
                // Vox chops: band-limited noise gated on a rhythm.
                let gate = if ((beat * 2.0) as usize).is_multiple_of(3) {
                    1.0
                } else {
                    0.0
                };
                self.lp += (self.noise.next() - self.lp) * 0.08;
                self.phase[0] = (self.phase[0] + 300.0 * dt).fract();
                self.lp * (self.phase[0] * TAU).sin() * gate * 1.5
            }
            _ => {
                // FX: silent until a riser over the last 8 seconds.
                let left = (self.total_frames - n) as f32 / RATE as f32;
                if left > 8.0 {
                    0.0
                } else {
                    self.noise.next() * (1.0 - left / 8.0) * 0.3
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
