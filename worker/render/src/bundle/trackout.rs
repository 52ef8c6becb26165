//! The stems of a trackout (a folder, or a zip) as the bundle names them.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use trackout_media::naming::{master_name, role};

use crate::error::RenderError;
use crate::naming::safe_component;

/// More than this many files is not a trackout (the check caps entries the same way).
const MAX_FILES: usize = 1_000;
const MAX_DEPTH: usize = 8;

#[derive(Clone, Debug)]
pub(crate) enum Origin {
    File(PathBuf),
    /// Index of the entry in the zip.
    Zip(usize),
}

#[derive(Clone, Debug)]
pub(crate) struct StemSource {
    /// Path inside the trackout, `/`-separated, as uploaded.
    pub source_path: String,
    /// File name in the bundle ("Kick.wav").
    pub file_name: String,
    /// The name without extension, as a DAW shows the track.
    pub name: String,
    pub role: &'static str,
    pub origin: Origin,
}

pub(crate) struct Listing {
    pub stems: Vec<StemSource>,
    /// Files that are not stems: a master, artwork, a project file.
    pub skipped: Vec<String>,
}

/// Lists `trackout` (a folder or a zip file). Stems are the WAV files not named as the
/// master; `__MACOSX/` and dot files are ignored. Stems are sorted by bundle name.
pub(crate) fn list(trackout: &Path) -> Result<Listing, RenderError> {
    let meta = fs::metadata(trackout).map_err(|e| RenderError::read(trackout, e))?;
    let mut paths = Vec::new();
    if meta.is_dir() {
        walk(trackout, "", 0, &mut paths)?;
    } else {
        let mut zip = open_zip(trackout)?;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(|e| archive(trackout, e))?;
            if entry.is_dir() {
                continue;
            }
            let Some(name) = entry.enclosed_name() else {
                let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
                return Err(RenderError::Archive(format!(
                    "the trackout holds an unsafe path: {raw}"
                )));
            };
            let path = name.to_string_lossy().replace('\\', "/");
            paths.push((path, Origin::Zip(i)));
        }
    }
    if paths.len() > MAX_FILES {
        return Err(RenderError::Unsupported(format!(
            "the trackout holds over {MAX_FILES} files"
        )));
    }
    let mut stems = Vec::new();
    let mut skipped = Vec::new();
    for (path, origin) in paths {
        let file = path.rsplit('/').next().unwrap_or(&path).to_string();
        if path
            .split('/')
            .any(|c| c == "__MACOSX" || c.starts_with('.'))
        {
            continue;
        }
        let (stem_name, ext) = file.rsplit_once('.').unwrap_or((&file, ""));
        let is_wav = ext.eq_ignore_ascii_case("wav") || ext.eq_ignore_ascii_case("wave");
        if !is_wav || master_name(stem_name).is_some() {
            skipped.push(path);
            continue;
        }
        let name = safe_component(stem_name, "Stem");
        stems.push(StemSource {
            source_path: path,
            file_name: format!("{name}.wav"),
            role: role(stem_name).as_str(),
            name,
            origin,
        });
    }
    stems.sort_by(|a, b| {
        a.file_name
            .cmp(&b.file_name)
            .then(a.source_path.cmp(&b.source_path))
    });
    for pair in stems.windows(2) {
        if pair[0].file_name.eq_ignore_ascii_case(&pair[1].file_name) {
            return Err(RenderError::Invalid(format!(
                "{} and {} would both be {} in the bundle; rename one",
                pair[0].source_path, pair[1].source_path, pair[1].file_name
            )));
        }
    }
    if stems.is_empty() {
        return Err(RenderError::Invalid(
            "the trackout holds no WAV stems".into(),
        ));
    }
    skipped.sort();
    Ok(Listing { stems, skipped })
}

fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, Origin)>,
) -> Result<(), RenderError> {
    if depth > MAX_DEPTH || out.len() > MAX_FILES {
        return Ok(());
    }
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| RenderError::read(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| RenderError::read(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        // Links are not followed: a trackout's files are its own.
        let kind = fs::symlink_metadata(&path)
            .map_err(|e| RenderError::read(&path, e))?
            .file_type();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if kind.is_dir() {
            walk(&path, &rel, depth + 1, out)?;
        } else if kind.is_file() {
            out.push((rel, Origin::File(path)));
        }
    }
    Ok(())
}

pub(crate) fn open_zip(path: &Path) -> Result<zip::ZipArchive<BufReader<File>>, RenderError> {
    let file = File::open(path).map_err(|e| RenderError::read(path, e))?;
    zip::ZipArchive::new(BufReader::with_capacity(1 << 16, file)).map_err(|e| archive(path, e))
}

fn archive(path: &Path, e: zip::result::ZipError) -> RenderError {
    RenderError::Archive(format!("cannot read the trackout {}: {e}", path.display()))
}

/// Opens one stem for reading from the start of its WAV.
pub(crate) fn open_stem<'z>(
    stem: &StemSource,
    zip: Option<&'z mut zip::ZipArchive<BufReader<File>>>,
) -> Result<Box<dyn Read + 'z>, RenderError> {
    match (&stem.origin, zip) {
        (Origin::File(path), _) => {
            let file = File::open(path).map_err(|e| RenderError::read(path, e))?;
            Ok(Box::new(file))
        }
        (Origin::Zip(i), Some(zip)) => {
            let entry = zip.by_index(*i).map_err(|e| {
                RenderError::Archive(format!(
                    "cannot read {} from the trackout: {e}",
                    stem.source_path
                ))
            })?;
            Ok(Box::new(entry))
        }
        (Origin::Zip(_), None) => Err(RenderError::io(
            format!("cannot read {}", stem.source_path),
            io::Error::other("the trackout zip is not open"),
        )),
    }
}
