//! A buyer's bundle: the base bundle up to its manifest, then the license files, a new
//! manifest naming the buyer, and a new central directory.
//!
//! Only the base's end records, central directory and manifest are read (a few KiB to a few
//! hundred KiB, whatever the stems weigh), so a purchase costs the same for a 60 MB trackout
//! and a 6 GB one, and the stored object can be assembled by a ranged copy of the base plus
//! an upload of the tail (an S3 multipart copy, or two reads for a local file).

use std::io::{Read, Seek, Write};

use super::archive::{ZipOut, read_central_directory, read_stored_entry};
use super::hashing::sha256_hex;
use super::manifest::{FORMAT, Manifest, ManifestFile};
use super::texts::{CUE_SHEET, MANIFEST, cue_sheet_with_splits};
use super::{BundleFile, PersonalizedTail, SplitParty};
use crate::error::RenderError;
use trackout_audio::naming::safe_component;

/// A manifest lists files, not audio: this is far more than any bundle's.
const MAX_MANIFEST: u64 = 16 << 20;

/// Writes to `out_tail` what follows the first `keep_prefix_bytes` bytes of `base` in the
/// personalized bundle: `extras` (placed in the top folder), a manifest listing them and
/// naming the buyer (`buyer_note`, e.g. "Licensed to Jane Doe, license TRK-7F3K2"; empty for
/// none), and the central directory.
pub fn personalize_bundle(
    base: &mut (impl Read + Seek),
    extras: &[BundleFile],
    buyer_note: &str,
    out_tail: &mut impl Write,
) -> Result<PersonalizedTail, RenderError> {
    personalize_bundle_with_splits(base, extras, buyer_note, &[], out_tail)
}

/// As [`personalize_bundle`], and with a purchase's frozen split (when it has one): the
/// manifest lists the parties and `cue_sheet.csv` is rewritten in the tail to credit them
/// (the base's cue sheet stays in the kept bytes, no longer listed in the directory).
pub fn personalize_bundle_with_splits(
    base: &mut (impl Read + Seek),
    extras: &[BundleFile],
    buyer_note: &str,
    splits: &[SplitParty],
    out_tail: &mut impl Write,
) -> Result<PersonalizedTail, RenderError> {
    let directory = read_central_directory(base)?;
    let last = directory
        .entries
        .iter()
        .max_by_key(|e| e.offset)
        .ok_or_else(|| RenderError::Archive("the base bundle is empty".into()))?;
    let folder = match last.name.strip_suffix(MANIFEST) {
        Some(folder) if folder.ends_with('/') && !folder[..folder.len() - 1].contains('/') => {
            folder.to_string()
        }
        _ => {
            return Err(RenderError::Archive(format!(
                "the base bundle's last entry is {}, not its manifest: it was not made by build_bundle",
                last.name
            )));
        }
    };
    let manifest_entry = last.clone();
    let bytes = read_stored_entry(base, &manifest_entry, MAX_MANIFEST)?;
    let mut manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        RenderError::Archive(format!("the base bundle's manifest cannot be read: {e}"))
    })?;
    if manifest.format != FORMAT {
        return Err(RenderError::Archive(format!(
            "the base bundle's manifest is {}, not {FORMAT}",
            manifest.format
        )));
    }

    let mut extras: Vec<&BundleFile> = extras.iter().collect();
    extras.sort_by(|a, b| a.name.cmp(&b.name));
    let taken: Vec<String> = directory
        .entries
        .iter()
        .map(|e| e.name.to_lowercase())
        .collect();
    for (i, extra) in extras.iter().enumerate() {
        let valid = !extra.name.is_empty()
            && safe_component(&extra.name, "") == extra.name
            && !extra.name.eq_ignore_ascii_case(MANIFEST);
        if !valid {
            return Err(RenderError::Invalid(format!(
                "'{}' cannot be a file name in the bundle",
                extra.name
            )));
        }
        let path = format!("{folder}{}", extra.name).to_lowercase();
        if taken.contains(&path)
            || extras[..i]
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&extra.name))
        {
            return Err(RenderError::Invalid(format!(
                "the bundle already holds a file named {}",
                extra.name
            )));
        }
    }

    let cue_path = format!("{folder}{CUE_SHEET}");
    let cue_sheet = match directory.entries.iter().find(|e| e.name == cue_path) {
        Some(entry) if !splits.is_empty() => {
            let base_cue = read_stored_entry(base, entry, MAX_MANIFEST)?;
            let bytes = cue_sheet_with_splits(&base_cue, splits).ok_or_else(|| {
                RenderError::Archive("the base bundle's cue sheet cannot be read".into())
            })?;
            Some(bytes)
        }
        _ => None,
    };

    let keep = manifest_entry.offset;
    let mut zip = ZipOut::new(out_tail, keep);
    for entry in directory
        .entries
        .iter()
        .filter(|e| e.offset < keep && !(cue_sheet.is_some() && e.name == cue_path))
    {
        zip.adopt(entry.clone());
    }
    let io = |e| RenderError::io("cannot write the bundle's tail", e);
    if let Some(bytes) = &cue_sheet {
        zip.add_bytes(&cue_path, bytes).map_err(io)?;
        let listed = manifest.files.iter_mut().find(|f| f.path == cue_path);
        if let Some(listed) = listed {
            listed.size = bytes.len() as u64;
            listed.sha256 = sha256_hex(bytes);
        }
    }
    manifest.splits = splits.to_vec();
    for extra in &extras {
        let path = format!("{folder}{}", extra.name);
        zip.add_bytes(&path, &extra.bytes).map_err(io)?;
        manifest.files.push(ManifestFile {
            path,
            size: extra.bytes.len() as u64,
            sha256: sha256_hex(&extra.bytes),
            stem: None,
        });
    }
    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    let note = buyer_note.trim();
    manifest.licensed_to = (!note.is_empty()).then(|| note.to_string());
    zip.add_bytes(&manifest_entry.name, &manifest.to_bytes())
        .map_err(io)?;
    let (_, total) = zip.finish().map_err(io)?;
    Ok(PersonalizedTail {
        keep_prefix_bytes: keep,
        tail_bytes: total - keep,
        total_bytes: total,
    })
}
