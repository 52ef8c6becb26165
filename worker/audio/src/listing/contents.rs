//! Sorting a trackout's files into stems, masters and the rest, by name alone.

use std::cmp::Reverse;

use super::{Entry, Listing};
use crate::naming::{self, master_name};

/// The extension, lower case, without its dot ("" when there is none).
fn extension(path: &str) -> String {
    let file = naming::file_name(path);
    file.rfind('.')
        .filter(|&i| i > 0)
        .map(|i| file[i + 1..].to_ascii_lowercase())
        .unwrap_or_default()
}

/// Named like a WAV (`.wav`, `.wave`, `.bwf`, any case): checked as a stem, or the master.
pub fn is_wav_name(path: &str) -> bool {
    matches!(extension(path).as_str(), "wav" | "wave" | "bwf")
}

/// Named like audio: a WAV, or another format (MP3, AIFF, FLAC…) that is a stem exported in
/// the wrong format, which the check reports as `not_wav`.
pub fn is_audio_name(path: &str) -> bool {
    is_wav_name(path)
        || matches!(
            extension(path).as_str(),
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

/// Puts each file where it belongs and sorts every list (see the module's rule).
pub(super) fn sort_out(files: Vec<Entry>, listing: &mut Listing) {
    for entry in files {
        let is_master = master_name(entry.stem_name()).is_some();
        if is_wav_name(&entry.path) && is_master {
            listing.masters.push(entry);
        } else if is_audio_name(&entry.path) && !is_master {
            listing.stems.push(entry);
        } else {
            // Artwork, a readme, a project file, or a master in another format ("Master.mp3").
            listing.other.push(entry.path);
        }
    }
    listing.stems.sort_by(|a, b| a.path.cmp(&b.path));
    listing.masters.sort_by_key(|e| {
        (
            Reverse(master_name(e.stem_name())),
            e.path.matches('/').count(),
            e.path.clone(),
        )
    });
    listing.other.sort();
}
