//! The signal path shared by the preview, the MP3 lease and the waveform: read a WAV in
//! blocks, fold it to stereo, resample to 44.1 kHz, limit.

mod limiter;
mod resample;
mod source;
mod stereo;

pub(crate) use limiter::Limiter;
pub(crate) use resample::Resampler;
pub(crate) use source::WavSource;
pub(crate) use stereo::{Stereo44k, fold_to_stereo};

/// Every deliverable MP3 is 44.1 kHz: what stores, players and DJ software expect.
pub(crate) const OUTPUT_RATE: u32 = 44_100;

/// Frames handled per block: big enough that per-block costs vanish, small enough that the
/// buffers of a whole render stay under a megabyte.
pub(crate) const BLOCK_FRAMES: usize = 16 * 1024;

pub(crate) use trackout_audio::db::db_to_gain;
