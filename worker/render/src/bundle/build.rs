//! Building the base bundle from a checked trackout.
//!
//! Every stem's tagged size is known from its header, so the whole archive is laid out
//! before a byte of audio moves: each entry's offset is fixed, the stems are written in
//! parallel at their offsets (see `stems.rs`), and the manifest and central directory
//! follow. The bytes do not depend on which thread wrote what.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use trackout_audio::listing::{self, Archive, EntryReader};
use trackout_audio::settings::CheckLimits;
use trackout_audio::wav::WavInfo;

use super::BundleReport;
use super::archive::{ZipEntry, ZipOut, local_header, planned_dir, planned_entry};
use super::hashing::sha256_hex;
use super::manifest::{FORMAT, Manifest, ManifestBeat, ManifestFile};
use super::sources::{self, StemSource, open_stem};
use super::stems::{StemJob, write_stems};
use super::texts::{CUE_SHEET, MANIFEST, README, cue_sheet, readme};
use crate::error::RenderError;
use crate::meta::BeatMeta;
use crate::naming::bundle_folder_name;
use crate::riff::{SourceHeader, Tagging, output_header};

/// What goes in an entry: text made here, or stem `i`.
enum Content {
    Text(Vec<u8>),
    Stem(usize),
}

/// Builds the base bundle of `trackout` (a folder or a zip, already checked) into `out`.
/// The stems are the ones the check checked: the same listing, under the same `limits`.
/// Each stem is read twice: its header first (for the README, the cue sheet and the
/// layout), then once in full while it is tagged, hashed, measured and written.
pub fn build_bundle(
    trackout: &Path,
    meta: &BeatMeta,
    limits: &CheckLimits,
    out: &Path,
) -> Result<BundleReport, RenderError> {
    meta.validate()?;
    let isrc = meta.isrc_code()?;
    let folder = bundle_folder_name(meta);
    let (archive, listing) =
        listing::open(trackout, limits).map_err(|e| RenderError::read(&e.path, e.source))?;
    let (sources, skipped) = sources::stems(trackout, listing)?;
    let stems = read_headers(&archive, meta, &sources)?;
    let infos: Vec<(StemSource, WavInfo)> = stems
        .iter()
        .map(|(s, i, _)| (s.clone(), i.clone()))
        .collect();

    let mut contents = vec![
        (
            format!("{folder}/{README}"),
            Content::Text(readme(meta, &folder, &infos, isrc.as_deref())),
        ),
        (
            format!("{folder}/{CUE_SHEET}"),
            Content::Text(cue_sheet(meta, &infos, isrc.as_deref())),
        ),
    ];
    contents.extend(
        stems
            .iter()
            .enumerate()
            .map(|(i, (s, _, _))| (format!("{folder}/{}", s.file_name), Content::Stem(i))),
    );
    contents.sort_by(|a, b| a.0.cmp(&b.0));

    // The layout: the folder, every file by name, then (at `end`) the manifest.
    let io = |e| RenderError::write(out, e);
    let dir = planned_dir(&format!("{folder}/"), 0).map_err(io)?;
    let mut end = 30 + dir.name.len() as u64;
    let mut entries = vec![dir];
    let mut stem_entry = vec![0; stems.len()];
    for (name, content) in &contents {
        let size = match content {
            Content::Text(bytes) => bytes.len() as u64,
            Content::Stem(i) => {
                stem_entry[*i] = entries.len();
                stems[*i].2
            }
        };
        entries.push(planned_entry(name, size, end).map_err(io)?);
        end += 30 + name.len() as u64 + size;
    }

    let mut file = File::create(out).map_err(io)?;
    write_entry(&mut file, &mut entries[0], &[]).map_err(io)?;
    for (entry, (_, content)) in entries[1..].iter_mut().zip(&contents) {
        if let Content::Text(bytes) = content {
            write_entry(&mut file, entry, bytes).map_err(io)?;
        }
    }
    let jobs: Vec<StemJob<'_>> = stems
        .iter()
        .zip(&stem_entry)
        .map(|((stem, info, _), &e)| StemJob {
            stem,
            info,
            entry: entries[e].clone(),
        })
        .collect();
    let written = write_stems(&archive, out, meta, &jobs)?;

    let mut files = Vec::with_capacity(contents.len());
    for (entry, (_, content)) in entries[1..].iter_mut().zip(&contents) {
        files.push(match content {
            Content::Text(bytes) => ManifestFile {
                path: entry.name.clone(),
                size: entry.size,
                sha256: sha256_hex(bytes),
                stem: None,
            },
            Content::Stem(i) => {
                entry.crc32 = written[*i].crc32;
                written[*i].manifest.clone()
            }
        });
    }
    let manifest = Manifest {
        format: FORMAT.to_string(),
        folder: folder.clone(),
        beat: ManifestBeat::new(meta, isrc),
        licensed_to: None,
        splits: Vec::new(),
        files,
    };
    file.seek(SeekFrom::Start(end)).map_err(io)?;
    let mut zip = ZipOut::new(BufWriter::new(file), end);
    for entry in entries {
        zip.adopt(entry);
    }
    zip.add_bytes(&format!("{folder}/{MANIFEST}"), &manifest.to_bytes())
        .map_err(io)?;
    let (_, bytes) = zip.finish().map_err(io)?;
    Ok(BundleReport {
        folder,
        bytes,
        manifest_offset: end,
        stems: written.into_iter().map(|w| w.report).collect(),
        skipped,
    })
}

/// Each stem's header and its size once tagged.
fn read_headers<A: Archive>(
    archive: &A,
    meta: &BeatMeta,
    stems: &[StemSource],
) -> Result<Vec<(StemSource, WavInfo, u64)>, RenderError> {
    let mut reader = EntryReader::new(archive);
    stems
        .iter()
        .map(|stem| {
            let what = format!("stem {}", stem.source_path());
            let mut r = open_stem(&mut reader, stem)?;
            let source = SourceHeader::read_stream(&mut r, &what)?;
            let tagging = Tagging {
                meta,
                role: Some(stem.role),
                format: source.info.format,
                source_bext: source.bext.clone(),
                loudness: None,
            };
            let header = output_header(&source, &tagging)?;
            let data = source.info.data_len;
            Ok((
                stem.clone(),
                source.info,
                header.len() as u64 + data + data % 2,
            ))
        })
        .collect()
}

/// Writes a small entry (the folder, a text) at its planned offset.
fn write_entry(file: &mut File, entry: &mut ZipEntry, bytes: &[u8]) -> std::io::Result<()> {
    entry.crc32 = crc32fast::hash(bytes);
    file.seek(SeekFrom::Start(entry.offset))?;
    file.write_all(&local_header(entry))?;
    file.write_all(bytes)
}

/// Patches an entry's CRC-32 into its local header, written with a zero there.
pub(crate) fn patch_crc(file: &mut File, entry: &ZipEntry) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(entry.offset + 14))?;
    file.write_all(&entry.crc32.to_le_bytes())
}

pub(crate) fn open_for_writing(out: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).open(out)
}
