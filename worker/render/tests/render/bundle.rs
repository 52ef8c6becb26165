//! The base bundle: layout, names, checksums, stored stems, determinism, readable by the zip
//! crate and by `unzip -t`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};
use trackout_render::{BeatMeta, CheckLimits, build_bundle, bundle_folder_name};

use crate::helpers::*;

pub const STEMS: [&str; 3] = ["Kick", "808", "Hi Hat"];

/// A trackout folder as producers upload it: three stems, the master, artwork, and macOS
/// debris. `seconds` sets the stems' length.
pub fn trackout_folder(dir: &TestDir, seconds: f64) -> std::path::PathBuf {
    let root = dir.path("Night Drive Stems");
    for (k, name) in STEMS.iter().enumerate() {
        let mut noise = Noise(k as u32 + 1);
        let frames = (seconds * 44_100.0) as usize;
        write_wav(
            &dir.path(&format!("Night Drive Stems/{name}.wav")),
            spec(2, 44_100, 24, false),
            frames,
            |_, _| 0.2 * noise.next(),
        );
    }
    quiet_master(
        &dir.path("Night Drive Stems/Night Drive (Master).wav"),
        44_100,
        seconds,
    );
    std::fs::write(
        dir.path("Night Drive Stems/cover.jpg"),
        b"\xFF\xD8\xFFnot really a jpeg",
    )
    .unwrap();
    std::fs::write(
        dir.path("Night Drive Stems/__MACOSX/._Kick.wav"),
        b"resource fork",
    )
    .unwrap();
    root
}

/// The same trackout as a zip.
pub fn zip_folder(folder: &Path, out: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let mut files: Vec<_> = walk(folder);
    files.sort();
    for path in files {
        let name = path
            .strip_prefix(folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

pub fn entries(zip_path: &Path) -> Vec<(String, Vec<u8>, zip::CompressionMethod)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap())
        .expect("the zip crate opens it");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)
                .expect("entry reads and matches its CRC");
            (
                f.name().expect("entry name").to_string(),
                bytes,
                f.compression(),
            )
        })
        .collect()
}

#[test]
fn folder_name_is_safe_and_says_what_it_is() {
    assert_eq!(
        bundle_folder_name(&meta()),
        "Kato - Night Drive (140 BPM, A min) - Trackout"
    );
    let odd = BeatMeta {
        producer: "AC/DC?".into(),
        title: "Who: Me*".into(),
        ..meta()
    };
    assert_eq!(
        bundle_folder_name(&odd),
        "AC-DC- - Who- Me- (140 BPM, A min) - Trackout"
    );
}

#[test]
fn the_bundle_holds_tagged_stored_stems_texts_and_a_manifest_that_matches() {
    let dir = TestDir::new();
    let folder = trackout_folder(&dir, 2.0);
    let out = dir.path("bundle.zip");
    let report =
        build_bundle(&folder, &meta(), &CheckLimits::default(), &out).expect("bundle builds");
    let top = "Kato - Night Drive (140 BPM, A min) - Trackout";
    assert_eq!(report.folder, top);
    assert_eq!(
        report.skipped,
        vec!["Night Drive (Master).wav", "cover.jpg"]
    );
    assert_eq!(report.bytes, std::fs::metadata(&out).unwrap().len());

    let entries = entries(&out);
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("{top}/"),
            format!("{top}/808.wav"),
            format!("{top}/Hi Hat.wav"),
            format!("{top}/Kick.wav"),
            format!("{top}/README.txt"),
            format!("{top}/cue_sheet.csv"),
            format!("{top}/manifest.json"),
        ]
    );
    assert!(
        entries
            .iter()
            .all(|(_, _, m)| *m == zip::CompressionMethod::Stored)
    );

    // The stems: tagged with their role, audio as uploaded.
    for (name, bytes, _) in entries.iter().filter(|(n, _, _)| n.ends_with(".wav")) {
        let file = name.rsplit('/').next().unwrap();
        let source = std::fs::read(folder.join(file)).unwrap();
        assert_eq!(
            data_bytes(bytes),
            data_bytes(&source),
            "{file}: audio changed"
        );
        let list = riff_chunk(bytes, b"LIST").unwrap();
        let role = match file {
            "Kick.wav" => "kick",
            "808.wav" => "bass",
            _ => "hats",
        };
        assert_eq!(
            info_item(list, "ISBJ"),
            Some(format!("{role} stem")),
            "{file}"
        );
        assert!(hound::WavReader::new(std::io::Cursor::new(bytes)).is_ok());
    }

    // The manifest lists every other file with its real size and SHA-256.
    let manifest: serde_json::Value = serde_json::from_slice(&entries.last().unwrap().1).unwrap();
    assert_eq!(manifest["folder"], top);
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    for f in files {
        let path = f["path"].as_str().unwrap();
        let (_, bytes, _) = entries
            .iter()
            .find(|(n, _, _)| n == path)
            .expect("listed file exists");
        assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64, "{path}");
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            hex::encode(Sha256::digest(bytes)),
            "{path}"
        );
        if path.ends_with(".wav") {
            assert_eq!(f["sample_rate"], 44_100);
            assert_eq!(f["bit_depth"], 24);
            assert_eq!(f["channels"], 2);
            assert_eq!(f["frames"], 88_200);
            // Levels and loudness against hound's samples and libebur128.
            let samples: Vec<f32> = hound::WavReader::new(std::io::Cursor::new(bytes))
                .unwrap()
                .samples::<i32>()
                .map(|s| s.unwrap() as f32 / 8_388_608.0)
                .collect();
            let peak = samples.iter().fold(0f32, |m, x| m.max(x.abs()));
            let rms = (samples.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>()
                / samples.len() as f64)
                .sqrt();
            let mut ebu = ebur128::EbuR128::new(2, 44_100, ebur128::Mode::I).unwrap();
            ebu.add_frames_f32(&samples).unwrap();
            let expected = [
                ("peak_dbfs", 20.0 * f64::from(peak).log10()),
                ("rms_dbfs", 20.0 * rms.log10()),
                ("loudness_lufs", ebu.loudness_global().unwrap()),
            ];
            for (field, expected) in expected {
                let ours = f[field].as_f64().unwrap();
                assert!(
                    (ours - expected).abs() < 0.02,
                    "{path}: {field} {ours}, reference {expected}"
                );
            }
        }
    }

    // Each stem is a byte range of the bundle, where the report says it starts.
    let bundle = std::fs::read(&out).unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(report.stems.len(), 3);
    for stem in &report.stems {
        let start = stem.data_offset as usize;
        let range = &bundle[start..start + stem.bytes as usize];
        assert_eq!(
            hex::encode(Sha256::digest(range)),
            stem.sha256,
            "{}",
            stem.path
        );
        let entry = archive.by_name(&stem.path).unwrap();
        assert_eq!(entry.data_start(), Some(stem.data_offset), "{}", stem.path);
    }

    let cue = String::from_utf8(entries[5].1.clone()).unwrap();
    let lines: Vec<&str> = cue.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "stem,file,role,duration,duration_seconds,sample_rate,bit_depth,isrc,writers,splits"
    );
    assert_eq!(
        lines[3],
        "Kick,Kick.wav,kick,0:02.000,2.000000,44100,24,USABC2400001,Kato (producer); Jane Roe (co-producer),Kato 50%; Jane Roe 50%"
    );
    let readme = String::from_utf8(entries[4].1.clone()).unwrap();
    assert!(
        readme.contains("bar 1")
            && readme.contains("44.1 kHz, 24-bit stereo")
            && readme.contains("140 BPM")
    );

    let text = run_ok(Command::new("unzip").arg("-t").arg(&out));
    assert!(text.contains("No errors detected"), "{text}");
}

#[test]
fn the_same_inputs_give_the_same_bytes_from_a_folder_or_a_zip() {
    let dir = TestDir::new();
    let folder = trackout_folder(&dir, 1.0);
    let zipped = dir.path("trackout.zip");
    zip_folder(&folder, &zipped);
    let (a, b, c) = (dir.path("a.zip"), dir.path("b.zip"), dir.path("c.zip"));
    build_bundle(&folder, &meta(), &CheckLimits::default(), &a).unwrap();
    build_bundle(&folder, &meta(), &CheckLimits::default(), &b).unwrap();
    build_bundle(&zipped, &meta(), &CheckLimits::default(), &c).expect("bundle from a zip");
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "two builds differ");
    assert_eq!(
        bytes,
        std::fs::read(&c).unwrap(),
        "a zipped trackout gives another bundle"
    );
}
