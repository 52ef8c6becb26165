//! Any master as 44.1 kHz stereo: channels folded, rate converted, length exact.

use std::path::Path;

use super::{BLOCK_FRAMES, OUTPUT_RATE, Resampler, WavSource};
use crate::error::RenderError;

/// Folds interleaved `channels`-channel frames to interleaved stereo, appending to `out`.
///
/// Mono is copied to both sides at full level (a mono master should sound as loud as it
/// does in a DAW's mono track panned centre). Surround follows the usual WAVE channel order
/// (L, R, C, LFE, Ls, Rs, …) with ITU-R BS.775 coefficients; the LFE is dropped.
pub(crate) fn fold_to_stereo(channels: usize, input: &[f32], out: &mut Vec<f32>) {
    match channels {
        1 => out.extend(input.iter().flat_map(|&x| [x, x])),
        2 => out.extend_from_slice(input),
        n => {
            const SIDE: f32 = std::f32::consts::FRAC_1_SQRT_2;
            for frame in input.chunks_exact(n) {
                let (mut l, mut r) = (frame[0], frame[1]);
                for (i, &x) in frame.iter().enumerate().skip(2) {
                    match i {
                        2 => {
                            l += SIDE * x;
                            r += SIDE * x;
                        }
                        3 => {}
                        i if i % 2 == 0 => l += SIDE * x,
                        _ => r += SIDE * x,
                    }
                }
                out.extend([l, r]);
            }
        }
    }
}

/// A WAV read as blocks of 44.1 kHz interleaved stereo.
pub(crate) struct Stereo44k {
    source: WavSource,
    resampler: Option<Resampler>,
    decoded: Vec<f32>,
    folded: Vec<f32>,
    frames_out: u64,
    finished: bool,
}

impl Stereo44k {
    pub fn open(path: &Path, what: &str) -> Result<Self, RenderError> {
        let source = WavSource::open(path, what)?;
        let rate = source.info().format.sample_rate;
        let resampler = (rate != OUTPUT_RATE).then(|| Resampler::new(rate, OUTPUT_RATE, 2));
        Ok(Stereo44k {
            source,
            resampler,
            decoded: Vec::new(),
            folded: Vec::new(),
            frames_out: 0,
            finished: false,
        })
    }

    pub fn source(&self) -> &WavSource {
        &self.source
    }

    /// Frames the whole stream yields: the input's length at 44.1 kHz, rounded up.
    pub fn total_frames(&self) -> u64 {
        let info = self.source.info();
        Resampler::output_len(info.frames, info.format.sample_rate, OUTPUT_RATE)
    }

    /// Replaces `out` with the next block; `false` once the stream is over.
    pub fn next_block(&mut self, out: &mut Vec<f32>) -> Result<bool, RenderError> {
        out.clear();
        while out.is_empty() && !self.finished {
            let frames = self.source.read(BLOCK_FRAMES, &mut self.decoded)?;
            let channels = self.source.channels();
            match &mut self.resampler {
                None => fold_to_stereo(channels, &self.decoded, out),
                Some(resampler) => {
                    self.folded.clear();
                    fold_to_stereo(channels, &self.decoded, &mut self.folded);
                    resampler.process(&self.folded, out);
                    if frames == 0 {
                        resampler.finish(out);
                    }
                }
            }
            self.finished = frames == 0;
        }
        self.frames_out += (out.len() / 2) as u64;
        Ok(!out.is_empty())
    }
}
