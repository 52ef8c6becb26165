//! A look-ahead peak limiter: the preview's safety net when the voice tag lands on a loud
//! part of the master.
//!
//! The gain for frame `n` is the average, over the look-ahead window, of a release-smoothed
//! running minimum of the gain each frame needs. Every frame inside that average's window
//! is covered by the running minimum, so the gain applied to a frame is never above what
//! the frame itself needs: the output cannot exceed the ceiling, and the gain moves
//! smoothly (a linear attack over the look-ahead, an exponential release), so nothing
//! clicks or wraps. The audio is delayed by the look-ahead; `finish` drains it.

use std::collections::VecDeque;

pub(crate) struct Limiter {
    ceiling: f32,
    lookahead: usize,
    release: f64,
    /// Audio waiting for its gain, interleaved stereo.
    delay: VecDeque<[f32; 2]>,
    /// (frame index, required gain), increasing gains: the running minimum's candidates.
    minimum: VecDeque<(u64, f64)>,
    /// The last `lookahead` release-smoothed gains, and their sum.
    window: VecDeque<f64>,
    window_sum: f64,
    smoothed: f64,
    frames_in: u64,
    lowest_gain: f64,
}

impl Limiter {
    pub fn new(sample_rate: u32, ceiling: f32, lookahead_ms: f64, release_ms: f64) -> Self {
        let rate = f64::from(sample_rate);
        let lookahead = ((lookahead_ms / 1000.0 * rate).round() as usize).max(1);
        Limiter {
            ceiling,
            lookahead,
            release: 1.0 - (-1.0 / (release_ms / 1000.0 * rate)).exp(),
            delay: VecDeque::with_capacity(lookahead + 1),
            minimum: VecDeque::new(),
            window: std::iter::repeat_n(1.0, lookahead).collect(),
            window_sum: lookahead as f64,
            smoothed: 1.0,
            frames_in: 0,
            lowest_gain: 1.0,
        }
    }

    /// Feeds interleaved stereo frames; appends the frames that leave the delay line.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        for frame in input.chunks_exact(2) {
            let peak = frame[0].abs().max(frame[1].abs());
            let need = if peak > self.ceiling {
                f64::from(self.ceiling / peak)
            } else {
                1.0
            };
            self.push([frame[0], frame[1]], need, out);
        }
    }

    /// Drains the delay line (the look-ahead past the end sees silence).
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        for _ in 0..self.lookahead {
            self.push([0.0; 2], 1.0, out);
        }
    }

    /// Whether the limiter ever reduced the gain.
    pub fn acted(&self) -> bool {
        self.lowest_gain < 1.0 - 1e-9
    }

    /// Deepest gain reduction, in dB (0 when it never acted).
    pub fn max_reduction_db(&self) -> f64 {
        -20.0 * self.lowest_gain.log10()
    }

    fn push(&mut self, frame: [f32; 2], need: f64, out: &mut Vec<f32>) {
        let n = self.frames_in;
        self.frames_in += 1;
        while self.minimum.back().is_some_and(|&(_, g)| g >= need) {
            self.minimum.pop_back();
        }
        self.minimum.push_back((n, need));
        self.delay.push_back(frame);
        if self.delay.len() <= self.lookahead {
            return;
        }
        // The frame leaving now is `n - lookahead`; its running minimum spans up to `n`.
        let leaving = n - self.lookahead as u64;
        while self.minimum.front().is_some_and(|&(i, _)| i < leaving) {
            self.minimum.pop_front();
        }
        let held = self.minimum.front().map_or(1.0, |&(_, g)| g);
        self.smoothed = held.min(self.smoothed + (1.0 - self.smoothed) * self.release);
        self.window_sum += self.smoothed - self.window.pop_front().unwrap_or(1.0);
        self.window.push_back(self.smoothed);
        // Recomputing the sum now and then keeps rounding from drifting over hours of audio.
        if leaving.is_multiple_of(65_536) {
            self.window_sum = self.window.iter().sum();
        }
        let gain = (self.window_sum / self.lookahead as f64).min(1.0);
        self.lowest_gain = self.lowest_gain.min(gain);
        let [l, r] = self.delay.pop_front().unwrap_or([0.0; 2]);
        let g = gain as f32;
        out.extend([
            (l * g).clamp(-self.ceiling, self.ceiling),
            (r * g).clamp(-self.ceiling, self.ceiling),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[f32]) -> (Vec<f32>, Limiter) {
        let mut limiter = Limiter::new(44_100, 0.891, 5.0, 80.0);
        let mut out = Vec::new();
        for block in input.chunks(1000) {
            limiter.process(block, &mut out);
        }
        limiter.finish(&mut out);
        (out, limiter)
    }

    #[test]
    fn quiet_audio_passes_untouched_only_delayed() {
        let input: Vec<f32> = (0..20_000)
            .map(|i| ((i as f32) * 0.01).sin() * 0.5)
            .collect();
        let (out, limiter) = run(&input);
        assert_eq!(out.len(), input.len());
        assert!(!limiter.acted());
        assert_eq!(out, input);
    }

    #[test]
    fn peaks_are_held_under_the_ceiling_without_a_jump() {
        let input: Vec<f32> = (0..88_200)
            .map(|i| {
                ((i as f32) * 0.05).sin()
                    * if (30_000..40_000).contains(&i) {
                        1.8
                    } else {
                        0.6
                    }
            })
            .collect();
        let (out, limiter) = run(&input);
        assert!(limiter.acted());
        assert!(out.iter().all(|x| x.abs() <= 0.891 + 1e-6));
        assert!((limiter.max_reduction_db() - 20.0 * (1.8f64 / 0.891).log10()).abs() < 0.2);
    }
}
