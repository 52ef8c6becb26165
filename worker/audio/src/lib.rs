//! The audio foundation of Trackout: one place for every fact about audio files that the
//! trackout check, the renderer and the upload need, so they cannot disagree.
//!
//! - [`sniff`]: what a file is from its first bytes (WAV, RF64, MP3, AIFF, FLAC, zip, text…).
//! - [`wav`]: the streaming RIFF/WAVE parser and the block decoder.
//! - [`listing`]: THE trackout listing: which files of a folder or a zip are stems, which are
//!   masters, which are something else, which are ignored; and reading them.
//! - [`naming`]: roles from names, master names, generic names, delivered file names.
//! - [`meter`]: levels, loudness and true peak.
//! - [`settings`]: the check's limits and the preview's settings, as configuration embeds them.
//! - [`db`], [`text`]: decibels, and counts and sizes in words.
//!
//! Plain functions over readers: no database, no async runtime.

pub mod db;
mod io;
pub mod listing;
pub mod meter;
pub mod naming;
pub mod settings;
pub mod sniff;
pub mod text;
pub mod wav;

pub use io::read_full;
pub use settings::{CheckLimits, PreviewSettings};
