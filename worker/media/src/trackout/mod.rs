//! A trackout as a list of entries, whether it came as a folder or a zip: what is in it, what
//! was refused, and how to open each entry for reading.

mod archive;
mod entry_name;
mod folder;

use std::io::{self, Read};
use std::path::PathBuf;

pub(crate) use archive::{BytesArchive, FileArchive, ZipTrackout};
pub(crate) use folder::list_folder;

use crate::report::Finding;

/// One file of the trackout that may be read.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Path inside the trackout, `/`-separated; what the report shows.
    pub path: String,
    /// Size on disk, or as the zip's central directory declares it.
    pub size: u64,
    pub at: Location,
}

#[derive(Clone, Debug)]
pub(crate) enum Location {
    /// A file on disk: a folder trackout's file, or a master given apart.
    File(PathBuf),
    /// The n-th entry of the zip's central directory.
    Zip(usize),
}

impl Entry {
    /// Where an I/O error happened, for `CheckError`.
    pub fn at_path(&self) -> PathBuf {
        match &self.at {
            Location::File(path) => path.clone(),
            Location::Zip(_) => PathBuf::from(&self.path),
        }
    }

    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// File name without its extension: "Stems/Kick.wav" → "Kick".
    pub fn stem_name(&self) -> &str {
        let file = self.file_name();
        match file.rfind('.') {
            Some(i) if i > 0 => &file[..i],
            _ => file,
        }
    }

    fn extension(&self) -> String {
        let file = self.file_name();
        file.rfind('.')
            .map(|i| file[i + 1..].to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Named like a WAV: checked as a stem.
    pub fn is_wav_named(&self) -> bool {
        matches!(self.extension().as_str(), "wav" | "wave" | "bwf")
    }

    /// Named like other audio (MP3, AIFF…): a stem in the wrong format, reported `not_wav`.
    pub fn is_audio_named(&self) -> bool {
        self.is_wav_named()
            || matches!(
                self.extension().as_str(),
                "mp3"
                    | "aif"
                    | "aiff"
                    | "aifc"
                    | "flac"
                    | "ogg"
                    | "oga"
                    | "opus"
                    | "m4a"
                    | "aac"
                    | "wma"
                    | "alac"
                    | "caf"
                    | "mp2"
            )
    }
}

/// What listing a trackout found, before any audio is read.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub entries: Vec<Entry>,
    /// Refused entries and archive-level problems.
    pub findings: Vec<Finding>,
    /// Things that are neither files nor folders (devices, sockets): listed, never opened.
    pub other: Vec<String>,
    /// Set when nothing in the trackout can be trusted (unreadable zip, over a cap): no
    /// entry is read.
    pub fatal: bool,
}

impl Listing {
    pub fn fatal(finding: Finding) -> Self {
        Listing {
            findings: vec![finding],
            fatal: true,
            ..Listing::default()
        }
    }
}

/// Reading entries out of an archive. Each scanning thread holds its own handle, so threads
/// never share a file position.
pub(crate) trait Archive: Sync {
    type Handle;
    fn handle(&self) -> io::Result<Self::Handle>;
    /// A reader over the entry's inflated bytes, or why it cannot be read (a message for a
    /// `corrupt_archive` finding).
    fn open<'h>(
        &'h self,
        handle: &'h mut Self::Handle,
        index: usize,
    ) -> Result<Box<dyn Read + 'h>, String>;
}

/// A folder has no archive; every entry is a `Location::File`.
pub(crate) struct NoArchive;

impl Archive for NoArchive {
    type Handle = ();
    fn handle(&self) -> io::Result<()> {
        Ok(())
    }
    fn open<'h>(&'h self, _: &'h mut (), _: usize) -> Result<Box<dyn Read + 'h>, String> {
        Err("a folder has no archive entries".into())
    }
}
