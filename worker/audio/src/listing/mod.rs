//! THE trackout listing: which files of a folder or a zip are stems, which are masters,
//! which are something else, and which are ignored; and how to open each one for reading.
//! The check lists a trackout with it, and the bundle lists the same trackout with it, so
//! what the check approves is exactly what the bundle sells.
//!
//! The rule, in full:
//! - **Ignored** silently, never opened: what operating systems leave behind (see
//!   [`is_ignored`]): `__MACOSX/`, `.DS_Store`, `._*` (AppleDouble), `Thumbs.db`,
//!   `desktop.ini`, and volume folders (`.Trashes/`, `.Trash*/`, `.Spotlight-V100/`,
//!   `.fseventsd/`, `.TemporaryItems/`, `$RECYCLE.BIN/`, `System Volume Information/`).
//! - **Everything else counts**, whatever its name and however deep: other dot files and dot
//!   folders are the producer's (a `.stems/` folder's WAVs are stems), and folders nest to
//!   any depth. What bounds the walk is the entry cap ([`CheckLimits::max_entries`]: files
//!   and folders, counted before anything is read) and the byte cap.
//! - **Stems**: files with an audio extension ([`is_audio_name`]: `.wav`, `.wave`, `.bwf`,
//!   and other formats, which the check then refuses as `not_wav`), unless named as the
//!   master.
//! - **Masters**: WAVs ([`is_wav_name`]) whose name says master or mix
//!   ([`crate::naming::master_name`]), the likeliest first. A master is never a stem.
//! - **Other**: everything else (artwork, a readme, a project, `Master.mp3`), and things that
//!   are neither files nor folders; listed, never read.
//! - **Refused** (an [`Issue`]): unsafe names (`..`, absolute, drive letters, `:`, NUL),
//!   symbolic links (never followed), encrypted or unreadable zip entries, and a trackout over
//!   a cap (then nothing is read at all: the listing is `fatal`).

mod contents;
mod entry_name;
mod folder;
mod open;
mod zip;

use std::io;
use std::path::PathBuf;

pub use contents::{is_audio_name, is_wav_name};
pub use entry_name::{EntryName, classify, is_ignored};
pub use folder::list_folder;
pub use open::{Archive, EntryReader, NoArchive, OpenError, Trackout, open};
pub use zip::{BytesArchive, FileArchive, OpenArchive, ZipTrackout, declared_inflated_size};

use crate::naming;

/// One file of the trackout that may be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Path inside the trackout, `/`-separated; what reports show.
    pub path: String,
    /// Size on disk, or as the zip's central directory declares it.
    pub size: u64,
    pub at: Location,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A file on disk: a folder trackout's file, or a master given apart.
    File(PathBuf),
    /// The n-th entry of the zip's central directory.
    Zip(usize),
}

impl Entry {
    /// Where an I/O error happened, for an error message.
    pub fn at_path(&self) -> PathBuf {
        match &self.at {
            Location::File(path) => path.clone(),
            Location::Zip(_) => PathBuf::from(&self.path),
        }
    }

    /// "Stems/Kick.wav" → "Kick.wav".
    pub fn file_name(&self) -> &str {
        naming::file_name(&self.path)
    }

    /// File name without its extension: "Stems/Kick.wav" → "Kick".
    pub fn stem_name(&self) -> &str {
        naming::stem_name(&self.path)
    }
}

/// What listing a trackout found, before any audio is read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Files to check (and bundle) as stems, sorted by path.
    pub stems: Vec<Entry>,
    /// WAVs named as the master, the likeliest first: "Master" beats "Mix", then the
    /// shallowest folder, then path order.
    pub masters: Vec<Entry>,
    /// Paths of everything listed but not read: artwork, a readme, a project file, a master
    /// in another format, things that are neither files nor folders. Sorted.
    pub other: Vec<String>,
    /// Refused entries and trackout-wide problems.
    pub issues: Vec<Issue>,
    /// Set when nothing in the trackout can be trusted (an unreadable zip, a cap passed):
    /// nothing is listed, and nothing may be read.
    pub fatal: bool,
}

impl Listing {
    pub(crate) fn fatal(issue: Issue) -> Self {
        Listing {
            issues: vec![issue],
            fatal: true,
            ..Listing::default()
        }
    }
}

/// Something the listing refused, and why, in words a producer can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    /// The entry concerned (as shown: escaped when its name is not printable); `None` for
    /// the whole trackout.
    pub path: Option<String>,
    pub message: String,
}

/// The check reports these as `unsafe_path`, `archive_too_large` and `corrupt_archive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// An entry that would land outside the trackout, or a link.
    UnsafePath,
    /// More entries or bytes than the limits allow.
    TooLarge,
    /// An unreadable zip, or an entry that cannot be read (encrypted, unknown compression).
    Corrupt,
}

impl Issue {
    pub(crate) fn new(kind: IssueKind, path: Option<&str>, message: impl Into<String>) -> Self {
        Issue {
            kind,
            path: path.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// A folder or a file that could not be read at all (it vanished, or permissions).
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {source}", .path.display())]
pub struct ReadError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl ReadError {
    pub(crate) fn new(path: impl Into<PathBuf>, source: io::Error) -> Self {
        ReadError {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests;
