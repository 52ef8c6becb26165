//! [`MusicAnalyzer`]: tempo and key of one stream (the master), fed block by block.

use super::dsp::{Decimator, factor_for};
use super::key::{KeyEstimate, KeyTracker};
use super::tempo::{TempoEstimate, TempoTracker};
use super::thresholds::ANALYSIS_RATE_HZ;

/// Tempo and key of a stream of interleaved f32 frames (full scale 1.0), any rate and
/// channel count. Memory is fixed (well under 1 MB) whatever the length; it decimates to
/// ~11 kHz mono first, so its cost is mostly that of the decimation.
pub struct MusicAnalyzer {
    channels: usize,
    decimator: Decimator,
    mono: Vec<f32>,
    tempo: TempoTracker,
    key: KeyTracker,
    frames: u64,
}

/// What the audio says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Detected {
    /// 0 when no tempo could be found (silence, a pad without rhythm, under 4 s).
    pub bpm: f64,
    pub bpm_confidence: f64,
    /// Related tempi (half, double, 2/3, 3/2) with their strength relative to `bpm`.
    pub bpm_alternates: Vec<(f64, f64)>,
    pub key: Option<super::Key>,
    pub key_confidence: f64,
    /// Runner-up keys with their score relative to the winner's (1 = as good).
    pub key_alternates: Vec<(super::Key, f64)>,
    pub frames: u64,
}

impl MusicAnalyzer {
    pub fn new(sample_rate: u32, channels: u16) -> Self {
        let sample_rate = sample_rate.max(1);
        let factor = factor_for(sample_rate, ANALYSIS_RATE_HZ);
        let rate = f64::from(sample_rate) / factor as f64;
        MusicAnalyzer {
            channels: usize::from(channels.max(1)),
            decimator: Decimator::new(usize::from(channels.max(1)), factor),
            mono: Vec::new(),
            tempo: TempoTracker::new(rate),
            key: KeyTracker::new(rate),
            frames: 0,
        }
    }

    /// Adds whole interleaved frames; a trailing partial frame is ignored.
    pub fn add(&mut self, interleaved: &[f32]) {
        let whole = interleaved.len() - interleaved.len() % self.channels;
        self.frames += (whole / self.channels) as u64;
        self.mono.clear();
        self.decimator
            .process(&interleaved[..whole], &mut self.mono);
        self.tempo.add(&self.mono);
        self.key.add(&self.mono);
    }

    pub fn finish(self) -> Detected {
        let TempoEstimate {
            bpm,
            confidence: bpm_confidence,
            alternates: bpm_alternates,
        } = self.tempo.finish();
        let KeyEstimate {
            key,
            confidence: key_confidence,
            alternates: key_alternates,
            ..
        } = self.key.finish();
        Detected {
            bpm,
            bpm_confidence,
            bpm_alternates,
            key,
            key_confidence,
            key_alternates,
            frames: self.frames,
        }
    }
}
