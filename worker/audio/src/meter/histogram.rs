//! Gating-block loudness kept in fixed bins (0.01 LU from −70 to +10 LUFS) with each bin's
//! summed energy, so gating is exact and memory does not grow with the audio's length.

const LOW: f64 = -70.0;
const HIGH: f64 = 10.0;
const STEP: f64 = 0.01;
const BINS: usize = ((HIGH - LOW) / STEP) as usize;

pub(crate) struct Histogram {
    counts: Vec<u32>,
    energy: Vec<f64>,
}

pub(crate) fn loudness(energy: f64) -> f64 {
    -0.691 + 10.0 * energy.log10()
}

#[cfg(test)]
fn energy_of(lufs: f64) -> f64 {
    10f64.powf((lufs + 0.691) / 10.0)
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: vec![0; BINS],
            energy: vec![0.0; BINS],
        }
    }

    /// Adds a block; blocks at or below the absolute gate (−70 LUFS) are not kept.
    pub fn add(&mut self, energy: f64) {
        let l = loudness(energy);
        // NaN (no energy at all) and −∞ (silence) fail this test too.
        if l.is_nan() || l <= LOW {
            return;
        }
        let bin = (((l - LOW) / STEP) as usize).min(BINS - 1);
        self.counts[bin] += 1;
        self.energy[bin] += energy;
    }

    /// The first bin at or above `lufs`.
    fn bin_of(lufs: f64) -> usize {
        (((lufs - LOW) / STEP).ceil().max(0.0) as usize).min(BINS)
    }

    /// Mean energy of the blocks from bin `from` up; `None` when there are none.
    fn mean_from(&self, from: usize) -> Option<f64> {
        let count: u64 = self.counts[from..].iter().map(|&c| u64::from(c)).sum();
        (count > 0).then(|| self.energy[from..].iter().sum::<f64>() / count as f64)
    }

    /// BS.1770 integrated loudness: blocks above −70 LUFS, then above their mean −10 LU.
    pub fn integrated(&self) -> Option<f64> {
        let relative_gate = loudness(self.mean_from(0)?) - 10.0;
        self.mean_from(Self::bin_of(relative_gate)).map(loudness)
    }

    /// EBU Tech 3342 loudness range: short-term blocks above −70 LUFS and their mean −20 LU,
    /// from the 10th to the 95th percentile.
    pub fn range(&self) -> Option<f64> {
        let relative_gate = loudness(self.mean_from(0)?) - 20.0;
        let from = Self::bin_of(relative_gate);
        let total: u64 = self.counts[from..].iter().map(|&c| u64::from(c)).sum();
        if total == 0 {
            return None;
        }
        let percentile = |p: f64| {
            let target = ((total - 1) as f64 * p).round() as u64;
            let mut seen = 0u64;
            for (i, &c) in self.counts[from..].iter().enumerate() {
                seen += u64::from(c);
                if seen > target {
                    return LOW + (from + i) as f64 * STEP + STEP / 2.0;
                }
            }
            HIGH
        };
        Some(percentile(0.95) - percentile(0.10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gating_drops_quiet_blocks() {
        let mut h = Histogram::new();
        for _ in 0..100 {
            h.add(energy_of(-20.0));
        }
        for _ in 0..100 {
            h.add(energy_of(-45.0)); // below the relative gate
        }
        h.add(energy_of(-80.0)); // below the absolute gate
        assert!((h.integrated().unwrap() - -20.0).abs() < 1e-9);
    }
}
