//! The producer's voice tag, or the store's default one, as 44.1 kHz stereo in memory (a tag
//! is seconds long; [`MAX_TAG_SECONDS`] bounds it).

use std::io::Cursor;
use std::path::Path;

use trackout_audio::wav;

use crate::audio::{OUTPUT_RATE, Resampler, fold_to_stereo};
use crate::decode::AudioReader;
use crate::error::RenderError;

/// A voice tag is a name or a phrase; anything longer is a wrong upload (a whole beat).
pub const MAX_TAG_SECONDS: f64 = 30.0;

/// "Trackout preview" in espeak-ng's voice, 22.05 kHz mono 16-bit; see
/// `assets/README.md` for how it was made.
const DEFAULT_TAG_WAV: &[u8] = include_bytes!("../../assets/default_voice_tag.wav");

pub(crate) struct VoiceTag {
    /// Interleaved stereo at 44.1 kHz, gain already applied.
    pub samples: Vec<f32>,
}

impl VoiceTag {
    pub fn frames(&self) -> u64 {
        (self.samples.len() / 2) as u64
    }

    pub fn load(path: &Path, gain: f32) -> Result<Self, RenderError> {
        let mut reader = AudioReader::open(path, "the voice tag")?;
        let (rate, channels) = (reader.sample_rate(), reader.channels());
        let limit = (MAX_TAG_SECONDS * f64::from(rate)) as usize;
        let mut interleaved = Vec::new();
        let mut block = Vec::new();
        loop {
            let frames = reader.read(&mut block)?;
            if frames == 0 {
                break;
            }
            if interleaved.len() / channels + frames > limit {
                return Err(RenderError::Unsupported(format!(
                    "the voice tag is longer than {MAX_TAG_SECONDS:.0} s; upload just the tag"
                )));
            }
            interleaved.extend_from_slice(&block);
        }
        Self::from_interleaved(&interleaved, channels, rate, gain)
    }

    /// The tag used when the producer has not uploaded one.
    pub fn default_tag(gain: f32) -> Result<Self, RenderError> {
        let mut cursor = Cursor::new(DEFAULT_TAG_WAV);
        let what = "the built-in voice tag";
        let info = wav::read_header(&mut cursor).map_err(|e| RenderError::wav(what, e))?;
        let start = info.data_offset as usize;
        let bytes = &DEFAULT_TAG_WAV[start..start + info.data_len as usize];
        let mut samples = vec![0f32; bytes.len() / info.format.bytes_per_sample()];
        let n = wav::decode_f32(&info.format, bytes, &mut samples);
        samples.truncate(n);
        Self::from_interleaved(
            &samples,
            usize::from(info.format.channels),
            info.format.sample_rate,
            gain,
        )
    }

    fn from_interleaved(
        samples: &[f32],
        channels: usize,
        rate: u32,
        gain: f32,
    ) -> Result<Self, RenderError> {
        if samples.is_empty() {
            return Err(RenderError::Unsupported(
                "the voice tag holds no audio".into(),
            ));
        }
        let mut stereo = Vec::with_capacity(samples.len() / channels * 2);
        fold_to_stereo(channels, samples, &mut stereo);
        let mut samples = if rate == OUTPUT_RATE {
            stereo
        } else {
            let mut out = Vec::new();
            let mut resampler = Resampler::new(rate, OUTPUT_RATE, 2);
            resampler.process(&stereo, &mut out);
            resampler.finish(&mut out);
            out
        };
        for x in &mut samples {
            *x *= gain;
        }
        Ok(VoiceTag { samples })
    }
}
