//! The media pipeline's trackout check: plain functions over files and readers, no database,
//! no async runtime.
//!
//! [`check_path`] reads a trackout (a folder or a zip of WAV stems) safely and reports what a
//! mixing engineer would notice: files that are not WAVs, stems that do not line up, silence,
//! clipping, names that say nothing, and the master's loudness and true peak. Which files are
//! stems, how they are parsed and measured, is the audio foundation's (`trackout_audio`), the
//! same the bundle uses.

pub mod analysis;
mod assemble;
mod budget;
mod check;
mod error;
mod lockstep;
pub mod music;
mod progress;
pub mod report;
mod run;

/// The foundation's parser and naming, where callers of the check have always found them.
pub use trackout_audio::{naming, wav};

pub use assemble::{DC_OFFSET_LIMIT, SILENCE_DBFS};
pub use check::{check_path, check_path_as_listed, check_zip_bytes};
pub use error::CheckError;
pub use progress::{NoProgress, Progress, TerminalProgress};
pub use report::{
    DetectedSection, Finding, FindingCode, Level, Listed, MasterReport, Report, StemReport,
    StemRole, StemSumReport, SumOutcome, SumSection,
};
pub use trackout_audio::settings::CheckLimits;
