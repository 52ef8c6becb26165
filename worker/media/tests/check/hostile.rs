//! Hostile archives: every path escape, links, duplicates, encryption, truncation, bombs and
//! lying headers are reported; nothing is written anywhere, nothing outside is read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use trackout_media::{CheckLimits, FindingCode::*, Progress, check_path};
use zip::CompressionMethod;

use crate::fixtures::{Sandbox, Wav, Zip, assert_findings, finding, headers, listing, patch};

fn stem() -> Vec<u8> {
    Wav::stem(4_410).bytes()
}

/// A name no other test or process uses, for proving an escape landed nowhere.
fn marker(tag: &str) -> String {
    format!("trackout-escape-{tag}-{}", std::process::id())
}

/// Where an extraction following each hostile name could have written.
fn escape_targets(sandbox: &Sandbox, name: &str) -> Vec<PathBuf> {
    let tmp = std::env::temp_dir();
    let cwd = std::env::current_dir().expect("cwd");
    vec![
        sandbox.dir.path().join(name),
        sandbox.dir.path().parent().expect("parent").join(name),
        tmp.join(name),
        cwd.join(name),
        cwd.parent().expect("parent").join(name),
    ]
}

#[test]
fn path_escapes_of_every_kind_are_refused_and_land_nowhere() {
    let m = marker("path");
    let names = [
        format!("../{m}-dotdot.wav"),
        format!("Stems/../../{m}-nested.wav"),
        format!("{}/{m}-absolute.wav", std::env::temp_dir().display()),
        format!("C:\\{m}-drive.wav"),
        format!("..\\{m}-backslash.wav"),
        format!("Stems\\..\\..\\{m}-mixed.wav"),
        format!("{m}-nul\0.wav"),
    ];
    let mut zip = Zip::new().add("Stems/Kick.wav", &stem());
    for name in &names {
        zip = zip.add(name, &stem());
    }
    let sandbox = Sandbox::new(&zip.bytes());
    let report = sandbox.check();
    let unsafe_paths = report
        .findings
        .iter()
        .filter(|f| f.code == UnsafePath)
        .count();
    assert_eq!(unsafe_paths, names.len(), "{:#?}", report.findings);
    assert_eq!(report.findings.len(), names.len(), "{:#?}", report.findings);
    assert_eq!(report.stems.len(), 1);
    assert_eq!(report.stems[0].path, "Stems/Kick.wav");
    for suffix in [
        "dotdot",
        "nested",
        "absolute",
        "drive",
        "backslash",
        "mixed",
        "nul",
    ] {
        for target in escape_targets(&sandbox, &format!("{m}-{suffix}.wav")) {
            assert!(!target.exists(), "{} was created", target.display());
        }
    }
}

#[test]
fn a_symlink_entry_is_reported_never_followed() {
    let zip = Zip::new()
        .add("Kick.wav", &stem())
        .symlink("Snare.wav", "/etc/passwd")
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(UnsafePath, Some("Snare.wav"))]);
    assert!(
        finding(&report, UnsafePath)
            .message
            .contains("symbolic link")
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_in_a_folder_is_reported_never_followed() {
    let folder = crate::fixtures::Folder::new().add("Kick.wav", &stem());
    let outside = folder.dir.path().join("outside.wav");
    std::fs::write(&outside, stem()).expect("write");
    std::os::unix::fs::symlink(&outside, folder.root().join("Snare.wav")).expect("symlink");
    let report = folder.check();
    assert_findings(&report, &[(UnsafePath, Some("Snare.wav"))]);
    assert_eq!(report.stems.len(), 1, "the link target was not read");
}

#[test]
fn exact_duplicate_entries_are_both_reported() {
    // The zip writer refuses duplicate names, so write "Kicc.wav" and rename it in the bytes.
    let mut zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Kicc.wav", &stem())
        .bytes();
    patch(&mut zip, b"Kicc.wav", b"Kick.wav");
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(DuplicateName, Some("Kick.wav"))]);
    assert_eq!(report.stems.len(), 2);
}

#[test]
fn case_colliding_entries_are_reported() {
    let zip = Zip::new()
        .add("Stems/Kick.wav", &stem())
        .add("Stems/KICK.wav", &stem())
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(DuplicateName, Some("Stems/Kick.wav"))]);
}

#[test]
fn an_encrypted_entry_is_reported_not_read() {
    let mut zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .bytes();
    // Set the "encrypted" flag (bit 0) of the second entry, in both of its headers.
    let (locals, centrals) = headers(&zip);
    zip[locals[1] + 6] |= 1;
    zip[centrals[1] + 8] |= 1;
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(CorruptArchive, Some("Snare.wav"))]);
    assert!(
        finding(&report, CorruptArchive)
            .message
            .contains("encrypted")
    );
}

#[test]
fn a_truncated_archive_is_corrupt() {
    let zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .bytes();
    let report = Sandbox::new(&zip[..zip.len() * 2 / 3]).check();
    assert_findings(&report, &[(CorruptArchive, None)]);
    assert!(report.stems.is_empty());
}

#[test]
fn a_zip_bomb_over_the_cap_is_stopped_before_inflating() {
    // A valid WAV header then 9 MB of silence: deflates to a few kB.
    let bomb = Wav::int(24, 2, 44_100, vec![0.0; 3 << 20]).bytes();
    let zip = Zip::new()
        .add_with("Kick.wav", &bomb, CompressionMethod::Deflated)
        .bytes();
    assert!(zip.len() < 100_000);
    let limits = CheckLimits {
        max_inflated_bytes: 4 << 20,
        ..CheckLimits::default()
    };
    let sandbox = Sandbox::new(&zip);
    let inflated = Counter::default();
    let report = check_path(&sandbox.zip, None, &limits, &inflated).expect("the check runs");
    assert_findings(&report, &[(ArchiveTooLarge, None)]);
    assert_eq!(
        inflated.read.load(Ordering::Relaxed),
        0,
        "nothing was inflated"
    );
}

/// A DAW still exporting: the stem is rewritten, four times longer, after the listing
/// measured it and before the scan reads it. Counts the audio bytes the check read.
struct GrowsBeforeTheScan {
    path: PathBuf,
    grown: Vec<u8>,
    read: AtomicU64,
}

impl Progress for GrowsBeforeTheScan {
    fn start(&self, _: u64) {
        std::fs::write(&self.path, &self.grown).expect("growing the stem");
    }
    fn advance(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }
    fn finish(&self) {}
}

#[test]
fn a_stem_that_grows_after_the_listing_is_read_only_as_far_as_listed() {
    // The listing refuses a trackout whose files add up past the cap, so the scan must not
    // read past what the listing measured: the stem reads as cut short, not as more audio.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("Kick.wav");
    let listed = Wav::int(24, 2, 44_100, vec![0.0; 20_000]).bytes();
    std::fs::write(&path, &listed).expect("write");
    let limits = CheckLimits {
        max_inflated_bytes: 100_000,
        ..CheckLimits::default()
    };
    let grows = GrowsBeforeTheScan {
        path,
        grown: Wav::int(24, 2, 44_100, vec![0.0; 80_000]).bytes(),
        read: AtomicU64::new(0),
    };
    let report = check_path(dir.path(), None, &limits, &grows).expect("the check runs");
    assert_findings(&report, &[(Truncated, Some("Kick.wav"))]);
    assert!(
        report.findings[0].message.contains("cut short"),
        "{:#?}",
        report.findings
    );
    let read = grows.read.load(Ordering::Relaxed);
    assert!(
        read <= listed.len() as u64,
        "read {read} bytes of a stem listed at {}",
        listed.len()
    );
}

#[test]
fn a_zip_whose_headers_understate_sizes_is_not_believed() {
    // 9 MB inflating from a few kB, with both headers claiming 10,000 bytes: the claim fits
    // any cap, so only what is actually inflated can stop it.
    let bomb = Wav::int(24, 2, 44_100, vec![0.0; 3 << 20]).bytes();
    let mut zip = Zip::new()
        .add_with("Kick.wav", &bomb, CompressionMethod::Deflated)
        .bytes();
    let (locals, centrals) = headers(&zip);
    for size_at in [locals[0] + 22, centrals[0] + 24] {
        zip[size_at..size_at + 4].copy_from_slice(&10_000u32.to_le_bytes());
    }
    let limits = CheckLimits {
        max_inflated_bytes: 4 << 20,
        ..CheckLimits::default()
    };
    let sandbox = Sandbox::new(&zip);
    let before = listing(sandbox.dir.path());
    let inflated = Counter::default();
    let report = check_path(&sandbox.zip, None, &limits, &inflated).expect("the check runs");
    assert_eq!(listing(sandbox.dir.path()), before);
    assert_findings(&report, &[(CorruptArchive, Some("Kick.wav"))]);
    let read = inflated.read.load(Ordering::Relaxed);
    assert!(
        read <= 10_000 + (1 << 20),
        "inflated {read} bytes past a 10,000-byte claim"
    );
}

#[test]
fn a_zip_whose_headers_overstate_sizes_is_corrupt() {
    let mut zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .bytes();
    let (locals, centrals) = headers(&zip);
    let claimed = stem().len() as u32 + 5_000;
    for at in [
        locals[1] + 18,
        locals[1] + 22,
        centrals[1] + 20,
        centrals[1] + 24,
    ] {
        zip[at..at + 4].copy_from_slice(&claimed.to_le_bytes());
    }
    let report = Sandbox::new(&zip).check();
    // Whether the listing or the read notices first, the zip is reported corrupt.
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].code, CorruptArchive);
    assert!(!report.passes);
}

#[test]
fn central_directory_and_local_header_disagreeing_is_corrupt() {
    let mut zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .bytes();
    let (_, centrals) = headers(&zip);
    zip[centrals[1] + 24..centrals[1] + 28].copy_from_slice(&1_000u32.to_le_bytes());
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(CorruptArchive, None)]);
}

#[test]
fn an_empty_zip_has_no_stems() {
    let report = Sandbox::new(&Zip::new().bytes()).check();
    assert_findings(&report, &[(NoStems, None)]);
}

#[test]
fn a_zip_without_wavs_has_no_stems() {
    let zip = Zip::new()
        .add("readme.txt", b"beats by me")
        .add("cover.jpg", &[0xFF, 0xD8, 0xFF])
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(NoStems, None)]);
    assert_eq!(report.other_files, vec!["cover.jpg", "readme.txt"]);
}

#[test]
fn a_file_that_is_not_a_zip_is_corrupt() {
    let report = Sandbox::new(b"<html>Not Found</html>").check();
    assert_findings(&report, &[(CorruptArchive, None)]);
    assert!(
        finding(&report, CorruptArchive)
            .message
            .contains("not a readable zip")
    );
    // A single stem given where the trackout was expected says so.
    let report = Sandbox::new(&stem()).check();
    assert_findings(&report, &[(CorruptArchive, None)]);
    assert!(
        finding(&report, CorruptArchive)
            .message
            .contains("single WAV file")
    );
}

#[test]
fn macos_litter_is_ignored_silently() {
    let zip = Zip::new()
        .add("Stems/Kick.wav", &stem())
        .add("__MACOSX/Stems/._Kick.wav", b"\0\x05\x16\x07 AppleDouble")
        .add("Stems/.DS_Store", b"Bud1")
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[]);
    assert!(report.other_files.is_empty());
}

/// Counts what the check reads, through its progress reports.
#[derive(Default)]
struct Counter {
    read: AtomicU64,
}

impl Progress for Counter {
    fn start(&self, _: u64) {}
    fn advance(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }
    fn finish(&self) {}
}
