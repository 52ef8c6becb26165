//! The stems of a trackout as the bundle names them. Which files are stems is not decided
//! here: it is the foundation's listing (`trackout_audio::listing`), the one the check
//! follows, with the check's limits. This only names them for the bundle and refuses what
//! the check would have refused.

use std::io::Read;
use std::path::Path;

use trackout_audio::listing::{Archive, Entry, EntryReader, IssueKind, Listing, OpenError};
use trackout_audio::naming::{self, role};

use crate::error::RenderError;

#[derive(Clone, Debug)]
pub(crate) struct StemSource {
    /// Where it is in the trackout; `entry.path` is its path as uploaded.
    pub entry: Entry,
    /// File name in the bundle ("Kick.wav"): the foundation's delivered name.
    pub file_name: String,
    /// The name without extension, as a DAW shows the track.
    pub name: String,
    pub role: &'static str,
}

impl StemSource {
    /// Its path inside the uploaded trackout.
    pub fn source_path(&self) -> &str {
        &self.entry.path
    }
}

/// The stems the listing found (sorted by bundle name) and the files left out (masters,
/// artwork, paperwork: sorted). A trackout with anything the check refuses (a cap passed, an
/// unsafe or unreadable entry, two stems with one delivered name, no stem) is refused.
pub(crate) fn stems(
    trackout: &Path,
    listing: Listing,
) -> Result<(Vec<StemSource>, Vec<String>), RenderError> {
    if let Some(issue) = listing.issues.first() {
        let why = format!(
            "the trackout {} cannot be bundled: {}",
            trackout.display(),
            issue.message
        );
        return Err(match issue.kind {
            IssueKind::TooLarge => RenderError::Unsupported(why),
            IssueKind::UnsafePath | IssueKind::Corrupt => RenderError::Archive(why),
        });
    }
    let mut stems: Vec<StemSource> = listing
        .stems
        .into_iter()
        .map(|entry| {
            let file_name = naming::stem_file_name(&entry.path);
            StemSource {
                name: file_name
                    .strip_suffix(".wav")
                    .unwrap_or(&file_name)
                    .to_string(),
                role: role(entry.stem_name()).as_str(),
                file_name,
                entry,
            }
        })
        .collect();
    stems.sort_by(|a, b| {
        (a.file_name.to_lowercase(), &a.file_name, &a.entry.path).cmp(&(
            b.file_name.to_lowercase(),
            &b.file_name,
            &b.entry.path,
        ))
    });
    for pair in stems.windows(2) {
        if pair[0].file_name.to_lowercase() == pair[1].file_name.to_lowercase() {
            return Err(RenderError::Invalid(format!(
                "{} and {} would both be {} in the bundle; rename one",
                pair[0].source_path(),
                pair[1].source_path(),
                pair[1].file_name
            )));
        }
    }
    if stems.is_empty() {
        return Err(RenderError::Invalid(
            "the trackout holds no WAV stems".into(),
        ));
    }
    stems.sort_by(|a, b| {
        a.file_name
            .cmp(&b.file_name)
            .then(a.entry.path.cmp(&b.entry.path))
    });
    let mut skipped: Vec<String> = listing.masters.into_iter().map(|e| e.path).collect();
    skipped.extend(listing.other);
    skipped.sort();
    Ok((stems, skipped))
}

/// Opens one stem for reading from the start of its WAV.
pub(crate) fn open_stem<'r, A: Archive>(
    reader: &'r mut EntryReader<'_, A>,
    stem: &StemSource,
) -> Result<Box<dyn Read + 'r>, RenderError> {
    reader.open(&stem.entry).map_err(|e| match e {
        OpenError::Io { path, source } => RenderError::read(&path, source),
        OpenError::Damaged(why) => RenderError::Archive(why),
    })
}
