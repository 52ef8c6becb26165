//! The meters, one of each: levels (peak, RMS, DC offset, clipping), loudness (EBU R 128:
//! integrated, range, max momentary and short-term) and true peak (8x oversampled). Each
//! takes blocks of interleaved, normalised f32 frames (see [`crate::wav::BlockDecoder`]) and
//! keeps memory that does not grow with the length.

mod clip;
mod histogram;
mod k_weighting;
mod levels;
mod loudness;
mod true_peak;

pub use clip::MIN_CLIP_RUN;
pub use levels::{LevelSummary, Levels};
pub use loudness::{Loudness, LoudnessSummary};
pub use true_peak::TruePeak;
