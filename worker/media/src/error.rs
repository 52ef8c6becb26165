//! When the check itself cannot run. Everything wrong with the trackout's content is a
//! finding in the report, not an error.

use std::io;
use std::path::PathBuf;

use crate::wav::WavError;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{} does not exist", .path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{} is neither a folder nor a file", .path.display())]
    NotATrackout { path: PathBuf },
    #[error("the master {} is not usable: {reason}", .path.display())]
    MasterNotWav { path: PathBuf, reason: WavError },
}

impl CheckError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::NotFound {
            CheckError::NotFound { path }
        } else {
            CheckError::Unreadable { path, source }
        }
    }
}
