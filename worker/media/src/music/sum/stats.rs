//! What the residual meter accumulates: sums of products over the frames measured, per
//! stem, per level bin (for the bus model), moments of the sum (for the clipper model) and
//! band energies.

use super::Band;

/// Level bins of 1 dB for the sum's 20 ms mean square, from −100 dBFS up.
pub(super) const LEVEL_BINS: usize = 112;

#[derive(Clone, Copy, Default)]
pub(super) struct LevelBin {
    pub ss: f64,
    pub ms: f64,
    pub mm: f64,
    pub segments: u64,
}

#[derive(Clone)]
pub(super) struct Acc {
    pub e_m: f64,
    pub e_s: f64,
    pub e_ms: f64,
    pub e_r: f64,
    /// Per stem, in the master's channel layout: Σs², Σm·s, Σr·s.
    pub ss: Vec<f64>,
    pub ms: Vec<f64>,
    pub rs: Vec<f64>,
    pub bins: Vec<LevelBin>,
    /// Σ S^(2k) for k = 1..=5 and Σ m·S^(2k−1) for k = 1..=3: a memoryless odd curve
    /// m ≈ a·S + b·S³ + c·S⁵ (a clipper) fits from these.
    pub even: [f64; 5],
    pub odd: [f64; 3],
    pub band_r: [f64; Band::COUNT],
    pub band_m: [f64; Band::COUNT],
    /// Per stem band energies from the sampled frames, and the residual's in the same frames.
    pub band_stem: Vec<[f64; Band::COUNT]>,
    pub band_r_sampled: [f64; Band::COUNT],
    pub frames: u64,
}

impl Acc {
    pub fn new(stems: usize) -> Self {
        Acc {
            e_m: 0.0,
            e_s: 0.0,
            e_ms: 0.0,
            e_r: 0.0,
            ss: vec![0.0; stems],
            ms: vec![0.0; stems],
            rs: vec![0.0; stems],
            bins: vec![LevelBin::default(); LEVEL_BINS],
            even: [0.0; 5],
            odd: [0.0; 3],
            band_r: [0.0; Band::COUNT],
            band_m: [0.0; Band::COUNT],
            band_stem: vec![[0.0; Band::COUNT]; stems],
            band_r_sampled: [0.0; Band::COUNT],
            frames: 0,
        }
    }

    pub fn merge(&mut self, o: &Acc) {
        self.e_m += o.e_m;
        self.e_s += o.e_s;
        self.e_ms += o.e_ms;
        self.e_r += o.e_r;
        for (a, b) in self.ss.iter_mut().zip(&o.ss) {
            *a += b;
        }
        for (a, b) in self.ms.iter_mut().zip(&o.ms) {
            *a += b;
        }
        for (a, b) in self.rs.iter_mut().zip(&o.rs) {
            *a += b;
        }
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            a.ss += b.ss;
            a.ms += b.ms;
            a.mm += b.mm;
            a.segments += b.segments;
        }
        for (a, b) in self.even.iter_mut().zip(&o.even) {
            *a += b;
        }
        for (a, b) in self.odd.iter_mut().zip(&o.odd) {
            *a += b;
        }
        for (a, b) in self.band_r.iter_mut().zip(&o.band_r) {
            *a += b;
        }
        for (a, b) in self.band_m.iter_mut().zip(&o.band_m) {
            *a += b;
        }
        for (a, b) in self.band_stem.iter_mut().zip(&o.band_stem) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.band_r_sampled.iter_mut().zip(&o.band_r_sampled) {
            *a += b;
        }
        self.frames += o.frames;
    }
}
