//! A folder trackout goes up as a zip: the store takes a trackout as one file. The zip is
//! written stored (WAV barely compresses) straight into a temporary file, a file at a time,
//! so memory stays flat whatever the folder holds. It holds what the check listed (stems,
//! masters, other files), under the same paths, so the store's check sees what the local one
//! saw; what the listing ignores (`.DS_Store`, `__MACOSX/`…) and links stay out.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use trackout_audio::CheckLimits;
use trackout_audio::listing::{Location, list_folder};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Zips `root` into a new temporary file in the system's temporary folder; the file is
/// removed when the answer is dropped.
pub fn zip_folder(root: &Path, limits: &CheckLimits) -> anyhow::Result<tempfile::NamedTempFile> {
    let listing = list_folder(root, limits)?;
    if listing.fatal {
        let why: Vec<_> = listing.issues.iter().map(|i| i.message.clone()).collect();
        anyhow::bail!("{} cannot be zipped: {}", root.display(), why.join("; "));
    }
    let mut files: Vec<(String, std::path::PathBuf)> = listing
        .stems
        .iter()
        .chain(&listing.masters)
        .filter_map(|e| match &e.at {
            Location::File(path) => Some((e.path.clone(), path.clone())),
            Location::Zip(_) => None,
        })
        .collect();
    // Other files are listed by path only; a FIFO or a link among them is not a plain file.
    for other in &listing.other {
        let path = root.join(other);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            files.push((other.clone(), path));
        }
    }
    files.sort();
    let out = tempfile::Builder::new()
        .prefix("trackout-")
        .suffix(".zip")
        .tempfile()?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, out.reopen()?));
    for (name, path) in files {
        let mut source = File::open(&path)?;
        let size = source.metadata()?.len();
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(size >= u64::from(u32::MAX));
        zip.start_file(name.as_str(), options)?;
        std::io::copy(&mut source, &mut zip)?;
    }
    zip.finish()?.flush()?;
    Ok(out)
}
