//! Personalizing: prefix of the base plus the tail is a valid zip that differs from the base
//! only by the license files and the manifest, and making it reads a bounded part of the base.

use std::io::{self, Read, Seek, SeekFrom};
use std::process::Command;

use trackout_render::{BundleFile, CheckLimits, build_bundle, personalize_bundle};

use crate::bundle::{entries, trackout_folder};
use crate::helpers::*;

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn license_files() -> Vec<BundleFile> {
    vec![
        BundleFile {
            name: "license.txt".into(),
            bytes: b"WAV lease for Jane Doe\n".to_vec(),
        },
        BundleFile {
            name: "license.pdf".into(),
            bytes: b"%PDF-1.7 pretend".to_vec(),
        },
    ]
}

/// Builds a base bundle of `seconds`-long stems and personalizes it; returns the base, the
/// personalized zip's bytes and how many bytes of the base were read.
fn personalize(dir: &TestDir, seconds: f64) -> (Vec<u8>, Vec<u8>, u64) {
    let folder = trackout_folder(dir, seconds);
    let base_path = dir.path(&format!("base-{seconds}.zip"));
    let report = build_bundle(&folder, &meta(), &CheckLimits::default(), &base_path).unwrap();
    let base = std::fs::read(&base_path).unwrap();
    let mut counting = Counting {
        inner: io::Cursor::new(&base),
        read: 0,
    };
    let mut tail = Vec::new();
    let result = personalize_bundle(
        &mut counting,
        &license_files(),
        "Licensed to Jane Doe, license TRK-7F3K2",
        &mut tail,
    )
    .expect("personalization");
    assert_eq!(result.keep_prefix_bytes, report.manifest_offset);
    assert_eq!(result.tail_bytes, tail.len() as u64);
    let mut personalized = base[..result.keep_prefix_bytes as usize].to_vec();
    personalized.extend(&tail);
    assert_eq!(result.total_bytes, personalized.len() as u64);
    let read = counting.read;
    (base, personalized, read)
}

#[test]
fn a_personalized_bundle_adds_the_license_and_a_new_manifest_and_nothing_else() {
    let dir = TestDir::new();
    let (base, personalized, _) = personalize(&dir, 1.0);
    let (base_path, out) = (dir.path("base.zip"), dir.path("personal.zip"));
    std::fs::write(&base_path, &base).unwrap();
    std::fs::write(&out, &personalized).unwrap();
    let text = run_ok(Command::new("unzip").arg("-t").arg(&out));
    assert!(text.contains("No errors detected"), "{text}");

    let before = entries(&base_path);
    let after = entries(&out);
    let top = "Kato - Night Drive (140 BPM, A min) - Trackout";
    for (name, bytes, _) in &before {
        let (_, now, _) = after
            .iter()
            .find(|(n, _, _)| n == name)
            .expect("every base entry is kept");
        if !name.ends_with("manifest.json") {
            assert_eq!(now, bytes, "{name} changed");
        }
    }
    let added: Vec<&str> = after
        .iter()
        .map(|(n, _, _)| n.as_str())
        .filter(|n| !before.iter().any(|(b, _, _)| b == n))
        .collect();
    assert_eq!(
        added,
        [format!("{top}/license.pdf"), format!("{top}/license.txt")]
    );
    assert_eq!(
        after.last().unwrap().0,
        format!("{top}/manifest.json"),
        "the manifest is still last"
    );

    let manifest: serde_json::Value = serde_json::from_slice(&after.last().unwrap().1).unwrap();
    assert_eq!(
        manifest["licensed_to"],
        "Licensed to Jane Doe, license TRK-7F3K2"
    );
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    let pdf = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("license.pdf"))
        .unwrap();
    assert_eq!(pdf["size"], 16);
}

#[test]
fn personalizing_reads_the_same_small_part_of_the_base_whatever_the_stems_weigh() {
    let dir = TestDir::new();
    let (short_base, _, short_read) = personalize(&dir, 1.0);
    let dir = TestDir::new();
    let (long_base, _, long_read) = personalize(&dir, 8.0);
    assert!(long_base.len() > 7 * short_base.len() / 2);
    // The end records' search window, the central directory and the manifest: a few KiB.
    assert!(
        short_read < 80_000 && long_read < 80_000,
        "read {short_read} and {long_read} bytes"
    );
    assert!(
        long_read.abs_diff(short_read) < 64,
        "read {short_read} then {long_read} bytes"
    );
}

#[test]
fn bad_extras_and_bases_are_refused() {
    let dir = TestDir::new();
    let (base, _, _) = personalize(&dir, 0.5);
    let mut sink = Vec::new();
    for name in ["../evil.txt", "a/b.txt", "manifest.json", "README.txt", ""] {
        let extra = [BundleFile {
            name: name.into(),
            bytes: vec![1],
        }];
        let err =
            personalize_bundle(&mut io::Cursor::new(&base), &extra, "", &mut sink).unwrap_err();
        assert_eq!(err.code(), "invalid", "{name}");
    }
    let err = personalize_bundle(
        &mut io::Cursor::new(b"not a zip at all"),
        &[],
        "",
        &mut sink,
    )
    .unwrap_err();
    assert_eq!(err.code(), "corrupt_archive");
    // A zip that is not a bundle: its last entry is not a manifest.
    let mut other = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(io::Cursor::new(&mut other));
        zip.start_file("song.wav", zip::write::SimpleFileOptions::default())
            .unwrap();
        io::Write::write_all(&mut zip, b"RIFF").unwrap();
        zip.finish().unwrap();
    }
    let err = personalize_bundle(&mut io::Cursor::new(&other), &[], "", &mut sink).unwrap_err();
    assert_eq!(err.code(), "corrupt_archive");
}
