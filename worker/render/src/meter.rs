//! Measuring a WAV's audio while it is copied, through the foundation's meters (the same the
//! check reads): levels, EBU R 128 loudness and, for the WAV lease, the 8x true peak. Fed raw
//! `data` bytes; memory does not grow with the length.

use trackout_audio::meter::{LevelSummary, Levels, Loudness, LoudnessSummary, TruePeak};
use trackout_audio::wav::{BlockDecoder, WavFormat};

/// Samples decoded per step: the decoded block stays in L1/L2 for the meters.
const DECODE_SAMPLES: usize = 8 * 1024;

pub(crate) struct Meter {
    decoder: BlockDecoder,
    levels: Levels,
    loudness: Loudness,
    true_peak: Option<TruePeak>,
}

pub(crate) struct Measured {
    pub levels: LevelSummary,
    pub loudness: LoudnessSummary,
    /// Linear, full scale 1.0; `None` when it was not measured.
    pub true_peak: Option<f64>,
}

impl Meter {
    /// Levels and loudness; with `true_peak`, the 8x-oversampled peak too (it costs about as
    /// much as the loudness).
    pub fn new(format: WavFormat, true_peak: bool) -> Self {
        Meter {
            decoder: BlockDecoder::new(format, DECODE_SAMPLES),
            levels: Levels::for_format(&format),
            loudness: Loudness::new(format.channels, format.sample_rate),
            true_peak: true_peak.then(|| TruePeak::new(usize::from(format.channels))),
        }
    }

    /// Adds raw sample bytes (whole frames; a trailing partial frame is not audio).
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        let (levels, loudness, true_peak) =
            (&mut self.levels, &mut self.loudness, &mut self.true_peak);
        self.decoder.decode(bytes, |block| {
            levels.add(block);
            loudness.add(block);
            if let Some(tp) = true_peak {
                tp.add(block);
            }
        });
    }

    pub fn finish(self) -> Measured {
        Measured {
            levels: self.levels.finish(),
            loudness: self.loudness.finish(),
            true_peak: self.true_peak.map(TruePeak::finish),
        }
    }
}
