//! Tempo from the audio: a spectral-flux onset envelope at ~86 frames a second, its
//! autocorrelation accumulated over overlapping 10 s windows (so memory is fixed, whatever
//! the length), then a comb over the autocorrelation that scores every tempo from 40 to
//! 240 BPM by how strongly the onsets repeat at one, two, three… beat periods, with a
//! metrical weighting that decides between a tempo and its half or double.

use super::dsp::{Spectrum, dot};
use super::thresholds::tempo as t;

/// Onset analysis frame and hop at the decimated rate (~11 kHz): 46 ms and 11.6 ms.
const FRAME: usize = 512;
const HOP: usize = 128;

pub(crate) struct TempoTracker {
    rate: f64,
    spectrum: Spectrum,
    /// The last `FRAME` decimated samples; a new onset frame every `HOP` of them.
    samples: Vec<f32>,
    power: Vec<f32>,
    /// First and one-past-last FFT bins that count for onsets (30 Hz to 5 kHz).
    bins: (usize, usize),
    previous: Vec<f32>,
    current: Vec<f32>,
    /// The last `window` onset values.
    onsets: Vec<f32>,
    window: usize,
    max_lag: usize,
    since_window: usize,
    acf: Vec<f64>,
    windows: u32,
    frames: u64,
}

/// What the tempo analysis found. `bpm` is 0 when the audio has no rhythm to speak of.
#[derive(Clone, Debug, PartialEq)]
pub struct TempoEstimate {
    pub bpm: f64,
    /// 0 to 1: how far the winning tempo stands above the best unrelated one.
    pub confidence: f64,
    /// Tempi related by 1/2, 2, 2/3, 3/2 with their salience relative to the winner
    /// (1.0 = as strong), strongest first.
    pub alternates: Vec<(f64, f64)>,
}

impl TempoTracker {
    pub fn new(decimated_rate: f64) -> Self {
        let frame_rate = decimated_rate / HOP as f64;
        let window = (t::ACF_WINDOW_SECONDS * frame_rate).round() as usize;
        let max_lag = (t::MAX_LAG_SECONDS * frame_rate).round() as usize;
        let bin_hz = decimated_rate / FRAME as f64;
        let lo = (30.0 / bin_hz).ceil() as usize;
        let hi = ((5_000.0 / bin_hz).floor() as usize).min(FRAME / 2);
        TempoTracker {
            rate: decimated_rate,
            spectrum: Spectrum::new(FRAME),
            samples: Vec::with_capacity(FRAME + HOP),
            power: Vec::with_capacity(FRAME / 2 + 1),
            bins: (lo.max(1), hi.max(lo + 1)),
            previous: vec![0.0; FRAME / 2 + 1],
            current: vec![0.0; FRAME / 2 + 1],
            onsets: Vec::with_capacity(2 * window),
            window,
            max_lag,
            since_window: 0,
            acf: vec![0.0; max_lag + 1],
            windows: 0,
            frames: 0,
        }
    }

    fn frame_rate(&self) -> f64 {
        self.rate / HOP as f64
    }

    /// Adds decimated mono samples.
    pub fn add(&mut self, mono: &[f32]) {
        for &x in mono {
            self.samples.push(x);
            if self.samples.len() == FRAME {
                self.onset_frame();
                self.samples.drain(..HOP);
            }
        }
    }

    fn onset_frame(&mut self) {
        let power = std::mem::take(&mut self.power);
        let mut power = power;
        self.spectrum.power(&self.samples, &mut power);
        let (lo, hi) = self.bins;
        for (c, p) in self.current[lo..hi].iter_mut().zip(&power[lo..hi]) {
            *c = (1.0 + t::LOG_GAIN * p.sqrt()).ln();
        }
        // Spectral flux against the previous frame's local maximum (a 3-bin max filter), so a
        // sustained note's slight wobble is not taken for an onset.
        let mut flux = 0.0f32;
        for k in lo..hi {
            let prev = self.previous[k - 1]
                .max(self.previous[k])
                .max(self.previous[k + 1]);
            flux += (self.current[k] - prev).max(0.0);
        }
        std::mem::swap(&mut self.previous, &mut self.current);
        self.power = power;
        self.frames += 1;
        if self.frames < 2 {
            return; // the first frame's flux is against silence
        }
        // Held: the last `window` values, trimmed in batches (not one shift per frame).
        if self.onsets.len() >= 2 * self.window {
            self.onsets.drain(..self.onsets.len() - self.window);
        }
        self.onsets.push(flux / (hi - lo) as f32);
        self.since_window += 1;
        if self.onsets.len() >= self.window && self.since_window >= self.window / 5 {
            self.since_window = 0;
            self.accumulate();
        }
    }

    /// Adds the current window's normalised autocorrelation.
    fn accumulate(&mut self) {
        let n = self.onsets.len().min(self.window);
        if n < self.max_lag + 2 {
            return;
        }
        let last = &self.onsets[self.onsets.len() - n..];
        let mean = last.iter().sum::<f32>() / n as f32;
        let x: Vec<f32> = last.iter().map(|v| v - mean).collect();
        let energy: f64 = x.iter().map(|v| f64::from(v * v)).sum();
        if energy <= 1e-12 {
            return;
        }
        for lag in 0..=self.max_lag {
            let s = dot(&x[..n - lag], &x[lag..]);
            // Unbiased: the lag sees fewer pairs.
            self.acf[lag] += f64::from(s) * n as f64 / ((n - lag) as f64 * energy);
        }
        self.windows += 1;
    }

    pub fn finish(mut self) -> TempoEstimate {
        if self.windows == 0 {
            // Shorter than one window: use what there is, if it spans a few seconds.
            let enough = (t::MIN_SECONDS * self.frame_rate()) as usize;
            if self.onsets.len() >= enough.max(self.max_lag / 2 + 2) {
                self.max_lag = self.max_lag.min(self.onsets.len() / 2);
                self.acf.truncate(self.max_lag + 1);
                self.accumulate();
            }
        }
        if self.windows == 0 {
            return TempoEstimate {
                bpm: 0.0,
                confidence: 0.0,
                alternates: Vec::new(),
            };
        }
        let acf: Vec<f64> = self
            .acf
            .iter()
            .map(|v| v / f64::from(self.windows))
            .collect();
        estimate(&acf, self.frame_rate())
    }
}

/// The autocorrelation at a fractional lag (Catmull-Rom), 0 past its ends.
fn at(acf: &[f64], lag: f64) -> f64 {
    if lag < 1.0 || lag >= (acf.len() - 2) as f64 {
        return 0.0;
    }
    let i = lag.floor() as usize;
    let f = lag - i as f64;
    let (p0, p1, p2, p3) = (acf[i - 1], acf[i], acf[i + 1], acf[i + 2]);
    p1 + 0.5
        * f
        * (p2 - p0 + f * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + f * (3.0 * (p1 - p2) + p3 - p0)))
}

/// How strongly onsets repeat every `period` frames: the autocorrelation averaged over the
/// period's multiples that fit.
fn comb(acf: &[f64], period: f64, most: usize) -> f64 {
    let max = (acf.len() - 3) as f64;
    let count = ((max / period).floor() as usize).clamp(1, most);
    (1..=count).map(|k| at(acf, k as f64 * period)).sum::<f64>() / count as f64
}

/// Metrical salience of a tempo: its own beat period, plus how well the half beat (the
/// eighth notes) and the bar (four beats) line up with it. A tempo whose beats are
/// subdivided and grouped by the music scores above its double (whose "beats" fall on
/// off-beats half the time) and its half (which misses every other beat).
fn salience(acf: &[f64], frame_rate: f64, bpm: f64) -> f64 {
    let period = 60.0 * frame_rate / bpm;
    let beat = comb(acf, period, t::COMB_MULTIPLES);
    let half = at(acf, period / 2.0);
    let bar = comb(acf, period * 4.0, 2);
    let prior = (-0.5 * ((bpm / t::PRIOR_CENTRE_BPM).log2() / t::PRIOR_OCTAVES).powi(2)).exp();
    (beat + t::HALF_WEIGHT * half.max(0.0) + t::BAR_WEIGHT * bar.max(0.0)).max(0.0) * prior
}

fn estimate(acf: &[f64], frame_rate: f64) -> TempoEstimate {
    // Candidates on a log grid, 0.2% apart.
    let mut grid = Vec::new();
    let mut bpm = t::MIN_BPM;
    while bpm <= t::MAX_BPM {
        grid.push(bpm);
        bpm *= 1.002;
    }
    let scores: Vec<f64> = grid.iter().map(|&b| salience(acf, frame_rate, b)).collect();
    let (best_i, &best) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap_or((0, &0.0));
    if best <= 0.0 {
        return TempoEstimate {
            bpm: 0.0,
            confidence: 0.0,
            alternates: Vec::new(),
        };
    }
    let coarse = grid[best_i];
    let bpm = refine(acf, frame_rate, coarse);
    let related = |b: f64| {
        [1.0, 0.5, 2.0, 2.0 / 3.0, 1.5, 1.0 / 3.0, 3.0]
            .iter()
            .any(|r| ((b / (bpm * r)) - 1.0).abs() < 0.04)
    };
    let rival = grid
        .iter()
        .zip(&scores)
        .filter(|(b, _)| !related(**b))
        .map(|(_, s)| *s)
        .fold(0.0, f64::max);
    let confidence = ((best - rival) / best).clamp(0.0, 1.0);
    let mut alternates: Vec<(f64, f64)> = [0.5, 2.0, 2.0 / 3.0, 1.5]
        .iter()
        .map(|r| bpm * r)
        .filter(|b| (t::MIN_BPM..=t::MAX_BPM).contains(b))
        .map(|b| {
            let b = refine(acf, frame_rate, b);
            (b, (salience(acf, frame_rate, b) / best).max(0.0))
        })
        .collect();
    alternates.sort_by(|a, b| b.1.total_cmp(&a.1));
    TempoEstimate {
        bpm,
        confidence,
        alternates,
    }
}

/// Pins the tempo down within ±2% by the autocorrelation at every multiple of the beat that
/// fits (the fourth beat shows a 1% error four times as large as the first).
fn refine(acf: &[f64], frame_rate: f64, bpm: f64) -> f64 {
    let mut best = (bpm, f64::MIN);
    let mut b = bpm * 0.98;
    while b <= bpm * 1.02 {
        let s = comb(acf, 60.0 * frame_rate / b, 64);
        if s > best.1 {
            best = (b, s);
        }
        b *= 1.0002;
    }
    best.0
}
