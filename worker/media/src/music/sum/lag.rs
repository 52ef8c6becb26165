//! Each stem's lag and polarity against the master, in two stages that both keep memory
//! fixed:
//!
//! 1. **Coarse** (±2 s, to ~6 ms): every ~1.5 s, a window of the stem's ~2.8 kHz features
//!    is cross-correlated (FFT) with the master's over ±2 s; the normalised correlations
//!    of the windows where the stem plays are summed, and after a few the peak decides.
//! 2. **Fine** (to the sample): full-rate snapshots of the master and every stem, planned
//!    just ahead of the stream so nothing needs looking back. In each, the other stems
//!    (at their current lags) are subtracted from the master, and what is left is
//!    correlated with the stem within ±3 coarse samples of the coarse lag. Subtracting the
//!    others matters: a kick correlates with the 808 a few samples off, and would pull a
//!    bass stem's peak off the true lag.
//!
//! The coarse search picks whichever feature's peak stands out more. A stem the fine search
//! then does not find at that lag gets one more try around the other feature's peak: a
//! snare of filtered noise has a low band that correlates almost as well at some wrong lag
//! as its envelope does at the right one, and a choice by a hair must not lose the stem.
//!
//! Lags are "stem late by": stem content that the master has at frame t sits at frame
//! t + lag of the stem file.

use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::features::Features;
use crate::music::dsp::{dot, factor_for};
use crate::music::thresholds::sum as t;

/// A stem's lag as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct LagResult {
    pub lag: i64,
    /// +1 or −1.
    pub polarity: f32,
    /// Decided at full rate (to the sample), not only from the coarse search.
    pub exact: bool,
    /// The stem was found in the master (its aligned gain there at least
    /// [`t::FOUND_GAIN`]); when not, the lag is 0 and means nothing.
    pub found: bool,
}

#[derive(Default)]
struct Coarse {
    low: Vec<f64>,
    env: Vec<f64>,
    windows: u32,
    result: Option<LagResult>,
    /// The other feature's peak, tried when the fine search does not find the stem at
    /// `result`'s lag.
    fallback: Option<LagResult>,
}

#[derive(Default)]
struct Fine {
    corr: Vec<f64>,
    snapshots: u32,
    result: Option<LagResult>,
    /// A second round once every stem has its fine lag, so that each is measured against
    /// a master from which the others were subtracted at their true lags.
    verify: Vec<f64>,
    verify_snapshots: u32,
    verified: bool,
}

struct Snapshot {
    t0: u64,
    master: Vec<f32>,
    /// Per stem: the lag and polarity used, and its frames from stem time t0 + lag − radius.
    stems: Vec<(i64, f32, Vec<f32>)>,
    end: u64,
}

pub(super) struct LagEstimator {
    stem_channels: Vec<usize>,
    master_channels: usize,
    factor: usize,
    /// ±lag in coarse samples, the coarse window, and the master span they need.
    max_lag_c: usize,
    window: usize,
    span: usize,
    master: Features,
    stems: Vec<Features>,
    coarse: Vec<Coarse>,
    fine: Vec<Fine>,
    next_hop: u64,
    fft: Arc<dyn RealToComplex<f32>>,
    ifft: Arc<dyn ComplexToReal<f32>>,
    buf: Vec<f32>,
    spec_m_low: Vec<Complex32>,
    spec_m_env: Vec<Complex32>,
    spec: Vec<Complex32>,
    out: Vec<f32>,
    scratch: Vec<Complex32>,
    fine_len: usize,
    radius: usize,
    max_lag: i64,
    snapshot: Option<Snapshot>,
    now: u64,
    /// Lags decided since the caller last asked.
    decided: Vec<usize>,
}

impl LagEstimator {
    pub fn new(sample_rate: u32, master_channels: usize, stem_channels: &[usize]) -> Self {
        let factor = factor_for(sample_rate, t::COARSE_RATE_HZ);
        let coarse_rate = f64::from(sample_rate) / factor as f64;
        let max_lag_c = (t::MAX_LAG_SECONDS * coarse_rate).round() as usize;
        let window = t::COARSE_WINDOW;
        let span = window + 2 * max_lag_c;
        let nfft = (span + window).next_power_of_two();
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(nfft);
        let ifft = planner.plan_fft_inverse(nfft);
        let scratch_len = fft.get_scratch_len().max(ifft.get_scratch_len());
        let fine_len = ((t::FINE_SECONDS * f64::from(sample_rate)) as usize).max(256);
        LagEstimator {
            stem_channels: stem_channels.to_vec(),
            master_channels,
            factor,
            max_lag_c,
            window,
            span,
            master: Features::new(master_channels, factor, coarse_rate, span),
            stems: stem_channels
                .iter()
                .map(|&c| Features::new(c, factor, coarse_rate, span))
                .collect(),
            coarse: stem_channels.iter().map(|_| Coarse::default()).collect(),
            fine: stem_channels.iter().map(|_| Fine::default()).collect(),
            next_hop: span as u64,
            buf: fft.make_input_vec(),
            spec_m_low: fft.make_output_vec(),
            spec_m_env: fft.make_output_vec(),
            spec: fft.make_output_vec(),
            out: ifft.make_output_vec(),
            scratch: vec![Complex32::default(); scratch_len],
            fft,
            ifft,
            fine_len,
            radius: 3 * factor + 8,
            max_lag: (t::MAX_LAG_SECONDS * f64::from(sample_rate)).round() as i64,
            snapshot: None,
            now: 0,
            decided: Vec::new(),
        }
    }

    /// Adds one lockstep chunk: the same number of frames of the master and every stem
    /// (silence where a file has ended). Chunks must be shorter than a coarse window.
    pub fn add(&mut self, master: &[f32], stems: &[&[f32]]) {
        let frames = master.len() / self.master_channels;
        if self.coarse.iter().any(|c| c.result.is_none()) {
            self.master.add(master);
            for (i, s) in stems.iter().enumerate() {
                if self.coarse[i].result.is_none() {
                    self.stems[i].add(s);
                } else {
                    // Keep the coarse clock in step without the work.
                    self.stems[i].produced = self.master.produced;
                }
            }
            if self.master.produced >= self.next_hop {
                self.next_hop = self.master.produced + self.window as u64;
                self.coarse_hop();
            }
        }
        self.capture(master, stems, frames);
        self.now += frames as u64;
        self.plan();
    }

    /// Stems whose lag was decided since the last call, with the decision.
    pub fn take_decided(&mut self) -> Vec<(usize, LagResult)> {
        std::mem::take(&mut self.decided)
            .into_iter()
            .filter_map(|i| self.fine[i].result.map(|r| (i, r)))
            .collect()
    }

    fn coarse_hop(&mut self) {
        let span = self.span;
        if self.master.low.len() < span {
            return;
        }
        let mut master_ready = false;
        for i in 0..self.stems.len() {
            if self.coarse[i].result.is_some() || self.stems[i].low.len() < span {
                continue;
            }
            let (lo, hi) = (self.max_lag_c, self.max_lag_c + self.window);
            let power = &Features::tail(&self.stems[i].power, span)[lo..hi];
            let mean_power = power.iter().map(|&p| f64::from(p)).sum::<f64>() / self.window as f64;
            if mean_power < t::ACTIVE_MEAN_SQUARE {
                continue;
            }
            if !master_ready {
                self.master_spectra();
                master_ready = true;
            }
            let low = self.correlate(i, true);
            let env = self.correlate(i, false);
            let c = &mut self.coarse[i];
            if c.low.is_empty() {
                c.low = vec![0.0; low.len()];
                c.env = vec![0.0; env.len()];
            }
            c.low.iter_mut().zip(&low).for_each(|(a, b)| *a += b);
            c.env.iter_mut().zip(&env).for_each(|(a, b)| *a += b);
            c.windows += 1;
            if c.windows >= t::COARSE_WINDOWS {
                self.decide_coarse(i);
            }
        }
    }

    fn master_spectra(&mut self) {
        let span = self.span;
        for low in [true, false] {
            let src = if low {
                &self.master.low
            } else {
                &self.master.env
            };
            self.buf.iter_mut().for_each(|v| *v = 0.0);
            self.buf[..span].copy_from_slice(Features::tail(src, span));
            let dst = if low {
                &mut self.spec_m_low
            } else {
                &mut self.spec_m_env
            };
            let _ = self
                .fft
                .process_with_scratch(&mut self.buf, dst, &mut self.scratch);
        }
    }

    /// The normalised correlation of stem `i`'s current window with the master at every
    /// coarse lag, index k ↔ lag `max_lag_c - k`.
    fn correlate(&mut self, i: usize, low: bool) -> Vec<f64> {
        let span = self.span;
        let (lo, hi) = (self.max_lag_c, self.max_lag_c + self.window);
        let stem = if low {
            &self.stems[i].low
        } else {
            &self.stems[i].env
        };
        let win = &Features::tail(stem, span)[lo..hi];
        let e_s: f64 = win.iter().map(|&v| f64::from(v * v)).sum();
        let master = if low {
            &self.master.low
        } else {
            &self.master.env
        };
        let e_m: f64 = Features::tail(master, span)
            .iter()
            .map(|&v| f64::from(v * v))
            .sum::<f64>()
            * self.window as f64
            / span as f64;
        self.buf.iter_mut().for_each(|v| *v = 0.0);
        self.buf[..self.window].copy_from_slice(win);
        let _ = self
            .fft
            .process_with_scratch(&mut self.buf, &mut self.spec, &mut self.scratch);
        let m = if low {
            &self.spec_m_low
        } else {
            &self.spec_m_env
        };
        for (s, m) in self.spec.iter_mut().zip(m) {
            *s = m * s.conj();
        }
        // The DC and Nyquist bins of a real signal's spectrum must be real.
        if let Some(first) = self.spec.first_mut() {
            first.im = 0.0;
        }
        if let Some(last) = self.spec.last_mut() {
            last.im = 0.0;
        }
        let _ = self
            .ifft
            .process_with_scratch(&mut self.spec, &mut self.out, &mut self.scratch);
        let norm = (e_s * e_m).sqrt() * self.out.len() as f64;
        if norm <= 0.0 {
            return vec![0.0; 2 * self.max_lag_c + 1];
        }
        self.out[..=2 * self.max_lag_c]
            .iter()
            .map(|&v| f64::from(v) / norm)
            .collect()
    }

    fn decide_coarse(&mut self, i: usize) {
        let c = &mut self.coarse[i];
        if c.windows == 0 {
            return;
        }
        let salience = |v: &[f64], abs: bool| -> (f64, usize, f64) {
            let f = |x: f64| if abs { x.abs() } else { x };
            let (k, peak) = v
                .iter()
                .enumerate()
                .map(|(k, &x)| (k, f(x)))
                .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
            let rms = (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
            // Among near-equal peaks (a loop one beat or bar away), the one nearest zero.
            let mid = (v.len() / 2) as i64;
            let mut pick = k;
            for (j, &x) in v.iter().enumerate() {
                let y = f(x);
                let local = j > 0 && j + 1 < v.len() && y >= f(v[j - 1]) && y >= f(v[j + 1]);
                if local
                    && y >= t::PERIODIC_TIE * peak
                    && (j as i64 - mid).abs() < (pick as i64 - mid).abs()
                {
                    pick = j;
                }
            }
            (if rms > 0.0 { peak / rms } else { 0.0 }, pick, v[pick])
        };
        let (s_low, k_low, v_low) = salience(&c.low, true);
        let (s_env, k_env, _) = salience(&c.env, false);
        let low_polarity = if v_low < 0.0 { -1.0 } else { 1.0 };
        // The envelope has no sign: its polarity is the low band's at the envelope's peak.
        let env_polarity = if c.low[k_env] < 0.0 { -1.0 } else { 1.0 };
        let max_lag_c = self.max_lag_c as i64;
        let factor = self.factor as i64;
        let at = |k: usize, polarity: f32| LagResult {
            lag: (max_lag_c - k as i64) * factor,
            polarity,
            exact: false,
            found: true,
        };
        let (chosen, other) = if s_low >= s_env {
            (at(k_low, low_polarity), at(k_env, env_polarity))
        } else {
            (at(k_env, env_polarity), at(k_low, low_polarity))
        };
        c.result = Some(chosen);
        // Only a close second is worth a try: a peak that stands out much less is what any
        // drum loop shows against another beat's master.
        let (best, second) = (s_low.max(s_env), s_low.min(s_env));
        c.fallback = (second >= t::FALLBACK_SALIENCE * best).then_some(other);
        c.low = Vec::new();
        c.env = Vec::new();
    }

    /// The lag and polarity to use for stem `j` now: fine, else coarse, else none.
    fn current(&self, j: usize) -> (i64, f32) {
        if let Some(r) = self.fine[j].result.or(self.coarse[j].result) {
            (r.lag, r.polarity)
        } else {
            (0, 1.0)
        }
    }

    fn plan(&mut self) {
        if self.snapshot.is_some() {
            return;
        }
        let first = |i: usize| self.coarse[i].result.is_some() && self.fine[i].result.is_none();
        let second =
            |i: usize| self.fine[i].result.is_some_and(|r| r.found) && !self.fine[i].verified;
        let n = self.fine.len();
        if !(0..n).any(first) && !(0..n).any(second) {
            return;
        }
        let r = self.radius as i64;
        let lags: Vec<(i64, f32)> = (0..self.fine.len()).map(|j| self.current(j)).collect();
        let min_lag = lags.iter().map(|l| l.0).min().unwrap_or(0).min(0);
        let t0 = self.now + (r - min_lag) as u64;
        let w = self.fine_len;
        let mut end = t0 + w as u64;
        let stems = lags
            .iter()
            .map(|&(lag, pol)| {
                end = end.max((t0 as i64 + lag + w as i64 + r).max(0) as u64);
                (lag, pol, vec![0.0; w + 2 * self.radius])
            })
            .collect();
        self.snapshot = Some(Snapshot {
            t0,
            master: vec![0.0; w],
            stems,
            end,
        });
    }

    /// Copies what this chunk holds of the planned snapshot, mixed to mono.
    fn capture(&mut self, master: &[f32], stems: &[&[f32]], frames: usize) {
        let Some(snap) = &mut self.snapshot else {
            return;
        };
        let now = self.now as i64;
        let into = |dst: &mut [f32], from: i64, block: &[f32], channels: usize| {
            // dst[k] holds time from + k; block frame f holds time now + f.
            let lo = from.max(now);
            let hi = (from + dst.len() as i64).min(now + frames as i64);
            let scale = 1.0 / channels as f32;
            for time in lo..hi {
                let f = (time - now) as usize;
                let frame = &block[f * channels..(f + 1) * channels];
                dst[(time - from) as usize] = frame.iter().sum::<f32>() * scale;
            }
        };
        into(
            &mut snap.master,
            snap.t0 as i64,
            master,
            self.master_channels,
        );
        let r = self.radius as i64;
        for (j, (lag, _, buf)) in snap.stems.iter_mut().enumerate() {
            into(
                buf,
                snap.t0 as i64 + *lag - r,
                stems[j],
                self.stem_channels[j],
            );
        }
        if self.now + frames as u64 >= snap.end {
            let snap = self.snapshot.take();
            if let Some(snap) = snap {
                self.evaluate(snap);
            }
        }
    }

    fn evaluate(&mut self, snap: Snapshot) {
        let w = snap.master.len();
        let r = self.radius;
        let mut sum = vec![0.0f32; w];
        for (_, pol, buf) in &snap.stems {
            for (x, s) in sum.iter_mut().zip(&buf[r..r + w]) {
                *x += pol * s;
            }
        }
        // The master's gain against the sum over the snapshot: a limited or turned-down
        // master leaves (g − 1)·sum behind, which would pull the peaks.
        let ms: f64 = snap
            .master
            .iter()
            .zip(&sum)
            .map(|(m, s)| f64::from(m * s))
            .sum();
        let ss: f64 = sum.iter().map(|s| f64::from(s * s)).sum();
        let gain = if ss > 0.0 && ms / ss > 0.1 {
            (ms / ss) as f32
        } else {
            1.0
        };
        let residual: Vec<f32> = snap
            .master
            .iter()
            .zip(&sum)
            .map(|(m, s)| m / gain - s)
            .collect();
        // The second round waits until every stem that has played has its first fine lag.
        let n = self.fine.len();
        let verifying =
            !(0..n).any(|i| self.coarse[i].result.is_some() && self.fine[i].result.is_none());
        for i in 0..n {
            let wanted = if verifying {
                self.fine[i].result.is_some_and(|r| r.found) && !self.fine[i].verified
            } else {
                self.coarse[i].result.is_some() && self.fine[i].result.is_none()
            };
            if !wanted {
                continue;
            }
            let (_, pol, buf) = &snap.stems[i];
            let aligned = &buf[r..r + w];
            let energy: f64 = aligned.iter().map(|&v| f64::from(v * v)).sum();
            if energy / (w as f64) < t::ACTIVE_MEAN_SQUARE {
                continue;
            }
            let target: Vec<f32> = residual
                .iter()
                .zip(aligned)
                .map(|(x, s)| x + pol * s)
                .collect();
            let fine = &mut self.fine[i];
            let corr = if fine.result.is_some() {
                &mut fine.verify
            } else {
                &mut fine.corr
            };
            if corr.is_empty() {
                *corr = vec![0.0; 2 * r + 1];
            }
            for (d, acc) in corr.iter_mut().enumerate() {
                *acc += f64::from(dot(&target, &buf[d..d + w])) / energy;
            }
            if verifying {
                fine.verify_snapshots += 1;
                if fine.verify_snapshots >= t::FINE_SNAPSHOTS {
                    self.verify_fine(i, snap.stems[i].0);
                }
            } else {
                fine.snapshots += 1;
                if fine.snapshots >= t::FINE_SNAPSHOTS {
                    self.decide_fine(i, snap.stems[i].0, true);
                }
            }
        }
    }

    /// `retry`: while the stream goes on, a stem not found here is searched again around
    /// its fallback lag (once) before it is called not found.
    fn decide_fine(&mut self, i: usize, centre: i64, retry: bool) {
        let fine = &mut self.fine[i];
        if fine.snapshots == 0 {
            return;
        }
        let result = peak(
            &fine.corr,
            fine.snapshots,
            centre,
            self.radius,
            self.max_lag,
        );
        let coarse = &mut self.coarse[i];
        if !result.found
            && retry
            && let Some(fallback) = coarse.fallback.take()
            && (fallback.lag - centre).abs() > self.radius as i64
        {
            coarse.result = Some(fallback);
            *fine = Fine::default();
            return;
        }
        fine.result = Some(result);
        if fine.result.is_some_and(|r| !r.found) {
            // Nothing to verify: the stem is not in the master; it stays at lag 0.
            fine.verified = true;
            self.decided.push(i);
        }
    }

    fn verify_fine(&mut self, i: usize, centre: i64) {
        let fine = &mut self.fine[i];
        fine.verified = true;
        let Some(first) = fine.result else { return };
        // Only the verified lag reaches the residual meter: one change at most per stem.
        self.decided.push(i);
        if !first.found || fine.verify_snapshots == 0 {
            return;
        }
        let again = peak(
            &fine.verify,
            fine.verify_snapshots,
            centre,
            self.radius,
            self.max_lag,
        );
        if again.found {
            fine.result = Some(again);
        }
    }

    /// Decides what can still be decided and returns every stem's lag (`None`: the stem
    /// never played).
    pub fn finish(mut self) -> Vec<Option<LagResult>> {
        for i in 0..self.coarse.len() {
            if self.coarse[i].result.is_none() {
                self.decide_coarse(i);
            }
            if self.fine[i].result.is_none() && self.fine[i].snapshots > 0 {
                let centre = self.coarse[i].result.map_or(0, |r| r.lag);
                self.decide_fine(i, centre, false);
            }
            if !self.fine[i].verified
                && self.fine[i].verify_snapshots > 0
                && let Some(r) = self.fine[i].result
            {
                self.verify_fine(i, r.lag);
            }
        }
        (0..self.coarse.len())
            .map(|i| self.fine[i].result.or(self.coarse[i].result))
            .collect()
    }
}

/// The fine correlation's peak as a lag: the strongest |correlation| within the radius. Its
/// value is the stem's gain in what the master leaves for it (1 when it is there as
/// exported); under [`t::FOUND_GAIN`] the stem is not in the master at any lag searched.
fn peak(corr: &[f64], snapshots: u32, centre: i64, radius: usize, max_lag: i64) -> LagResult {
    let (d, v) = corr
        .iter()
        .enumerate()
        .fold((radius, 0.0f64), |a, (d, &v)| {
            if v.abs() > a.1.abs() { (d, v) } else { a }
        });
    let gain = v / f64::from(snapshots.max(1));
    if gain.abs() < t::FOUND_GAIN {
        return LagResult {
            lag: 0,
            polarity: 1.0,
            exact: true,
            found: false,
        };
    }
    LagResult {
        lag: (centre + d as i64 - radius as i64).clamp(-max_lag, max_lag),
        polarity: if v < 0.0 { -1.0 } else { 1.0 },
        exact: true,
        found: true,
    }
}
