//! Reading the listed entries: each reading thread holds its own handle on the archive (an
//! open zip file), so threads never share a file position.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::zip::{FileArchive, ZipTrackout};
use super::{Entry, Listing, Location, ReadError, list_folder};
use crate::settings::CheckLimits;

/// Where a trackout's entries are read from.
pub trait Archive: Sync {
    type Handle;
    /// A new handle for one thread.
    fn handle(&self) -> io::Result<Self::Handle>;
    /// A reader over the `index`-th entry's inflated bytes, or why it cannot be read (the
    /// archive is damaged there: a `corrupt_archive` finding).
    fn open<'h>(
        &'h self,
        handle: &'h mut Self::Handle,
        index: usize,
    ) -> Result<Box<dyn Read + 'h>, String>;
}

/// A folder has no archive; every entry is a `Location::File`.
pub struct NoArchive;

impl Archive for NoArchive {
    type Handle = ();
    fn handle(&self) -> io::Result<()> {
        Ok(())
    }
    fn open<'h>(&'h self, _: &'h mut (), _: usize) -> Result<Box<dyn Read + 'h>, String> {
        Err("a folder has no archive entries".into())
    }
}

/// Why an entry cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file (or the zip holding it) cannot be opened: a disk or permission problem.
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The zip is damaged at this entry.
    #[error("{0}")]
    Damaged(String),
}

/// Opens entries of one trackout, one at a time, through a handle of its own (one per
/// thread; it is opened on first use and kept).
pub struct EntryReader<'a, A: Archive> {
    archive: &'a A,
    handle: Option<A::Handle>,
}

impl<'a, A: Archive> EntryReader<'a, A> {
    pub fn new(archive: &'a A) -> Self {
        EntryReader {
            archive,
            handle: None,
        }
    }

    /// A reader from the entry's first byte.
    pub fn open(&mut self, entry: &Entry) -> Result<Box<dyn Read + '_>, OpenError> {
        match &entry.at {
            Location::File(path) => match File::open(path) {
                Ok(file) => Ok(Box::new(file)),
                Err(source) => Err(OpenError::Io {
                    path: path.clone(),
                    source,
                }),
            },
            Location::Zip(index) => {
                let handle = match &mut self.handle {
                    Some(handle) => handle,
                    slot @ None => {
                        slot.insert(self.archive.handle().map_err(|source| OpenError::Io {
                            path: PathBuf::from("the trackout zip"),
                            source,
                        })?)
                    }
                };
                self.archive.open(handle, *index).map_err(|why| {
                    OpenError::Damaged(format!("{} cannot be read from the zip: {why}", entry.path))
                })
            }
        }
    }
}

/// A trackout on disk, a folder or a zip file, as [`open`] found it.
pub enum Trackout {
    Folder,
    Zip(ZipTrackout<FileArchive>),
}

impl Archive for Trackout {
    type Handle = Option<File>;

    fn handle(&self) -> io::Result<Option<File>> {
        match self {
            Trackout::Folder => Ok(None),
            Trackout::Zip(zip) => zip.handle().map(Some),
        }
    }

    fn open<'h>(
        &'h self,
        handle: &'h mut Option<File>,
        index: usize,
    ) -> Result<Box<dyn Read + 'h>, String> {
        match (self, handle) {
            (Trackout::Zip(zip), Some(handle)) => zip.open(handle, index),
            _ => Err("a folder has no archive entries".into()),
        }
    }
}

/// Lists the trackout at `path`: a folder, or any other file read as a zip.
pub fn open(path: &Path, limits: &CheckLimits) -> Result<(Trackout, Listing), ReadError> {
    let meta = fs::metadata(path).map_err(|e| ReadError::new(path, e))?;
    if meta.is_dir() {
        Ok((Trackout::Folder, list_folder(path, limits)?))
    } else if meta.is_file() {
        let (zip, listing) = ZipTrackout::list(FileArchive(path.to_path_buf()), limits)
            .map_err(|e| ReadError::new(path, e))?;
        Ok((Trackout::Zip(zip), listing))
    } else {
        Err(ReadError::new(
            path,
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is neither a folder nor a file",
            ),
        ))
    }
}
