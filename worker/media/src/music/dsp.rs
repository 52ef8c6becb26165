//! Small signal-processing pieces the music analysers share: a mono downmix with an
//! anti-aliased decimator, a Hann-windowed real FFT frame, and band edges.

use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{RealFftPlanner, RealToComplex};

/// Mixes interleaved frames to mono and decimates by an integer factor through a
/// windowed-sinc low-pass, keeping only `taps - 1` samples of history.
pub(crate) struct Decimator {
    channels: usize,
    factor: usize,
    taps: Vec<f32>,
    /// Mono history: the last `taps.len() - 1` inputs, then the current block's.
    history: Vec<f32>,
    /// Input samples to skip before the next output (the phase of the decimation).
    phase: usize,
}

impl Decimator {
    /// `factor` 1 only mixes to mono. The low-pass cuts at 90% of the new Nyquist frequency.
    pub fn new(channels: usize, factor: usize) -> Self {
        let factor = factor.max(1);
        let taps = if factor == 1 {
            vec![1.0]
        } else {
            // 4 taps per factor: a wide transition band, but onsets and chroma need nothing
            // near the new Nyquist frequency.
            let n = 4 * factor + 1;
            let cutoff = 0.45 / factor as f64; // cycles per input sample
            let mid = (n / 2) as f64;
            let mut t: Vec<f64> = (0..n)
                .map(|i| {
                    let x = i as f64 - mid;
                    let sinc = if x == 0.0 {
                        2.0 * cutoff
                    } else {
                        (2.0 * std::f64::consts::PI * cutoff * x).sin() / (std::f64::consts::PI * x)
                    };
                    let w =
                        0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (n - 1) as f64).cos();
                    sinc * w
                })
                .collect();
            let sum: f64 = t.iter().sum();
            t.iter_mut().for_each(|v| *v /= sum);
            t.into_iter().map(|v| v as f32).collect()
        };
        Decimator {
            channels: channels.max(1),
            factor,
            history: vec![0.0; taps.len() - 1],
            taps,
            phase: 0,
        }
    }

    /// Decimates a block of whole interleaved frames, pushing the outputs into `out`.
    pub fn process(&mut self, block: &[f32], out: &mut Vec<f32>) {
        let keep = self.taps.len() - 1;
        let scale = 1.0 / self.channels as f32;
        if self.channels == 1 {
            self.history.extend_from_slice(block);
        } else {
            self.history.extend(
                block
                    .chunks_exact(self.channels)
                    .map(|f| f.iter().sum::<f32>() * scale),
            );
        }
        let n = self.history.len();
        let mut i = keep + self.phase;
        while i < n {
            out.push(dot(&self.history[i - keep..=i], &self.taps));
            i += self.factor;
        }
        self.phase = i - n;
        self.history.drain(..n - keep);
    }
}

/// A real FFT of a fixed size with its Hann window and scratch space, giving magnitudes.
pub(crate) struct Spectrum {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    input: Vec<f32>,
    output: Vec<Complex32>,
    scratch: Vec<Complex32>,
}

impl Spectrum {
    pub fn new(size: usize) -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(size);
        let window = (0..size)
            .map(|i| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / size as f64).cos()) as f32
            })
            .collect();
        Spectrum {
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
        }
    }

    /// Windows `frame` (exactly `size` samples) and returns the power of each bin,
    /// `size / 2 + 1` of them, scaled so a full-scale sine's bin reads about 1.
    pub fn power<'a>(&'a mut self, frame: &[f32], power: &'a mut Vec<f32>) -> &'a [f32] {
        for ((dst, x), w) in self.input.iter_mut().zip(frame).zip(&self.window) {
            *dst = x * w;
        }
        // The lengths are the planner's own, so processing cannot fail.
        let _ = self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch);
        let norm = 4.0 / (self.window.len() as f32 * self.window.len() as f32);
        power.clear();
        power.extend(self.output.iter().map(|c| c.norm_sqr() * norm));
        power
    }
}

/// The decimation factor that brings `sample_rate` closest to (and not below ~0.7x of) `target`.
pub(crate) fn factor_for(sample_rate: u32, target: u32) -> usize {
    ((f64::from(sample_rate) / f64::from(target)).round() as usize).max(1)
}

/// Lanes of the vectorisable sums: float additions are not reassociated by the compiler, so
/// a plain `.sum()` runs one add at a time; eight running sums let it use SIMD.
const LANES: usize = 8;

/// Σ a·b over the shorter length.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// Σ a·b, Σ a·c and Σ a·a in one pass (a stem against the master and the residual).
pub(crate) fn dot3(a: &[f32], b: &[f32], c: &[f32]) -> (f32, f32, f32) {
    let n = a.len().min(b.len()).min(c.len());
    let (mut ab, mut ac, mut aa) = ([0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES]);
    let whole = n - n % LANES;
    for i in (0..whole).step_by(LANES) {
        let (x, y, z) = (&a[i..i + LANES], &b[i..i + LANES], &c[i..i + LANES]);
        for l in 0..LANES {
            ab[l] += x[l] * y[l];
            ac[l] += x[l] * z[l];
            aa[l] += x[l] * x[l];
        }
    }
    let (mut s1, mut s2, mut s3): (f32, f32, f32) =
        (ab.iter().sum(), ac.iter().sum(), aa.iter().sum());
    for i in whole..n {
        s1 += a[i] * b[i];
        s2 += a[i] * c[i];
        s3 += a[i] * a[i];
    }
    (s1, s2, s3)
}
