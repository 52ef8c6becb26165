//! The media pipeline's trackout check: plain functions over files and readers, no database,
//! no async runtime.
//!
//! [`check_path`] reads a trackout (a folder or a zip of WAV stems) safely and reports what a
//! mixing engineer would notice: files that are not WAVs, stems that do not line up, silence,
//! clipping, names that say nothing, and the master's loudness and true peak.

pub mod analysis;
mod assemble;
mod budget;
mod check;
mod error;
mod limits;
pub mod music;
pub mod naming;
mod progress;
pub mod report;
mod run;
mod trackout;
pub mod wav;

pub use assemble::{DC_OFFSET_LIMIT, SILENCE_DBFS};
pub use check::{check_path, check_zip_bytes};
pub use error::CheckError;
pub use limits::CheckLimits;
pub use progress::{NoProgress, Progress, TerminalProgress};
pub use report::{Finding, FindingCode, Level, MasterReport, Report, StemReport, StemRole};
