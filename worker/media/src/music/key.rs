//! Key from the audio: a pitch-class profile (chroma) built from the spectral peaks of
//! 372 ms frames (each frame votes with the same weight), plus a separate chroma of the bass
//! register; both correlated with major and minor key profiles rotated to each of the 12
//! tonics.

use std::fmt;

use super::dsp::Spectrum;
use super::thresholds::key as k;

const FRAME: usize = 4096;
const HOP: usize = 2048;

/// The twelve pitch classes, C = 0.
const NAMES: [&str; 12] = [
    "C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Major,
    Minor,
}

/// A key as the store writes it: `A min`, `F# maj`, `Bb min`. Compared by pitch class, so
/// `A# min` and `Bb min` are the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Pitch class of the tonic, C = 0 … B = 11.
    pub tonic: u8,
    pub mode: Mode,
}

impl Key {
    pub fn new(tonic: u8, mode: Mode) -> Key {
        Key {
            tonic: tonic % 12,
            mode,
        }
    }

    /// Reads the spellings the catalog accepts: `A min`, `Am`, `A minor`, `f#m`, `C♯ major`,
    /// `Bb`, `Db maj`. `None` for anything else.
    pub fn parse(raw: &str) -> Option<Key> {
        let text = raw.trim().replace('♯', "#").replace('♭', "b");
        let mut chars = text.chars();
        let letter = chars.next()?.to_ascii_uppercase();
        let base = match letter {
            'C' => 0,
            'D' => 2,
            'E' => 4,
            'F' => 5,
            'G' => 7,
            'A' => 9,
            'B' => 11,
            _ => return None,
        };
        let rest: String = chars.collect();
        let (shift, mode) = match rest.chars().next() {
            Some('#') => (1, rest[1..].trim()),
            Some('b') => (11, rest[1..].trim()),
            _ => (0, rest.trim()),
        };
        let mode = match mode {
            "M" => Mode::Major,
            other => match other.to_lowercase().as_str() {
                "m" | "min" | "minor" => Mode::Minor,
                "" | "maj" | "major" => Mode::Major,
                _ => return None,
            },
        };
        Some(Key::new((base + shift) % 12, mode))
    }

    /// The relative key: A min for C maj and back.
    pub fn relative(self) -> Key {
        match self.mode {
            Mode::Major => Key::new(self.tonic + 9, Mode::Minor),
            Mode::Minor => Key::new(self.tonic + 3, Mode::Major),
        }
    }

    /// Same tonic, other mode: C min for C maj.
    pub fn parallel(self) -> Key {
        let mode = match self.mode {
            Mode::Major => Mode::Minor,
            Mode::Minor => Mode::Major,
        };
        Key::new(self.tonic, mode)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            Mode::Major => "maj",
            Mode::Minor => "min",
        };
        write!(f, "{} {mode}", NAMES[usize::from(self.tonic)])
    }
}

/// What the key analysis found. `key` is `None` when the audio holds no pitched content.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEstimate {
    pub key: Option<Key>,
    /// 0 to 1: the winner's lead over the runner-up, relative to the spread of all 24 scores.
    pub confidence: f64,
    /// The runner-up keys with their scores relative to the winner's (1.0 = as good).
    pub alternates: Vec<(Key, f64)>,
    /// The accumulated chroma, C first, normalised to a maximum of 1.
    pub chroma: [f64; 12],
}

pub(crate) struct KeyTracker {
    rate: f64,
    spectrum: Spectrum,
    samples: Vec<f32>,
    power: Vec<f32>,
    chroma: [f64; 12],
    bass: [f64; 12],
    frames: u64,
}

impl KeyTracker {
    pub fn new(decimated_rate: f64) -> Self {
        KeyTracker {
            rate: decimated_rate,
            spectrum: Spectrum::new(FRAME),
            samples: Vec::with_capacity(FRAME + HOP),
            power: Vec::with_capacity(FRAME / 2 + 1),
            chroma: [0.0; 12],
            bass: [0.0; 12],
            frames: 0,
        }
    }

    pub fn add(&mut self, mono: &[f32]) {
        for &x in mono {
            self.samples.push(x);
            if self.samples.len() == FRAME {
                self.frame();
                self.samples.drain(..HOP);
            }
        }
    }

    fn frame(&mut self) {
        let mut power = std::mem::take(&mut self.power);
        self.spectrum.power(&self.samples, &mut power);
        let bin_hz = self.rate / FRAME as f64;
        let lo = (k::LOWEST_HZ / bin_hz).floor().max(2.0) as usize;
        let hi = ((k::HIGHEST_HZ / bin_hz).ceil() as usize).min(power.len() - 2);
        let loudest = power[lo..hi].iter().copied().fold(0.0f32, f32::max);
        if loudest < k::SILENCE_POWER {
            self.power = power;
            return;
        }
        let floor = loudest * k::PEAK_FLOOR;
        let mut frame = [0.0f64; 12];
        let mut bass = [0.0f64; 12];
        for i in lo..hi {
            let p = power[i];
            if p < floor || p <= power[i - 1] || p < power[i + 1] {
                continue;
            }
            // Parabolic interpolation on the log power for the peak's true frequency.
            let (a, b, c) = (
                f64::from(power[i - 1].max(1e-20)).ln(),
                f64::from(p).ln(),
                f64::from(power[i + 1].max(1e-20)).ln(),
            );
            let denom = a - 2.0 * b + c;
            let offset = if denom.abs() > 1e-12 {
                (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            let hz = (i as f64 + offset) * bin_hz;
            let magnitude = f64::from(p).sqrt();
            vote(&mut frame, hz, magnitude);
            if hz <= k::BASS_HIGHEST_HZ {
                vote(&mut bass, hz, magnitude);
            }
        }
        self.power = power;
        // Each frame votes with the same total, so a loud drop does not outvote the verse.
        let max = frame.iter().copied().fold(0.0, f64::max);
        if max > 0.0 {
            for (acc, v) in self.chroma.iter_mut().zip(frame) {
                *acc += v / max;
            }
            self.frames += 1;
        }
        let bmax = bass.iter().copied().fold(0.0, f64::max);
        if bmax > 0.0 {
            for (acc, v) in self.bass.iter_mut().zip(bass) {
                *acc += v / bmax;
            }
        }
    }

    pub fn finish(self) -> KeyEstimate {
        let none = KeyEstimate {
            key: None,
            confidence: 0.0,
            alternates: Vec::new(),
            chroma: [0.0; 12],
        };
        if self.frames < k::MIN_FRAMES {
            return none;
        }
        let max = self.chroma.iter().copied().fold(0.0, f64::max);
        let chroma = self.chroma.map(|v| v / max);
        // Compressed before matching: the notes the chords share should not drown the ones
        // that tell the keys apart.
        let compressed = chroma.map(|v| v.powf(k::CHROMA_POWER));
        let bmax = self.bass.iter().copied().fold(0.0, f64::max);
        let bass = if bmax > 0.0 {
            Some(self.bass.map(|v| v / bmax))
        } else {
            None
        };
        let mut scores: Vec<(Key, f64)> = Vec::with_capacity(24);
        for tonic in 0..12u8 {
            for mode in [Mode::Major, Mode::Minor] {
                let key = Key::new(tonic, mode);
                let profile = rotated(k::profile(mode), tonic);
                let mut s = pearson(&compressed, &profile);
                if let Some(b) = &bass {
                    s += k::BASS_WEIGHT * pearson(b, &rotated(k::bass_profile(mode), tonic));
                }
                scores.push((key, s));
            }
        }
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        let best = scores[0].1;
        let second = scores[1].1;
        let worst = scores[23].1;
        let spread = (best - worst).max(1e-9);
        let confidence = (k::CONFIDENCE_SCALE * (best - second) / spread).clamp(0.0, 1.0);
        // Scores relative to the winner on the same 0..1 scale (1 = as good as the winner,
        // 0 = as bad as the worst key).
        let alternates = scores[1..6]
            .iter()
            .map(|(key, s)| (*key, (s - worst) / spread))
            .collect();
        KeyEstimate {
            key: Some(scores[0].0),
            confidence,
            alternates,
            chroma,
        }
    }
}

/// Adds `weight` to the pitch class nearest `hz`, tapering to nothing half a semitone off.
fn vote(chroma: &mut [f64; 12], hz: f64, weight: f64) {
    let midi = 69.0 + 12.0 * (hz / 440.0).log2();
    let nearest = midi.round();
    let distance = (midi - nearest).abs(); // 0 ..= 0.5 semitones
    let taper = (std::f64::consts::PI * distance).cos().powi(2);
    let pc = (nearest as i64).rem_euclid(12) as usize;
    chroma[pc] += weight * taper;
}

fn rotated(profile: [f64; 12], tonic: u8) -> [f64; 12] {
    let mut out = [0.0; 12];
    for (i, v) in profile.iter().enumerate() {
        out[(i + usize::from(tonic)) % 12] = *v;
    }
    out
}

fn pearson(a: &[f64; 12], b: &[f64; 12]) -> f64 {
    let ma = a.iter().sum::<f64>() / 12.0;
    let mb = b.iter().sum::<f64>() / 12.0;
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += (x - ma) * (y - mb);
        aa += (x - ma).powi(2);
        bb += (y - mb).powi(2);
    }
    if aa <= 0.0 || bb <= 0.0 {
        0.0
    } else {
        ab / (aa * bb).sqrt()
    }
}
