//! Listing a folder trackout. Links are reported, never followed; anything that is not a
//! plain file or folder (a FIFO would block a read forever) is left alone.

use std::fs;
use std::path::{Path, PathBuf};

use super::entry_name::is_ignored;
use super::{Entry, Listing, Location};
use crate::error::CheckError;
use crate::limits::CheckLimits;
use crate::report::numbers::{bytes, thousands};
use crate::report::{Finding, FindingCode};

/// Lists every file under `root`, sorted by path. The caps are checked here, before any
/// audio is read; the scan counts bytes again as it reads.
pub(crate) fn list_folder(root: &Path, limits: &CheckLimits) -> Result<Listing, CheckError> {
    let mut listing = Listing::default();
    let mut pending: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    let mut seen: u64 = 0;
    let mut total: u64 = 0;
    while let Some((dir, prefix)) = pending.pop() {
        let mut children: Vec<fs::DirEntry> = fs::read_dir(&dir)
            .and_then(|it| it.collect::<Result<_, _>>())
            .map_err(|e| CheckError::io(&dir, e))?;
        children.sort_by_key(|c| c.file_name());
        for child in children {
            seen += 1;
            if seen > limits.max_entries {
                let message = format!(
                    "the trackout holds more than {} files and folders; the limit is {}",
                    thousands(limits.max_entries),
                    thousands(limits.max_entries)
                );
                return Ok(Listing::fatal(Finding::new(
                    FindingCode::ArchiveTooLarge,
                    None,
                    message,
                )));
            }
            let name = child.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if is_ignored(&path) {
                continue;
            }
            let kind = child
                .file_type()
                .map_err(|e| CheckError::io(child.path(), e))?;
            if kind.is_symlink() {
                let message = format!(
                    "{path} is a symbolic link; it was not followed. Put the file itself in the trackout"
                );
                listing
                    .findings
                    .push(Finding::new(FindingCode::UnsafePath, Some(&path), message));
            } else if kind.is_dir() {
                pending.push((child.path(), format!("{path}/")));
            } else if kind.is_file() {
                let size = child
                    .metadata()
                    .map_err(|e| CheckError::io(child.path(), e))?
                    .len();
                total = total.saturating_add(size);
                listing.entries.push(Entry {
                    path,
                    size,
                    at: Location::File(child.path()),
                });
            } else {
                listing.other.push(path);
            }
        }
    }
    if total > limits.max_inflated_bytes {
        let message = format!(
            "the trackout holds {} of files; the limit is {}",
            bytes(total),
            bytes(limits.max_inflated_bytes)
        );
        return Ok(Listing::fatal(Finding::new(
            FindingCode::ArchiveTooLarge,
            None,
            message,
        )));
    }
    listing.entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}
