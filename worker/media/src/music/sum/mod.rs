//! The master against its stems: [`SumAnalyzer`] reads the master and every stem in
//! lockstep and tells whether the stems, aligned, sum to the master ([`SumReport`]).

mod features;
mod fifo;
mod lag;
mod residual;
mod stats;
mod verdict;

use lag::LagEstimator;
use residual::ResidualMeter;

pub use verdict::{LikelyPart, SumVerdict};

/// Chunks the inputs are cut into internally (the lag search wants them well under a
/// coarse window of ~65 000 frames).
const CHUNK_FRAMES: usize = 4_096;

/// Frequency bands of the residual and stem spectra, with the parts that live there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Band {
    /// 20–80 Hz: 808, sub bass, the kick's body.
    Sub,
    /// 80–250 Hz: kick, bass, the low end of keys.
    Low,
    /// 250 Hz–2 kHz: chords, keys, pads, vocals, the snare's body.
    Mid,
    /// 2–6 kHz: snare and clap crack, vocal presence, leads.
    Presence,
    /// Above 6 kHz: hats, cymbals, shakers, air.
    Air,
}

impl Band {
    pub const COUNT: usize = 5;
    pub const ALL: [Band; 5] = [Band::Sub, Band::Low, Band::Mid, Band::Presence, Band::Air];

    pub(crate) fn of_hz(hz: f64) -> Option<usize> {
        match hz {
            h if h < 20.0 => None,
            h if h < 80.0 => Some(0),
            h if h < 250.0 => Some(1),
            h if h < 2_000.0 => Some(2),
            h if h < 6_000.0 => Some(3),
            _ => Some(4),
        }
    }

    /// What a message can say: "the high band (hats, cymbals, shakers)".
    pub fn describe(self) -> &'static str {
        match self {
            Band::Sub => "the sub band (808, sub bass)",
            Band::Low => "the low band (kick, bass)",
            Band::Mid => "the mid band (chords, keys, vocals)",
            Band::Presence => "the presence band (snare, clap, vocal presence, leads)",
            Band::Air => "the high band (hats, cymbals, shakers)",
        }
    }
}

/// One stem against the master.
#[derive(Clone, Debug, PartialEq)]
pub struct StemSum {
    /// Frames the stem's content sits later in its file than in the master (negative:
    /// earlier, as when a stem is exported from bar 2). 0 for a stem that never plays.
    pub lag_samples: i64,
    /// Whether the lag is to the sample (the fine search ran) or only coarse (~6 ms).
    pub lag_exact: bool,
    /// Whether the stem shows in the master at all at a lag within ±2 s (aligned gain
    /// −10 dB or more); when not, its lag is 0 and means nothing.
    pub found_in_master: bool,
    /// The stem is phase-inverted against the master.
    pub polarity_inverted: bool,
    /// Correlation of the aligned stem with the master, −1 to 1 (negative: inverted).
    pub correlation: f64,
    /// How loud the stem is in the master against its file, dB (0: as exported), from the
    /// residual's projection on it; `None` for a silent stem.
    pub level_in_master_db: Option<f64>,
    /// Share of the residual's energy this stem accounts for (ρ²), 0 to 1.
    pub residual_share: f64,
    /// Energy of the stem per [`Band`] (sampled frames), dB relative to its total.
    pub bands_db: [f64; Band::COUNT],
    /// Whether the stem plays at all (above −70 dBFS anywhere it was measured).
    pub plays: bool,
}

/// What the sum analysis found.
#[derive(Clone, Debug, PartialEq)]
pub struct SumReport {
    pub stems: Vec<StemSum>,
    /// Residual (master minus aligned stems) in dB below the master; −∞ for a null.
    pub residual_db: f64,
    /// Correlation of the aligned stem sum with the master.
    pub correlation: f64,
    /// Gain of the master against the sum, dB (least squares).
    pub master_gain_db: f64,
    /// Residual left once the best master-bus model (level-dependent gain or clipper
    /// curve) is applied to the sum, dB below the master.
    pub bus_model_residual_db: f64,
    /// Gain at the loudest moments against the quiet ones, dB (positive: the loud parts
    /// are turned down, as a limiter does).
    pub gain_reduction_db: f64,
    /// Residual energy per band, dB relative to the master's energy in that band.
    pub residual_bands_db: [f64; Band::COUNT],
    /// Frames the residual was measured over: one run in four of the overlap of master and
    /// stems ([`crate::music::thresholds::sum::MEASURE_EVERY`]), less anything before the
    /// stems' lags were known when they turned out not to be 0.
    pub measured_frames: u64,
    pub master_frames: u64,
    pub stem_frames: Vec<u64>,
    pub verdict: SumVerdict,
}

/// The master and every stem, read in lockstep. Feed each call the same number of frames
/// of every input, interleaved f32 in its own channel layout (a file that has ended gets
/// an empty or shorter slice: it counts as silence from there). All at one sample rate.
pub struct SumAnalyzer {
    master_channels: usize,
    stem_channels: Vec<usize>,
    lags: LagEstimator,
    residual: ResidualMeter,
    master_frames: u64,
    stem_frames: Vec<u64>,
    now: u64,
    padded: Vec<Vec<f32>>,
    padded_master: Vec<f32>,
}

impl SumAnalyzer {
    pub fn new(sample_rate: u32, master_channels: u16, stem_channels: &[u16]) -> Self {
        let sample_rate = sample_rate.max(1);
        let mc = usize::from(master_channels.max(1));
        let sc: Vec<usize> = stem_channels
            .iter()
            .map(|&c| usize::from(c.max(1)))
            .collect();
        SumAnalyzer {
            master_channels: mc,
            lags: LagEstimator::new(sample_rate, mc, &sc),
            residual: ResidualMeter::new(sample_rate, mc, &sc),
            stem_frames: vec![0; sc.len()],
            padded: vec![Vec::new(); sc.len()],
            stem_channels: sc,
            master_frames: 0,
            now: 0,
            padded_master: Vec::new(),
        }
    }

    /// Adds the next frames of the master and of every stem (`stems[i]` for stem `i`).
    /// Extra stems beyond those declared are ignored; missing ones count as silence.
    pub fn add(&mut self, master: &[f32], stems: &[&[f32]]) {
        let mc = self.master_channels;
        let mut frames = master.len() / mc;
        for (i, &c) in self.stem_channels.iter().enumerate() {
            frames = frames.max(stems.get(i).map_or(0, |s| s.len() / c));
        }
        let mut offset = 0;
        while offset < frames {
            let n = (frames - offset).min(CHUNK_FRAMES);
            self.chunk(master, stems, offset, n);
            offset += n;
        }
    }

    fn chunk(&mut self, master: &[f32], stems: &[&[f32]], offset: usize, n: usize) {
        let mc = self.master_channels;
        let present = |len: usize, c: usize| (len / c).saturating_sub(offset).min(n);
        let m_present = present(master.len(), mc);
        // Whole chunks are borrowed as they are; a file that has ended is padded with silence.
        let m: &[f32] = if m_present == n {
            &master[offset * mc..(offset + n) * mc]
        } else {
            fill(&mut self.padded_master, master, offset, n, mc);
            &self.padded_master
        };
        let mut longest_stem = 0;
        for (i, &c) in self.stem_channels.iter().enumerate() {
            let s = stems.get(i).copied().unwrap_or(&[]);
            let p = present(s.len(), c);
            self.stem_frames[i] += p as u64;
            longest_stem = longest_stem.max(p);
            if p < n {
                fill(&mut self.padded[i], s, offset, n, c);
            }
        }
        let views: Vec<&[f32]> = self
            .stem_channels
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let s = stems.get(i).copied().unwrap_or(&[]);
                if present(s.len(), c) == n {
                    &s[offset * c..(offset + n) * c]
                } else {
                    self.padded[i].as_slice()
                }
            })
            .collect();
        self.master_frames += m_present as u64;
        let overlap = m_present.min(longest_stem);
        if overlap < n {
            self.residual.set_overlap_end(self.now + overlap as u64);
        }
        self.lags.add(m, &views);
        for (i, r) in self.lags.take_decided() {
            self.residual.commit(i, r.lag, r.polarity);
        }
        self.residual.add(m, &views);
        self.now += n as u64;
    }

    pub fn finish(mut self) -> SumReport {
        self.residual.flush();
        let lags = self.lags.finish();
        verdict::report(self.residual, &lags, self.master_frames, self.stem_frames)
    }
}

/// `n` frames of `src` from frame `offset`, padded with silence past its end.
fn fill(dst: &mut Vec<f32>, src: &[f32], offset: usize, n: usize, channels: usize) {
    dst.clear();
    let from = (offset * channels).min(src.len());
    let to = ((offset + n) * channels).min(src.len());
    dst.extend_from_slice(&src[from..to - (to - from) % channels]);
    dst.resize(n * channels, 0.0);
}
