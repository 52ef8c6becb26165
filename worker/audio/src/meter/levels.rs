//! The level meter: peak, RMS, DC offset and clipping, one decoded block at a time. The check
//! reads it for every stem and the master, the bundle for every stem it writes, the WAV lease
//! for the master.
//!
//! The hot loop keeps 16 independent lanes of min/max/sum/sum-of-squares so the compiler can
//! vectorise it (float additions are not reassociated otherwise). With 1, 2, 4, 8 or 16
//! channels, lane `i` always holds channel `i % channels`, which gives per-channel sums for
//! free; other layouts take a plain per-frame loop.

use super::clip::ClipRuns;
use crate::wav::{WavFormat, full_scale};

const LANES: usize = 16;

/// Peak, RMS, per-channel DC and clipping runs of interleaved frames.
#[derive(Clone, Debug)]
pub struct Levels {
    channels: usize,
    frames: u64,
    peak: f32,
    sum_squares: f64,
    sums: Vec<f64>,
    clip: ClipRuns,
}

/// What a stem's samples add up to. Amplitudes are linear, full scale 1.0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LevelSummary {
    pub frames: u64,
    pub peak: f64,
    pub rms: f64,
    /// The largest per-channel mean, absolute (what sox and Audition call DC offset).
    pub dc_offset: f64,
    pub clipped_runs: u64,
    pub longest_clip: u64,
    pub first_clip_frame: Option<u64>,
}

impl Levels {
    /// A meter for samples decoded from `format` (its full scale decides what clips).
    pub fn for_format(format: &WavFormat) -> Self {
        Levels::new(usize::from(format.channels), full_scale(format))
    }

    /// `full_scale`: the lowest and highest values the samples can hold; runs at them clip.
    pub fn new(channels: usize, full_scale: (f32, f32)) -> Self {
        Levels {
            channels,
            frames: 0,
            peak: 0.0,
            sum_squares: 0.0,
            sums: vec![0.0; channels],
            clip: ClipRuns::new(channels, full_scale),
        }
    }

    /// Adds a block of whole, finite, interleaved frames.
    pub fn add(&mut self, block: &[f32]) {
        let (lo, hi) = if LANES.is_multiple_of(self.channels) {
            self.add_lanes(block)
        } else {
            self.add_frames(block)
        };
        self.peak = self.peak.max(hi).max(-lo);
        if self.clip.touches_full_scale(lo, hi) {
            self.clip.scan(block, self.frames);
        } else {
            self.clip.break_runs(self.frames);
        }
        self.frames += (block.len() / self.channels) as u64;
    }

    fn add_lanes(&mut self, block: &[f32]) -> (f32, f32) {
        let mut lo = [0f32; LANES];
        let mut hi = [0f32; LANES];
        let mut sum = [0f32; LANES];
        let mut sq = [0f32; LANES];
        let chunks = block.chunks_exact(LANES);
        let tail = chunks.remainder();
        for chunk in chunks {
            for i in 0..LANES {
                let x = chunk[i];
                lo[i] = lo[i].min(x);
                hi[i] = hi[i].max(x);
                sum[i] += x;
                sq[i] += x * x;
            }
        }
        for (i, &x) in tail.iter().enumerate() {
            lo[i] = lo[i].min(x);
            hi[i] = hi[i].max(x);
            sum[i] += x;
            sq[i] += x * x;
        }
        let sums = &mut self.sums;
        for i in 0..LANES {
            sums[i % self.channels] += f64::from(sum[i]);
            self.sum_squares += f64::from(sq[i]);
        }
        let lo = lo.iter().copied().fold(0f32, f32::min);
        let hi = hi.iter().copied().fold(0f32, f32::max);
        (lo, hi)
    }

    fn add_frames(&mut self, block: &[f32]) -> (f32, f32) {
        let (mut lo, mut hi) = (0f32, 0f32);
        let sums = &mut self.sums;
        for frame in block.chunks_exact(self.channels) {
            for (c, &x) in frame.iter().enumerate() {
                lo = lo.min(x);
                hi = hi.max(x);
                sums[c] += f64::from(x);
                self.sum_squares += f64::from(x) * f64::from(x);
            }
        }
        (lo, hi)
    }

    pub fn finish(mut self) -> LevelSummary {
        self.clip.break_runs(self.frames);
        let n = self.frames as f64;
        let (rms, dc_offset) = if self.frames == 0 {
            (0.0, 0.0)
        } else {
            let rms = (self.sum_squares / (n * self.channels as f64)).sqrt();
            let dc = self.sums.iter().map(|s| (s / n).abs()).fold(0.0, f64::max);
            (rms, dc)
        };
        LevelSummary {
            frames: self.frames,
            peak: f64::from(self.peak),
            rms,
            dc_offset,
            clipped_runs: self.clip.runs,
            longest_clip: self.clip.longest,
            first_clip_frame: self.clip.first_frame,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(channels: usize, samples: &[f32]) -> LevelSummary {
        let mut levels = Levels::new(channels, (-1.0, 1.0));
        for block in samples.chunks(channels * 7) {
            levels.add(block);
        }
        levels.finish()
    }

    #[test]
    fn lanes_and_frames_agree_with_a_plain_sum() {
        for channels in [1usize, 2, 3, 6] {
            let samples: Vec<f32> = (0..channels * 1000)
                .map(|i| ((i as f32) * 0.37).sin() * 0.5 + 0.01)
                .collect();
            let s = summary(channels, &samples);
            let n = samples.len() as f64;
            let rms = (samples
                .iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>()
                / n)
                .sqrt();
            let peak = samples.iter().map(|x| x.abs()).fold(0f32, f32::max);
            assert_eq!(s.frames, 1000);
            assert!((s.rms - rms).abs() < 1e-6, "{channels}: {} vs {rms}", s.rms);
            assert_eq!(s.peak, f64::from(peak));
            assert!(
                (s.dc_offset - 0.01).abs() < 2e-3,
                "{channels}: {}",
                s.dc_offset
            );
        }
    }
}
