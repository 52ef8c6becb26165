//! Building the base bundle from a checked trackout.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use trackout_media::wav::WavInfo;

use super::archive::ZipOut;
use super::hashing::{Hashing, sha256_hex};
use super::manifest::{FORMAT, Manifest, ManifestBeat, ManifestFile, ManifestStem, hundredths};
use super::texts::{CUE_SHEET, MANIFEST, README, cue_sheet, readme};
use super::trackout::{self, StemSource, open_stem};
use super::{BundleReport, BundledStem};
use crate::error::RenderError;
use crate::meta::BeatMeta;
use crate::meter::{StemMeter, to_db};
use crate::naming::bundle_folder_name;
use crate::riff::{SourceHeader, Tagging, output_header};
use crate::stem::tag_stem_tapped;

enum Item<'a> {
    Text(Vec<u8>),
    Stem(&'a StemSource, &'a WavInfo, u64),
}

/// Builds the base bundle of `trackout` (a folder or a zip, already checked) into `out`.
/// Each stem is read twice: its header first (for the README, cue sheet and sizes), then
/// once in full while it is tagged, hashed, measured and written.
pub fn build_bundle(
    trackout: &Path,
    meta: &BeatMeta,
    out: &Path,
) -> Result<BundleReport, RenderError> {
    meta.validate()?;
    let isrc = meta.isrc_code()?;
    let folder = bundle_folder_name(meta);
    let listing = trackout::list(trackout)?;
    let mut zip_in = if trackout.is_dir() {
        None
    } else {
        Some(trackout::open_zip(trackout)?)
    };

    let mut stems: Vec<(StemSource, WavInfo)> = Vec::with_capacity(listing.stems.len());
    let mut sizes = Vec::with_capacity(listing.stems.len());
    for stem in &listing.stems {
        let what = format!("stem {}", stem.source_path);
        let mut r = open_stem(stem, zip_in.as_mut())?;
        let source = SourceHeader::read_stream(&mut r, &what)?;
        let header = output_header(&source, &tagging(meta, stem, &source))?;
        let data = source.info.data_len;
        sizes.push(header.len() as u64 + data + data % 2);
        stems.push((stem.clone(), source.info));
    }

    let mut items: Vec<(String, Item<'_>)> = vec![
        (
            format!("{folder}/{README}"),
            Item::Text(readme(meta, &folder, &stems, isrc.as_deref())),
        ),
        (
            format!("{folder}/{CUE_SHEET}"),
            Item::Text(cue_sheet(meta, &stems, isrc.as_deref())),
        ),
    ];
    for ((stem, info), size) in stems.iter().zip(&sizes) {
        items.push((
            format!("{folder}/{}", stem.file_name),
            Item::Stem(stem, info, *size),
        ));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));

    let io = |e| RenderError::write(out, e);
    let file = File::create(out).map_err(io)?;
    let mut zip = ZipOut::new(BufWriter::with_capacity(1 << 20, file), 0);
    zip.add_dir(&format!("{folder}/")).map_err(io)?;
    let mut files = Vec::with_capacity(items.len());
    let mut bundled = Vec::with_capacity(stems.len());
    for (path, item) in items {
        match item {
            Item::Text(bytes) => {
                zip.add_bytes(&path, &bytes).map_err(io)?;
                files.push(ManifestFile {
                    path,
                    size: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                    stem: None,
                });
            }
            Item::Stem(stem, info, size) => {
                let (file, report) =
                    add_stem(&mut zip, zip_in.as_mut(), meta, stem, info, path, size)?;
                files.push(file);
                bundled.push(report);
            }
        }
    }
    let manifest = Manifest {
        format: FORMAT.to_string(),
        folder: folder.clone(),
        beat: ManifestBeat::new(meta, isrc),
        licensed_to: None,
        files,
    };
    let manifest_offset = zip.position();
    zip.add_bytes(&format!("{folder}/{MANIFEST}"), &manifest.to_bytes())
        .map_err(io)?;
    let (_, bytes) = zip.finish().map_err(io)?;
    Ok(BundleReport {
        folder,
        bytes,
        manifest_offset,
        stems: bundled,
        skipped: listing.skipped,
    })
}

fn tagging<'a>(meta: &'a BeatMeta, stem: &'a StemSource, source: &SourceHeader) -> Tagging<'a> {
    Tagging {
        meta,
        role: Some(stem.role),
        format: source.info.format,
        source_bext: source.bext.clone(),
        loudness: None,
    }
}

fn add_stem(
    zip: &mut ZipOut<BufWriter<File>>,
    zip_in: Option<&mut zip::ZipArchive<std::io::BufReader<File>>>,
    meta: &BeatMeta,
    stem: &StemSource,
    info: &WavInfo,
    path: String,
    size: u64,
) -> Result<(ManifestFile, BundledStem), RenderError> {
    let what = format!("stem {}", stem.source_path);
    let mut meter = StemMeter::new(info.format);
    let mut sha256 = String::new();
    zip.add_streamed(&path, size, |w| {
        let mut r = open_stem(stem, zip_in)?;
        let mut hashing = Hashing::new(w);
        tag_stem_tapped(&mut r, &mut hashing, meta, stem.role, &what, &mut |bytes| {
            meter.add_bytes(bytes)
        })?;
        let (_, crc, sha) = hashing.finish();
        sha256 = sha;
        Ok(crc)
    })?;
    let levels = meter.finish();
    let f = &info.format;
    let audio = ManifestStem {
        role: stem.role.to_string(),
        source: stem.source_path.clone(),
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        sample_format: f.sample_format.as_str().to_string(),
        channels: f.channels,
        frames: info.frames,
        duration_seconds: info.duration_seconds(),
        peak_dbfs: hundredths(to_db(levels.peak)),
        rms_dbfs: hundredths(to_db(levels.rms)),
        loudness_lufs: hundredths(levels.integrated_lufs),
    };
    let report = BundledStem {
        path: path.clone(),
        source: stem.source_path.clone(),
        role: stem.role.to_string(),
        sample_rate: f.sample_rate,
        bit_depth: f.bits_per_sample,
        channels: f.channels,
        frames: info.frames,
        duration_seconds: info.duration_seconds(),
        bytes: size,
        sha256: sha256.clone(),
        peak_dbfs: audio.peak_dbfs,
        loudness_lufs: audio.loudness_lufs,
    };
    Ok((
        ManifestFile {
            path,
            size,
            sha256,
            stem: Some(audio),
        },
        report,
    ))
}
