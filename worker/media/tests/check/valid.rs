//! What real exporters write is accepted without a single finding.

use trackout_media::{FindingCode, StemRole};

use crate::fixtures::wav::{bext, ixml, list_info};
use crate::fixtures::{Folder, Sandbox, Wav, Zip, assert_findings, tone};

const FRAMES: usize = 8_820; // 0.2 s

fn pair(kick: Wav, snare: Wav) -> Folder {
    Folder::new()
        .add("Kick.wav", &kick.bytes())
        .add("Snare.wav", &snare.bytes())
}

fn signal(channels: u16) -> Vec<f64> {
    tone(FRAMES, channels, 330.0, 0.6, 44_100)
}

#[test]
fn integer_pcm_of_every_depth_is_accepted() {
    for bits in [8, 16, 24, 32] {
        let wav = || Wav::int(bits, 2, 44_100, signal(2));
        let report = pair(wav(), wav()).check();
        assert_findings(&report, &[]);
        assert!(
            report
                .stems
                .iter()
                .all(|s| s.bit_depth == bits && s.sample_format.as_str() == "int")
        );
        assert!(report.stems.iter().all(|s| s.frames == FRAMES as u64));
    }
}

#[test]
fn float_32_and_64_are_accepted() {
    for bits in [32, 64] {
        let wav = || Wav::float(bits, 2, 44_100, signal(2));
        let report = pair(wav(), wav()).check();
        assert_findings(&report, &[]);
        assert!(
            report
                .stems
                .iter()
                .all(|s| s.sample_format.as_str() == "float")
        );
        // −4.44 dBFS is 0.6 of full scale.
        assert!(
            report
                .stems
                .iter()
                .all(|s| (s.peak_dbfs + 4.44).abs() < 0.02),
            "{:?}",
            report.stems
        );
    }
}

#[test]
fn wave_format_extensible_is_accepted() {
    let ext = |bits, float| {
        let w = if float {
            Wav::float(bits, 2, 48_000, signal(2))
        } else {
            Wav::int(bits, 2, 48_000, signal(2))
        };
        w.extensible()
    };
    for (bits, float) in [(16, false), (24, false), (32, false), (32, true)] {
        let report = pair(ext(bits, float), ext(bits, float)).check();
        assert_findings(&report, &[]);
        assert_eq!(report.stems[0].sample_rate, 48_000);
    }
}

#[test]
fn mono_beside_stereo_is_accepted() {
    let report = pair(
        Wav::int(24, 1, 44_100, signal(1)),
        Wav::int(24, 2, 44_100, signal(2)),
    )
    .check();
    assert_findings(&report, &[]);
    let channels: Vec<u16> = report.stems.iter().map(|s| s.channels).collect();
    assert_eq!(channels, vec![1, 2]);
}

#[test]
fn metadata_chunks_in_any_order_and_odd_sizes_are_accepted() {
    let mut kick = Wav::int(24, 2, 44_100, signal(2));
    kick.before_fmt.push((*b"JUNK", vec![0; 28]));
    kick.before_fmt.push((*b"bext", bext()));
    kick.before_data.push((*b"LIST", list_info())); // 17 bytes, padded
    kick.before_data.push((*b"iXML", ixml()));
    kick.after_data.push((*b"id3 ", vec![b'I'; 33]));
    let mut snare = Wav::int(24, 2, 44_100, signal(2));
    snare.before_data.push((*b"cue ", vec![1; 3])); // odd and unknown
    snare.before_data.push((*b"smpl", vec![0; 36]));
    let report = pair(kick, snare).check();
    assert_findings(&report, &[]);
    assert!(report.stems.iter().all(|s| s.frames == FRAMES as u64));
}

#[test]
fn an_odd_length_data_chunk_is_padded_and_accepted() {
    // 8-bit mono with an odd number of frames: the data chunk itself needs the pad byte.
    let odd = || Wav::int(8, 1, 44_100, tone(FRAMES + 1, 1, 330.0, 0.6, 44_100));
    let mut kick = odd();
    kick.after_data.push((*b"LIST", list_info()));
    let report = pair(kick, odd()).check();
    assert_findings(&report, &[]);
    assert_eq!(report.stems[0].frames, FRAMES as u64 + 1);
}

#[test]
fn stems_in_nested_folders_of_a_zip_are_found() {
    let stem = Wav::stem(FRAMES).bytes();
    let zip = Zip::new()
        .add("Night Drive/Stems/Drums/Kick.wav", &stem)
        .add("Night Drive/Stems/Keys/Piano Chords.wav", &stem)
        .add_with(
            "Night Drive/Stems/Vox/Lead Vox.wav",
            &stem,
            zip::CompressionMethod::Deflated,
        )
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[]);
    let roles: Vec<(&str, StemRole)> = report
        .stems
        .iter()
        .map(|s| (s.name.as_str(), s.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("Kick", StemRole::Kick),
            ("Piano Chords", StemRole::Melody),
            ("Lead Vox", StemRole::Vocals)
        ]
    );
}

#[test]
fn hound_written_stems_are_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("stems");
    std::fs::create_dir(&root).expect("mkdir");
    for (name, bits) in [("Kick.wav", 24), ("Snare.wav", 24)] {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(root.join(name), spec).expect("create");
        for x in signal(2) {
            w.write_sample(crate::fixtures::wav::int_sample(x, bits))
                .expect("write");
        }
        w.finalize().expect("finalize");
    }
    let report = trackout_media::check_path(
        &root,
        None,
        &Default::default(),
        &trackout_media::NoProgress,
    )
    .expect("the check runs");
    assert_findings(&report, &[]);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::BadFormat)
    );
}

#[test]
fn a_streamed_zip_with_data_descriptors_is_accepted() {
    // Finder's "Compress" writes entries with sizes in data descriptors after the data.
    use std::io::Write;
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in ["Stems/Kick.wav", "Stems/Snare.wav"] {
        zip.start_file(name, options).expect("start");
        zip.write_all(&Wav::stem(FRAMES).bytes()).expect("write");
    }
    let bytes = zip.finish().expect("finish").into_inner();
    let report = Sandbox::new(&bytes).check();
    assert_findings(&report, &[]);
    assert_eq!(report.stems.len(), 2);
}
