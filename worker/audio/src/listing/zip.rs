//! Listing and reading a zip without extracting it. Entries are inflated straight into the
//! sample scan; nothing is written anywhere, so no entry name can ever reach the filesystem.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::PathBuf;

use zip::CompressionMethod;
use zip::read::{Config, OwnedZipFileEntry, ZipReadOptions};
use zip::unstable::read::ZipIterable;

use super::contents::sort_out;
use super::entry_name::{EntryName, classify};
use super::{Archive, Entry, Issue, IssueKind, Listing, Location};
use crate::settings::CheckLimits;
use crate::sniff::{SNIFF_BYTES, Sniffed, sniff};
use crate::text::{bytes, thousands};

/// Where the zip's bytes come from; each reading thread opens its own reader.
pub trait OpenArchive: Sync {
    type Reader: Read + Seek;
    fn open(&self) -> io::Result<Self::Reader>;
}

/// A zip file on disk.
pub struct FileArchive(pub PathBuf);

impl OpenArchive for FileArchive {
    type Reader = File;
    fn open(&self) -> io::Result<File> {
        File::open(&self.0)
    }
}

/// A zip held in memory.
pub struct BytesArchive<'a>(pub &'a [u8]);

impl<'a> OpenArchive for BytesArchive<'a> {
    type Reader = Cursor<&'a [u8]>;
    fn open(&self) -> io::Result<Cursor<&'a [u8]>> {
        Ok(Cursor::new(self.0))
    }
}

/// A zip trackout, listed once; entries are read through [`Archive`].
pub struct ZipTrackout<O> {
    source: O,
    /// Every central-directory entry, in order; `Location::Zip` indexes this.
    entries: Vec<OwnedZipFileEntry>,
}

impl<O: OpenArchive> ZipTrackout<O> {
    /// Walks the central directory once, checking each local header against it, and judges
    /// every name before anything is inflated. Fails only when the zip cannot be opened.
    pub fn list(source: O, limits: &CheckLimits) -> io::Result<(Self, Listing)> {
        let reader = source.open()?;
        let mut zip = ZipTrackout {
            source,
            entries: Vec::new(),
        };
        let corrupt =
            |message: String| Listing::fatal(Issue::new(IssueKind::Corrupt, None, message));
        let mut iterable = match ZipIterable::try_new(reader, Config::default()) {
            Ok(iterable) => iterable.enforce_header_consistency(true),
            Err(e) => {
                let message = unreadable_message(&zip.source, &e);
                return Ok((zip, corrupt(message)));
            }
        };
        if iterable.len() as u64 > limits.max_entries {
            let message = format!(
                "the zip holds {} entries; the limit is {}. Zip only the stems",
                thousands(iterable.len() as u64),
                thousands(limits.max_entries)
            );
            return Ok((
                zip,
                Listing::fatal(Issue::new(IssueKind::TooLarge, None, message)),
            ));
        }
        let files = match iterable.files() {
            Ok(files) => files,
            Err(e) => {
                return Ok((
                    zip,
                    corrupt(format!("the zip's central directory cannot be read: {e}")),
                ));
            }
        };
        let mut listing = Listing::default();
        let mut listed = Vec::new();
        for (i, item) in files.enumerate() {
            let entry = match item {
                Ok(entry) => OwnedZipFileEntry::from(entry),
                Err(e) => {
                    let message = format!(
                        "entry {} of the zip does not match its header or cannot be read ({e}); \
                         zip the stem folder again",
                        i + 1
                    );
                    return Ok((zip, corrupt(message)));
                }
            };
            if let Some(entry) = judge(&entry, zip.entries.len(), &mut listing) {
                listed.push(entry);
            }
            zip.entries.push(entry);
        }
        let declared: u64 = listed.iter().map(|e| e.size).fold(0, u64::saturating_add);
        if declared > limits.max_inflated_bytes {
            let message = format!(
                "the zip would inflate to {} by its headers; the limit is {}",
                bytes(declared),
                bytes(limits.max_inflated_bytes)
            );
            return Ok((
                zip,
                Listing::fatal(Issue::new(IssueKind::TooLarge, None, message)),
            ));
        }
        sort_out(listed, &mut listing);
        Ok((zip, listing))
    }
}

/// Why a trackout file is not a zip, in the producer's terms: a single WAV given where the
/// stem folder was expected is a different mistake from a damaged download.
fn unreadable_message<O: OpenArchive>(source: &O, e: &zip::result::ZipError) -> String {
    let mut head = [0u8; SNIFF_BYTES];
    let n = source
        .open()
        .and_then(|mut r| crate::read_full(&mut r, &mut head))
        .unwrap_or(0);
    if sniff(&head[..n]) == Sniffed::Wav {
        return "the trackout is a single WAV file; a trackout is a folder or a zip holding \
                one WAV per instrument"
            .into();
    }
    format!(
        "the trackout is not a readable zip ({e}); it may be truncated or damaged, so zip the \
         stem folder again and re-upload it"
    )
}

/// Decides what an entry is; refused entries become findings and are never opened.
fn judge(entry: &OwnedZipFileEntry, index: usize, listing: &mut Listing) -> Option<Entry> {
    let decoded = match entry.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
    };
    let shown = decoded.escape_debug().to_string();
    let path = match classify(entry.name_raw(), &decoded) {
        EntryName::Dir | EntryName::Ignored => return None,
        EntryName::Unsafe(why) => {
            let message =
                format!("\"{shown}\" was refused: {why}; it was neither extracted nor read");
            listing
                .issues
                .push(Issue::new(IssueKind::UnsafePath, Some(&shown), message));
            return None;
        }
        EntryName::File(path) => path,
    };
    let refuse = |kind, message: String| Issue::new(kind, Some(&path), message);
    if entry.is_symlink() {
        let message =
            format!("{path} is a symbolic link; links are never followed, zip the file itself");
        listing.issues.push(refuse(IssueKind::UnsafePath, message));
        return None;
    }
    if entry.encrypted() {
        let message = format!("{path} is encrypted; zip the stems without a password");
        listing.issues.push(refuse(IssueKind::Corrupt, message));
        return None;
    }
    if !matches!(
        entry.compression(),
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        let message = format!(
            "{path} is compressed with {:?}, which the check cannot read; zip with the standard \
             Deflate method, or store it",
            entry.compression()
        );
        listing.issues.push(refuse(IssueKind::Corrupt, message));
        return None;
    }
    Some(Entry {
        path,
        size: entry.size(),
        at: Location::Zip(index),
    })
}

impl<O: OpenArchive> Archive for ZipTrackout<O> {
    type Handle = O::Reader;

    fn handle(&self) -> io::Result<O::Reader> {
        self.source.open()
    }

    fn open<'h>(
        &'h self,
        handle: &'h mut O::Reader,
        index: usize,
    ) -> Result<Box<dyn Read + 'h>, String> {
        let entry = self.entries.get(index).ok_or("no such entry")?;
        match entry.as_ref().with_reader(handle, ZipReadOptions::new()) {
            Ok(file) => Ok(Box::new(file)),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// What a zip says its entries inflate to, from its central directory alone (no entry is
/// read): what a trackout will take once unpacked and bundled, for storage quotas. A zip that
/// lies about it is caught by the check, which counts every byte it inflates.
pub fn declared_inflated_size<R: Read + Seek>(reader: R) -> io::Result<u64> {
    let mut archive = zip::ZipArchive::new(reader).map_err(io::Error::other)?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(io::Error::other)?;
        total = total.saturating_add(entry.size());
    }
    Ok(total)
}
