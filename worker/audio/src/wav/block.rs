//! Raw `data` bytes to blocks of normalised f32 samples, the way every meter wants them:
//! whole frames, a bounded block (so it stays in L1/L2 for every meter that reads it), and no
//! value that would poison a sum (NaN, infinity, or a float far past full scale).

use super::{SampleFormat, WavFormat, decode_f32};

/// Float samples louder than this (+120 dBFS) are not audio but garbage, and would overflow
/// sums of squares.
pub const FLOAT_GARBAGE: f32 = 1_048_576.0;

/// Decodes raw sample bytes into blocks of interleaved f32 frames.
pub struct BlockDecoder {
    format: WavFormat,
    samples: Vec<f32>,
    non_finite: u64,
}

impl BlockDecoder {
    /// Blocks of at most `block_samples` samples (rounded down to whole frames, at least one).
    pub fn new(format: WavFormat, block_samples: usize) -> Self {
        let channels = usize::from(format.channels);
        let frames = (block_samples / channels).max(1);
        BlockDecoder {
            format,
            samples: vec![0.0; frames * channels],
            non_finite: 0,
        }
    }

    pub fn format(&self) -> &WavFormat {
        &self.format
    }

    /// Decodes the whole frames in `bytes` (a trailing partial frame is ignored) and hands each
    /// block to `f`. Float samples that are NaN, infinite or past [`FLOAT_GARBAGE`] become
    /// silence and are counted ([`BlockDecoder::non_finite`]).
    pub fn decode(&mut self, bytes: &[u8], mut f: impl FnMut(&[f32])) {
        let align = usize::from(self.format.block_align);
        let per_block = self.samples.len() / usize::from(self.format.channels) * align;
        let whole = bytes.len() - bytes.len() % align;
        for chunk in bytes[..whole].chunks(per_block) {
            let n = decode_f32(&self.format, chunk, &mut self.samples);
            let block = &mut self.samples[..n];
            if self.format.sample_format == SampleFormat::Float {
                self.non_finite += silence_garbage(block);
            }
            f(block);
        }
    }

    /// Float samples that were not audio (NaN, infinite, or over +120 dBFS), replaced by 0.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }
}

/// Replaces float samples that are not audio (NaN, infinite, past [`FLOAT_GARBAGE`]) with
/// silence and returns how many there were. A NaN or an absurd value would poison every sum,
/// filter and encoder after it; a float file holding one is broken, and reported.
pub fn silence_garbage(samples: &mut [f32]) -> u64 {
    let garbage = |x: &f32| !x.is_finite() || x.abs() > FLOAT_GARBAGE;
    if !samples.iter().any(garbage) {
        return 0;
    }
    let mut count = 0;
    for x in samples.iter_mut().filter(|x| garbage(x)) {
        *x = 0.0;
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wav::canonical_header;
    use std::io::Cursor;

    #[test]
    fn blocks_are_whole_frames_and_garbage_is_silenced() {
        let mut wav = canonical_header(SampleFormat::Float, 2, 48_000, 32, 0);
        wav.truncate(44);
        let info = crate::wav::read_header_stream(&mut Cursor::new(&wav)).expect("header");
        let mut decoder = BlockDecoder::new(info.format, 5);
        let mut bytes = Vec::new();
        for x in [0.5f32, -0.5, f32::NAN, 1e9, 0.25, 0.25] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        bytes.push(0); // a partial frame
        let mut blocks = Vec::new();
        decoder.decode(&bytes, |b| blocks.push(b.to_vec()));
        assert_eq!(blocks, vec![vec![0.5, -0.5, 0.0, 0.0], vec![0.25, 0.25]]);
        assert_eq!(decoder.non_finite(), 2);
    }
}
