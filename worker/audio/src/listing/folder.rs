//! Listing a folder trackout. Links are reported, never followed; anything that is not a
//! plain file or folder (a FIFO would block a read forever) is left alone.

use std::fs;
use std::path::{Path, PathBuf};

use super::contents::sort_out;
use super::entry_name::is_ignored;
use super::{Entry, Issue, IssueKind, Listing, Location, ReadError};
use crate::settings::CheckLimits;
use crate::text::{bytes, thousands};

/// Lists every file under `root`, to any depth. The caps are checked here, before any audio
/// is read: every file and folder met counts against `max_entries`, and the files' sizes
/// against `max_inflated_bytes`; reading counts the bytes again.
pub fn list_folder(root: &Path, limits: &CheckLimits) -> Result<Listing, ReadError> {
    let mut listing = Listing::default();
    let mut files = Vec::new();
    // An explicit stack, not recursion: a deep tree cannot exhaust the thread's stack.
    let mut pending: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    let mut seen: u64 = 0;
    let mut total: u64 = 0;
    while let Some((dir, prefix)) = pending.pop() {
        let mut children: Vec<fs::DirEntry> = fs::read_dir(&dir)
            .and_then(|it| it.collect::<Result<_, _>>())
            .map_err(|e| ReadError::new(&dir, e))?;
        children.sort_by_key(|c| c.file_name());
        for child in children {
            seen += 1;
            if seen > limits.max_entries {
                let message = format!(
                    "the trackout holds more than {} files and folders; the limit is {}",
                    thousands(limits.max_entries),
                    thousands(limits.max_entries)
                );
                return Ok(Listing::fatal(Issue::new(
                    IssueKind::TooLarge,
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
                .map_err(|e| ReadError::new(child.path(), e))?;
            if kind.is_symlink() {
                let message = format!(
                    "{path} is a symbolic link; it was not followed. Put the file itself in the trackout"
                );
                listing
                    .issues
                    .push(Issue::new(IssueKind::UnsafePath, Some(&path), message));
            } else if kind.is_dir() {
                pending.push((child.path(), format!("{path}/")));
            } else if kind.is_file() {
                let size = child
                    .metadata()
                    .map_err(|e| ReadError::new(child.path(), e))?
                    .len();
                total = total.saturating_add(size);
                files.push(Entry {
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
        return Ok(Listing::fatal(Issue::new(
            IssueKind::TooLarge,
            None,
            message,
        )));
    }
    sort_out(files, &mut listing);
    Ok(listing)
}
