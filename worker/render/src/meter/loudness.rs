//! EBU R 128 loudness of a stream: integrated (BS.1770-4, gated), loudness range (Tech 3342),
//! and the maximum momentary (400 ms) and short-term (3 s) loudness, from K-weighted energy
//! in 100 ms steps.

use std::collections::VecDeque;

use super::histogram::{Histogram, loudness};
use super::k_weighting::KWeighting;

/// 100 ms steps per momentary (400 ms) and short-term (3 s) window.
const MOMENTARY_STEPS: usize = 4;
const SHORT_TERM_STEPS: usize = 30;

pub(crate) struct LoudnessMeter {
    channels: usize,
    weights: Vec<f64>,
    filters: Vec<KWeighting>,
    sums: Vec<f64>,
    step_frames: usize,
    in_step: usize,
    /// Weighted mean-square energy of the last 30 steps, newest last.
    steps: VecDeque<f64>,
    momentary: Histogram,
    short_term: Histogram,
    max_momentary: f64,
    max_short_term: f64,
}

impl LoudnessMeter {
    pub fn new(channels: u16, rate: u32) -> Self {
        let channels = usize::from(channels);
        // BS.1770 weights in the WAVE order L, R, C, LFE, Ls, Rs: surrounds +1.5 dB, no LFE.
        let weights = (0..channels)
            .map(|c| match (channels, c) {
                (6, 3) => 0.0,
                (6, 4 | 5) => 1.41,
                _ => 1.0,
            })
            .collect();
        LoudnessMeter {
            channels,
            weights,
            filters: vec![KWeighting::new(rate); channels],
            sums: vec![0.0; channels],
            step_frames: ((f64::from(rate) / 10.0).round() as usize).max(1),
            in_step: 0,
            steps: VecDeque::with_capacity(SHORT_TERM_STEPS + 1),
            momentary: Histogram::new(),
            short_term: Histogram::new(),
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
        }
    }

    /// Adds interleaved frames (a partial frame at the end is ignored).
    pub fn add(&mut self, block: &[f32]) {
        let mut frames = block.chunks_exact(self.channels);
        while frames.len() > 0 {
            let take = (self.step_frames - self.in_step).min(frames.len());
            match self.channels {
                1 => self.run_mono(&mut frames, take),
                2 => self.run_stereo(&mut frames, take),
                _ => self.run_any(&mut frames, take),
            }
            self.in_step += take;
            if self.in_step == self.step_frames {
                self.end_step();
            }
        }
    }

    /// Both channels in one loop: two independent filter chains keep the core busy. The
    /// filters are copied into locals for the loop, so their state stays in registers
    /// instead of making a round trip through memory every sample (measured: 3x faster).
    fn run_stereo<'a>(&mut self, frames: &mut impl Iterator<Item = &'a [f32]>, take: usize) {
        let (mut fl, mut fr) = (self.filters[0], self.filters[1]);
        let (mut sl, mut sr) = (0.0, 0.0);
        for frame in frames.take(take) {
            let l = fl.run(frame[0]);
            let r = fr.run(frame[1]);
            sl += l * l;
            sr += r * r;
        }
        (self.filters[0], self.filters[1]) = (fl, fr);
        self.sums[0] += sl;
        self.sums[1] += sr;
    }

    fn run_mono<'a>(&mut self, frames: &mut impl Iterator<Item = &'a [f32]>, take: usize) {
        let mut f = self.filters[0];
        let mut sum = 0.0;
        for frame in frames.take(take) {
            let y = f.run(frame[0]);
            sum += y * y;
        }
        self.filters[0] = f;
        self.sums[0] += sum;
    }

    fn run_any<'a>(&mut self, frames: &mut impl Iterator<Item = &'a [f32]>, take: usize) {
        for frame in frames.take(take) {
            for ((f, s), &x) in self.filters.iter_mut().zip(&mut self.sums).zip(frame) {
                let y = f.run(x);
                *s += y * y;
            }
        }
    }

    fn end_step(&mut self) {
        let n = self.step_frames as f64;
        let energy: f64 = self
            .sums
            .iter()
            .zip(&self.weights)
            .map(|(s, w)| w * s / n)
            .sum();
        self.sums.iter_mut().for_each(|s| *s = 0.0);
        self.filters
            .iter_mut()
            .for_each(KWeighting::flush_subnormal);
        self.in_step = 0;
        self.steps.push_back(energy);
        if self.steps.len() > SHORT_TERM_STEPS {
            self.steps.pop_front();
        }
        let len = self.steps.len();
        if len >= MOMENTARY_STEPS {
            let m = self.steps.range(len - MOMENTARY_STEPS..).sum::<f64>() / MOMENTARY_STEPS as f64;
            self.momentary.add(m);
            self.max_momentary = self.max_momentary.max(loudness(m));
        }
        if len == SHORT_TERM_STEPS {
            let s = self.steps.iter().sum::<f64>() / SHORT_TERM_STEPS as f64;
            self.short_term.add(s);
            self.max_short_term = self.max_short_term.max(loudness(s));
        }
    }

    pub fn integrated(&self) -> Option<f64> {
        self.momentary.integrated()
    }

    pub fn range(&self) -> Option<f64> {
        self.short_term.range()
    }

    pub fn max_momentary(&self) -> Option<f64> {
        self.max_momentary.is_finite().then_some(self.max_momentary)
    }

    pub fn max_short_term(&self) -> Option<f64> {
        self.max_short_term
            .is_finite()
            .then_some(self.max_short_term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebur128::{EbuR128, Mode};

    /// A deterministic test signal with some dynamics: noise bursts over a sine.
    fn signal(rate: u32, seconds: usize, channels: usize) -> Vec<f32> {
        let mut state = 0x1234_5678u32;
        let frames = rate as usize * seconds;
        let mut out = Vec::with_capacity(frames * channels);
        for n in 0..frames {
            let t = n as f32 / rate as f32;
            let env = if (t as usize) % 4 < 2 { 0.5 } else { 0.05 };
            for c in 0..channels {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let noise = (state as f32 / u32::MAX as f32) * 2.0 - 1.0;
                out.push(
                    env * (0.6 * noise
                        + 0.4 * (t * 440.0 * (c + 1) as f32 * std::f32::consts::TAU).sin()),
                );
            }
        }
        out
    }

    #[test]
    fn matches_libebur128() {
        for (rate, channels) in [(44_100, 2), (48_000, 1), (96_000, 2)] {
            let samples = signal(rate, 20, channels);
            let mut ours = LoudnessMeter::new(channels as u16, rate);
            for block in samples.chunks(channels * 1000) {
                ours.add(block);
            }
            let mut reference = EbuR128::new(
                channels as u32,
                rate,
                Mode::I | Mode::LRA | Mode::M | Mode::S,
            )
            .unwrap();
            reference.add_frames_f32(&samples).unwrap();
            let (i, lra) = (
                reference.loudness_global().unwrap(),
                reference.loudness_range().unwrap(),
            );
            assert!(
                (ours.integrated().unwrap() - i).abs() < 0.05,
                "{rate}/{channels}: I {:?} vs {i}",
                ours.integrated()
            );
            assert!(
                (ours.range().unwrap() - lra).abs() < 0.3,
                "{rate}/{channels}: LRA {:?} vs {lra}",
                ours.range()
            );
        }
    }

    #[test]
    fn silence_has_no_loudness() {
        let mut meter = LoudnessMeter::new(2, 44_100);
        meter.add(&vec![0.0; 44_100 * 2 * 5]);
        assert_eq!(meter.integrated(), None);
        assert_eq!(meter.max_momentary(), None);
    }
}
