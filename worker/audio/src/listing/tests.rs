//! The listing rule on folders and zips built here: the same files give the same lists.

use std::io::{Read, Write};
use std::path::Path;

use super::*;
use crate::settings::CheckLimits;

/// Every kind of name the rule has an answer for.
const FILES: &[&str] = &[
    "Kick.wav",
    "Snare.WAV",
    "Clap.wave",
    "Room Mic.bwf",
    ".stems/Hidden Pad.wav",
    "Drums/.hidden/Rim.wav",
    "a/b/c/d/e/f/g/h/i/Nine Deep.wav",
    "Lead.mp3",
    "Night Drive (Master).wav",
    "Mix.wav",
    "Master.mp3",
    "cover.jpg",
    "notes",
    "__MACOSX/._Kick.wav",
    "Drums/.DS_Store",
    "._Snare.wav",
    "Thumbs.db",
    ".Trashes/501/Old Kick.wav",
];

fn stems_of(listing: &Listing) -> Vec<&str> {
    listing.stems.iter().map(|e| e.path.as_str()).collect()
}

fn masters_of(listing: &Listing) -> Vec<&str> {
    listing.masters.iter().map(|e| e.path.as_str()).collect()
}

fn folder(root: &Path, files: &[&str]) {
    for name in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, name.as_bytes()).expect("write");
    }
}

fn zip_bytes(files: &[&str]) -> Vec<u8> {
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = ::zip::write::SimpleFileOptions::default();
    for name in files {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(name.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

fn check_rule(listing: &Listing) {
    assert!(!listing.fatal, "{:?}", listing.issues);
    assert_eq!(listing.issues, vec![]);
    assert_eq!(
        stems_of(listing),
        vec![
            ".stems/Hidden Pad.wav",
            "Clap.wave",
            "Drums/.hidden/Rim.wav",
            "Kick.wav",
            "Lead.mp3",
            "Room Mic.bwf",
            "Snare.WAV",
            "a/b/c/d/e/f/g/h/i/Nine Deep.wav",
        ]
    );
    assert_eq!(
        masters_of(listing),
        vec!["Night Drive (Master).wav", "Mix.wav"]
    );
    assert_eq!(listing.other, vec!["Master.mp3", "cover.jpg", "notes"]);
}

#[test]
fn a_folder_and_its_zip_list_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    folder(dir.path(), FILES);
    let listing = list_folder(dir.path(), &CheckLimits::default()).expect("lists");
    check_rule(&listing);

    let bytes = zip_bytes(FILES);
    let (_, listing) =
        ZipTrackout::list(BytesArchive(&bytes), &CheckLimits::default()).expect("lists");
    check_rule(&listing);

    let elsewhere = tempfile::tempdir().expect("temp dir");
    let path = elsewhere.path().join("trackout.zip");
    std::fs::write(&path, &bytes).expect("write zip");
    let (trackout, listing) = open(&path, &CheckLimits::default()).expect("opens");
    check_rule(&listing);
    assert!(matches!(trackout, Trackout::Zip(_)));
    let (trackout, listing) = open(dir.path(), &CheckLimits::default()).expect("opens");
    check_rule(&listing);
    assert!(matches!(trackout, Trackout::Folder));
}

#[test]
fn the_entry_cap_comes_from_the_limits_for_folders_and_zips() {
    let names: Vec<String> = (0..1_200)
        .map(|i| format!("Stems/Take {i:04}.wav"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    folder(dir.path(), &names);
    let bytes = zip_bytes(&names);

    let default = CheckLimits::default();
    let listing = list_folder(dir.path(), &default).expect("lists");
    assert!(listing.fatal && listing.issues[0].kind == IssueKind::TooLarge);
    let (_, listing) = ZipTrackout::list(BytesArchive(&bytes), &default).expect("lists");
    assert!(listing.fatal && listing.issues[0].kind == IssueKind::TooLarge);
    assert!(listing.stems.is_empty(), "nothing is listed past a cap");

    let raised = CheckLimits {
        max_entries: 2_000,
        ..default
    };
    let listing = list_folder(dir.path(), &raised).expect("lists");
    assert_eq!(listing.stems.len(), 1_200);
    let (_, listing) = ZipTrackout::list(BytesArchive(&bytes), &raised).expect("lists");
    assert_eq!(listing.stems.len(), 1_200);
}

#[test]
fn the_byte_cap_is_checked_before_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    folder(dir.path(), &["Kick.wav", "Snare.wav"]);
    let limits = CheckLimits {
        max_inflated_bytes: 10,
        ..CheckLimits::default()
    };
    let listing = list_folder(dir.path(), &limits).expect("lists");
    assert!(listing.fatal);
    assert!(
        listing.issues[0].message.contains("10 bytes"),
        "{:?}",
        listing.issues
    );
}

#[cfg(unix)]
#[test]
fn links_are_refused_not_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    folder(dir.path(), &["Kick.wav"]);
    std::os::unix::fs::symlink(dir.path().join("Kick.wav"), dir.path().join("Snare.wav"))
        .expect("link");
    let listing = list_folder(dir.path(), &CheckLimits::default()).expect("lists");
    assert_eq!(stems_of(&listing), vec!["Kick.wav"]);
    assert_eq!(listing.issues.len(), 1);
    assert_eq!(listing.issues[0].kind, IssueKind::UnsafePath);
    assert_eq!(listing.issues[0].path.as_deref(), Some("Snare.wav"));
}

#[test]
fn unsafe_zip_names_are_issues_and_never_listed() {
    let bytes = zip_bytes(&["Kick.wav", "../evil.wav"]);
    let (_, listing) =
        ZipTrackout::list(BytesArchive(&bytes), &CheckLimits::default()).expect("lists");
    assert_eq!(stems_of(&listing), vec!["Kick.wav"]);
    assert_eq!(listing.issues.len(), 1);
    assert_eq!(listing.issues[0].kind, IssueKind::UnsafePath);
}

#[test]
fn entries_are_read_through_one_reader() {
    let bytes = zip_bytes(&["Kick.wav", "Snare.wav"]);
    let (zip, listing) =
        ZipTrackout::list(BytesArchive(&bytes), &CheckLimits::default()).expect("lists");
    let mut reader = EntryReader::new(&zip);
    for entry in &listing.stems {
        let mut text = String::new();
        reader
            .open(entry)
            .expect("opens")
            .read_to_string(&mut text)
            .expect("reads");
        assert_eq!(text, entry.path);
    }
}
