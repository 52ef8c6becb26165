//! The check's ears: streaming analysers over interleaved f32 blocks (full scale 1.0) that
//! know nothing of files, zips or the report.
//!
//! - [`MusicAnalyzer`]: tempo and key of the master ([`Detected`]), and [`compare_tempo`] /
//!   [`compare_key`] to set them against the listing.
//! - [`SumAnalyzer`]: the master against its stems, read in lockstep: each stem's lag and
//!   polarity (cross-correlation within ±2 s), and the residual of the master minus the
//!   aligned stem sum, with a [`SumVerdict`].
//! - [`compare_lengths`]: the master's length against the stems', with a tail allowance.
//!
//! Every threshold lives in [`thresholds`], with the reason for its value.

mod compare;
mod detect;
mod dsp;
mod key;
mod length;
mod sum;
mod tempo;
pub mod thresholds;

pub use compare::{
    KeyComparison, KeyRelation, TEMPO_TOLERANCE, TempoComparison, TempoRelation, compare_key,
    compare_tempo,
};
pub use detect::{Detected, MusicAnalyzer};
pub use key::{Key, Mode};
pub use length::{LengthVerdict, TAIL_ALLOWANCE_SECONDS, compare_lengths};
pub use sum::{Band, LikelyPart, StemSum, SumAnalyzer, SumReport, SumVerdict};
