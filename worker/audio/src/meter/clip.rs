//! Clipping: runs of consecutive full-scale samples in one channel. A single full-scale sample
//! is a loud peak; three in a row is a flattened waveform, which is what engineers call a clip.

/// The shortest run reported as clipping.
pub const MIN_CLIP_RUN: u64 = 3;

#[derive(Clone, Debug)]
pub(super) struct ClipRuns {
    lo: f32,
    hi: f32,
    /// Current run length per channel, carried across blocks.
    run: Vec<u64>,
    pub runs: u64,
    pub longest: u64,
    pub first_frame: Option<u64>,
}

impl ClipRuns {
    pub fn new(channels: usize, (lo, hi): (f32, f32)) -> Self {
        ClipRuns {
            lo,
            hi,
            run: vec![0; channels],
            runs: 0,
            longest: 0,
            first_frame: None,
        }
    }

    /// Whether a block whose extremes are `lo`/`hi` needs the per-sample scan.
    #[inline]
    pub fn touches_full_scale(&self, lo: f32, hi: f32) -> bool {
        lo <= self.lo || hi >= self.hi
    }

    /// Follows runs through a block that reaches full scale somewhere. `first_frame` is the
    /// frame index of the block's first sample.
    pub fn scan(&mut self, block: &[f32], first_frame: u64) {
        let channels = self.run.len();
        for (i, frame) in block.chunks_exact(channels).enumerate() {
            for (c, &x) in frame.iter().enumerate() {
                if x <= self.lo || x >= self.hi {
                    self.run[c] += 1;
                } else if self.run[c] > 0 {
                    self.end_run(c, first_frame + i as u64);
                }
            }
        }
    }

    /// A block with no full-scale sample ends every open run at its first frame.
    pub fn break_runs(&mut self, at_frame: u64) {
        for c in 0..self.run.len() {
            if self.run[c] > 0 {
                self.end_run(c, at_frame);
            }
        }
    }

    fn end_run(&mut self, channel: usize, end_frame: u64) {
        let len = std::mem::take(&mut self.run[channel]);
        if len >= MIN_CLIP_RUN {
            self.runs += 1;
            self.longest = self.longest.max(len);
            let start = end_frame - len;
            self.first_frame = Some(self.first_frame.map_or(start, |f| f.min(start)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_counted_per_channel_and_across_blocks() {
        let mut clip = ClipRuns::new(2, (-1.0, 1.0));
        // Left clips for 2 frames in the first block and 2 more in the second: one run of 4.
        // Right has a lone full-scale sample: not a clip.
        clip.scan(&[0.0, 0.0, 1.0, 0.0, 1.0, -1.0], 0);
        clip.scan(&[1.0, 0.0, 1.0, 0.0, 0.5, 0.0], 3);
        clip.break_runs(6);
        assert_eq!((clip.runs, clip.longest, clip.first_frame), (1, 4, Some(1)));
    }
}
