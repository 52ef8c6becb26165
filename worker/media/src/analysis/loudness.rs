//! Integrated loudness and loudness range (ITU-R BS.1770-4 / EBU R128 / EBU Tech 3342), by
//! the `ebur128` crate, whose I and LRA match the reference implementations.

use ebur128::{EbuR128, Mode};

pub(crate) struct Loudness {
    meter: Option<EbuR128>,
}

impl Loudness {
    /// Histogram mode keeps the gating blocks in fixed bins (0.1 LU apart near programme
    /// levels) instead of a list that grows with the master's length: memory stays flat.
    pub fn new(channels: u16, sample_rate: u32) -> Self {
        let mode = Mode::I | Mode::LRA | Mode::HISTOGRAM;
        Loudness {
            meter: EbuR128::new(u32::from(channels), sample_rate, mode).ok(),
        }
    }

    pub fn add(&mut self, block: &[f32]) {
        if let Some(meter) = &mut self.meter {
            // The only error is a block that is not whole frames, which the scan never sends.
            let _ = meter.add_frames_f32(block);
        }
    }

    /// (integrated LUFS, loudness range LU). Silence reads −∞ LUFS and 0 LU.
    pub fn finish(self) -> (f64, f64) {
        let Some(meter) = &self.meter else {
            return (f64::NEG_INFINITY, 0.0);
        };
        let integrated = meter.loudness_global().unwrap_or(f64::NEG_INFINITY);
        let range = meter.loudness_range().unwrap_or(0.0);
        (integrated, if range.is_finite() { range } else { 0.0 })
    }
}
