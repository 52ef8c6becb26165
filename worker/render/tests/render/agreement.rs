//! What the check approves is exactly what the bundle sells: an odd trackout (a `.bwf` stem,
//! a `.stems/` folder, stems nine folders deep, over 1,000 entries under a raised entry cap,
//! masters, paperwork and macOS debris) listed through `trackout_media::check_path` and
//! through `build_bundle`, as a folder and as a zip. Both must see the same stems, leave out
//! the same files, and refuse together under the default cap.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use trackout_media::{FindingCode, NoProgress, check_path};
use trackout_render::{CheckLimits, build_bundle};

use crate::helpers::*;

/// Every stem, by its path in the upload.
const STEMS: &[&str] = &[
    "Kick.wav",
    "Snare.WAV",
    "Room Mic.bwf",
    "Clap.wave",
    ".stems/Pad.wav",
    ".stems/Lead Synth.wav",
    "Drums/.alt/Rim.wav",
    "a/b/c/d/e/f/g/h/i/Deep Bass.wav",
];

/// Files that are not stems: the master, paperwork (1,000 notes, past the default cap), and
/// what operating systems leave behind (ignored, never listed).
const MASTER: &str = "Night Drive (Master).wav";
const NOTES: usize = 1_000;
const DEBRIS: &[&str] = &[
    "__MACOSX/._Kick.wav",
    "._Snare.WAV",
    ".DS_Store",
    "Drums/Thumbs.db",
    ".Trashes/501/Old Kick.wav",
];

/// The files of the trackout, as (path, bytes).
fn files() -> Vec<(String, Vec<u8>)> {
    let dir = TestDir::new();
    let mut out = Vec::new();
    for (k, name) in STEMS.iter().enumerate() {
        // Every stem the same length and rate, so the check passes; 0.1 s each.
        let path = dir.path(&format!("stem{k}.wav"));
        let mut noise = Noise(k as u32 + 1);
        write_wav(&path, spec(2, 44_100, 24, false), 4_410, |_, _| {
            0.2 * noise.next()
        });
        out.push((name.to_string(), std::fs::read(&path).unwrap()));
    }
    // The master is the stems' sum, turned down on the bus so it does not clip.
    let path = dir.path("master.wav");
    let mut noises: Vec<Noise> = (0..STEMS.len()).map(|k| Noise(k as u32 + 1)).collect();
    let gain = 1.0 / STEMS.len() as f32;
    write_wav(&path, spec(2, 44_100, 24, false), 4_410, |_, _| {
        gain * noises.iter_mut().map(|n| 0.2 * n.next()).sum::<f32>()
    });
    out.push((MASTER.to_string(), std::fs::read(&path).unwrap()));
    for i in 0..NOTES {
        out.push((
            format!("Session Notes/note {i:04}.txt"),
            b"take notes".to_vec(),
        ));
    }
    for name in DEBRIS {
        out.push((name.to_string(), b"debris".to_vec()));
    }
    out
}

fn write_folder(root: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn write_zip(out: &Path, files: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, bytes) in files {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Checks and bundles `trackout`, and asserts they agree on everything.
fn agree(trackout: &Path, dir: &TestDir) {
    let limits = CheckLimits {
        max_entries: 2_000,
        ..CheckLimits::default()
    };
    let report = check_path(trackout, None, &limits, &NoProgress).expect("the check runs");
    assert!(report.passes, "{:#?}", report.findings);
    let checked: BTreeSet<&str> = report.stems.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        checked,
        STEMS.iter().copied().collect(),
        "the check's stems"
    );
    assert_eq!(
        report.master.as_ref().map(|m| m.path.as_str()),
        Some(MASTER)
    );

    let out = dir.path("bundle.zip");
    let bundle = build_bundle(trackout, &meta(), &limits, &out).expect("the bundle builds");
    let bundled: BTreeSet<&str> = bundle.stems.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(bundled, checked, "the bundle sells what the check checked");
    // What the check lists apart (plus the master it measured) is what the bundle leaves out.
    let mut left_out: BTreeSet<&str> = report.other_files.iter().map(String::as_str).collect();
    left_out.insert(MASTER);
    let skipped: BTreeSet<&str> = bundle.skipped.iter().map(String::as_str).collect();
    assert_eq!(skipped, left_out);
    assert_eq!(skipped.len(), NOTES + 1);
    // Each stem delivered under its name, flat, as WAV.
    let names: BTreeSet<&str> = bundle
        .stems
        .iter()
        .map(|s| s.path.rsplit('/').next().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [
        "Clap.wav",
        "Deep Bass.wav",
        "Kick.wav",
        "Lead Synth.wav",
        "Pad.wav",
        "Rim.wav",
        "Room Mic.wav",
        "Snare.wav",
    ]
    .into();
    assert_eq!(names, expected);

    // Under the default cap (1,000 entries) both refuse the same trackout.
    let default = CheckLimits::default();
    let report = check_path(trackout, None, &default, &NoProgress).expect("the check runs");
    assert!(!report.passes);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::ArchiveTooLarge),
        "{:#?}",
        report.findings
    );
    let err = build_bundle(trackout, &meta(), &default, &out).expect_err("refused too");
    assert_eq!(err.code(), "unsupported", "{err}");
}

#[test]
fn the_check_and_the_bundle_see_the_same_stems_in_a_folder() {
    let dir = TestDir::new();
    let root = dir.path("Night Drive Stems");
    std::fs::create_dir_all(&root).unwrap();
    write_folder(&root, &files());
    agree(&root, &dir);
}

#[test]
fn the_check_and_the_bundle_see_the_same_stems_in_a_zip() {
    let dir = TestDir::new();
    let zipped = dir.path("Night Drive Stems.zip");
    write_zip(&zipped, &files());
    agree(&zipped, &dir);
}

#[test]
fn names_that_collide_once_delivered_fail_both() {
    // "Kick.bwf" and "Drums/kick.wav" would both be "Kick.wav" in the bundle.
    let dir = TestDir::new();
    let root = dir.path("Stems");
    let mut files = files();
    files.truncate(2);
    let kick = files[0].1.clone();
    files.push(("Drums/kick.bwf".into(), kick));
    write_folder(&root, &files);
    let report = check_path(&root, None, &CheckLimits::default(), &NoProgress).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::DuplicateName && f.stem.as_deref() == Some("Kick.wav")),
        "{:#?}",
        report.findings
    );
    let err = build_bundle(&root, &meta(), &CheckLimits::default(), &dir.path("b.zip"))
        .expect_err("refused");
    assert_eq!(err.code(), "invalid", "{err}");
}
