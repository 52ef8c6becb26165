//! Measuring audio while it is copied: sample peak, RMS and EBU R 128 loudness, one block at
//! a time, in memory that does not grow with the length.

mod histogram;
mod k_weighting;
mod loudness;

pub(crate) use loudness::LoudnessMeter;

use trackout_media::wav::{self, WavFormat};

/// Peak, RMS and integrated loudness of a WAV's samples, fed raw `data` bytes (whole frames).
pub(crate) struct StemMeter {
    format: WavFormat,
    decoded: Vec<f32>,
    peak: f32,
    sum_squares: f64,
    samples: u64,
    loudness: LoudnessMeter,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StemLevels {
    /// Linear, full scale 1.0.
    pub peak: f64,
    pub rms: f64,
    pub integrated_lufs: Option<f64>,
    pub loudness_range_lu: Option<f64>,
    pub max_momentary_lufs: Option<f64>,
    pub max_short_term_lufs: Option<f64>,
}

/// Samples decoded per step: the decoded block stays in L1/L2 for the meters.
const DECODE_SAMPLES: usize = 8 * 1024;

impl StemMeter {
    pub fn new(format: WavFormat) -> Self {
        StemMeter {
            format,
            decoded: vec![0.0; DECODE_SAMPLES - DECODE_SAMPLES % usize::from(format.channels)],
            peak: 0.0,
            sum_squares: 0.0,
            samples: 0,
            loudness: LoudnessMeter::new(format.channels, format.sample_rate),
        }
    }

    pub fn add_bytes(&mut self, bytes: &[u8]) {
        let align = usize::from(self.format.block_align);
        let per_step = self.decoded.len() / usize::from(self.format.channels) * align;
        let whole = bytes.len() - bytes.len() % align;
        for chunk in bytes[..whole].chunks(per_step) {
            let n = wav::decode_f32(&self.format, chunk, &mut self.decoded);
            let block = &mut self.decoded[..n];
            for x in block.iter_mut().filter(|x| !x.is_finite()) {
                *x = 0.0;
            }
            let (peak, squares) = peak_and_squares(block);
            self.peak = self.peak.max(peak);
            self.sum_squares += squares;
            self.samples += n as u64;
            self.loudness.add(block);
        }
    }

    pub fn finish(&self) -> StemLevels {
        StemLevels {
            peak: f64::from(self.peak),
            rms: if self.samples == 0 {
                0.0
            } else {
                (self.sum_squares / self.samples as f64).sqrt()
            },
            integrated_lufs: self.loudness.integrated(),
            loudness_range_lu: self.loudness.range(),
            max_momentary_lufs: self.loudness.max_momentary(),
            max_short_term_lufs: self.loudness.max_short_term(),
        }
    }
}

/// Sixteen lanes each, so the compiler vectorises both reductions.
fn peak_and_squares(block: &[f32]) -> (f32, f64) {
    let mut peaks = [0f32; 16];
    let mut squares = [0f32; 16];
    let chunks = block.chunks_exact(16);
    let tail = chunks.remainder();
    for c in chunks {
        for i in 0..16 {
            peaks[i] = peaks[i].max(c[i].abs());
            squares[i] += c[i] * c[i];
        }
    }
    let mut peak = peaks.iter().fold(0f32, |a, &b| a.max(b));
    let mut sum: f64 = squares.iter().map(|&s| f64::from(s)).sum();
    for &x in tail {
        peak = peak.max(x.abs());
        sum += f64::from(x * x);
    }
    (peak, sum)
}

pub(crate) fn to_db(linear: f64) -> Option<f64> {
    (linear > 0.0).then(|| 20.0 * linear.log10())
}
