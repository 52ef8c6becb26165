//! Our chunked decoder against hound, the reference, on every valid format: same header
//! facts, same samples, sample for sample.

use std::io::Cursor;

use trackout_media::NoProgress;
use trackout_media::analysis::{ScanOptions, analyse_stem};
use trackout_media::wav::{self, SampleFormat, WavError};

use crate::fixtures::wav::{bext, ixml, list_info};
use crate::fixtures::{Wav, tone};

/// Decodes the whole data chunk with our decoder, as integers and as normalised floats.
fn ours(bytes: &[u8]) -> (wav::WavInfo, Option<Vec<i32>>, Vec<f32>) {
    let mut cursor = Cursor::new(bytes);
    let info = wav::read_header(&mut cursor).expect("our parser accepts it");
    let start = info.data_offset as usize;
    let data = &bytes[start..start + (info.frames * u64::from(info.format.block_align)) as usize];
    let samples = (info.frames * u64::from(info.format.channels)) as usize;
    let mut ints = vec![0i32; samples];
    let ints = wav::decode_i32(&info.format, data, &mut ints).map(|n| ints[..n].to_vec());
    let mut floats = vec![0f32; samples];
    let n = wav::decode_f32(&info.format, data, &mut floats);
    assert_eq!(n, samples);
    (info, ints, floats)
}

fn variants() -> Vec<(&'static str, Wav)> {
    let s = |ch| tone(2_000, ch, 1_234.5, 0.9, 44_100);
    let mut with_chunks = Wav::int(24, 2, 44_100, s(2));
    with_chunks.before_fmt.push((*b"bext", bext()));
    with_chunks.before_data.push((*b"iXML", ixml()));
    with_chunks.before_data.push((*b"JUNK", vec![0; 64]));
    with_chunks.after_data.push((*b"LIST", list_info()));
    let mut full_scale = s(2);
    full_scale[10] = 1.0;
    full_scale[11] = -1.0;
    vec![
        ("8-bit", Wav::int(8, 2, 44_100, s(2))),
        ("16-bit", Wav::int(16, 2, 44_100, s(2))),
        ("16-bit mono", Wav::int(16, 1, 22_050, s(1))),
        ("24-bit", Wav::int(24, 2, 44_100, s(2))),
        ("24-bit full scale", Wav::int(24, 2, 44_100, full_scale)),
        ("32-bit", Wav::int(32, 2, 96_000, s(2))),
        ("32-bit float", Wav::float(32, 2, 48_000, s(2))),
        (
            "24-bit extensible",
            Wav::int(24, 2, 44_100, s(2)).extensible(),
        ),
        (
            "32-bit float extensible",
            Wav::float(32, 2, 44_100, s(2)).extensible(),
        ),
        (
            "6-channel extensible",
            Wav::int(24, 6, 48_000, tone(500, 6, 440.0, 0.5, 48_000)).extensible(),
        ),
        ("24-bit with bext, iXML, JUNK, LIST", with_chunks),
    ]
}

#[test]
fn every_valid_format_decodes_exactly_like_hound() {
    for (name, wav) in variants() {
        let bytes = wav.bytes();
        let (info, ints, floats) = ours(&bytes);
        let reader = hound::WavReader::new(Cursor::new(&bytes)).expect("hound reads it");
        let spec = reader.spec();
        assert_eq!(info.format.channels, spec.channels, "{name}");
        assert_eq!(info.format.sample_rate, spec.sample_rate, "{name}");
        assert_eq!(info.format.bits_per_sample, spec.bits_per_sample, "{name}");
        assert_eq!(info.frames, u64::from(reader.duration()), "{name}");
        match spec.sample_format {
            hound::SampleFormat::Int => {
                let theirs: Vec<i32> = reader
                    .into_samples::<i32>()
                    .map(|s| s.expect("sample"))
                    .collect();
                assert_eq!(
                    ints.as_deref(),
                    Some(theirs.as_slice()),
                    "{name}: integer samples"
                );
                let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f64;
                for (i, (&ours, &theirs)) in floats.iter().zip(&theirs).enumerate() {
                    assert_eq!(
                        ours,
                        (f64::from(theirs) * scale) as f32,
                        "{name}: sample {i}"
                    );
                }
            }
            hound::SampleFormat::Float => {
                assert_eq!(info.format.sample_format, SampleFormat::Float);
                let theirs: Vec<f32> = reader
                    .into_samples::<f32>()
                    .map(|s| s.expect("sample"))
                    .collect();
                assert_eq!(floats, theirs, "{name}: float samples");
            }
        }
    }
}

#[test]
fn the_scan_peak_is_hounds_largest_sample() {
    for (name, wav) in variants() {
        let bytes = wav.bytes();
        let reader = hound::WavReader::new(Cursor::new(&bytes)).expect("hound reads it");
        let spec = reader.spec();
        let peak = match spec.sample_format {
            hound::SampleFormat::Int => {
                let full = (1u64 << (spec.bits_per_sample - 1)) as f64;
                reader
                    .into_samples::<i32>()
                    .map(|s| (f64::from(s.expect("sample")) / full).abs())
                    .fold(0.0, f64::max)
            }
            hound::SampleFormat::Float => reader
                .into_samples::<f32>()
                .map(|s| f64::from(s.expect("sample").abs()))
                .fold(0.0, f64::max),
        };
        let options = ScanOptions {
            max_seconds: 60,
            stream_len: Some(bytes.len() as u64),
        };
        let scanned = analyse_stem(Cursor::new(&bytes), &options, &NoProgress).expect("scans");
        assert!(
            (scanned.levels.peak - peak).abs() < 1e-7,
            "{name}: {} vs {peak}",
            scanned.levels.peak
        );
    }
}

#[test]
fn float_64_decodes_to_the_values_written() {
    // hound cannot read 64-bit float, so the reference is the signal itself.
    let signal = tone(1_000, 2, 999.0, 0.8, 44_100);
    let (info, ints, floats) = ours(&Wav::float(64, 2, 44_100, signal.clone()).bytes());
    assert_eq!(info.format.bits_per_sample, 64);
    assert!(ints.is_none());
    let expected: Vec<f32> = signal.iter().map(|&x| x as f32).collect();
    assert_eq!(floats, expected);
}

#[test]
fn odd_sized_chunks_before_data_are_walked_with_their_pad_byte() {
    // hound skips unknown chunks without the pad byte (and then misreads the file), so the
    // reference here is the signal itself.
    let signal = tone(1_000, 2, 440.0, 0.5, 44_100);
    let mut wav = Wav::int(16, 2, 44_100, signal.clone());
    wav.before_data.push((*b"LIST", list_info()));
    wav.before_data.push((*b"odd ", vec![7; 5]));
    let (info, ints, _) = ours(&wav.bytes());
    assert_eq!(info.frames, 1_000);
    let expected: Vec<i32> = signal
        .iter()
        .map(|&x| crate::fixtures::wav::int_sample(x, 16))
        .collect();
    assert_eq!(ints.expect("int format"), expected);
    let ids: Vec<String> = info.chunks.iter().map(|c| c.id_str()).collect();
    assert_eq!(ids, vec!["fmt ", "LIST", "odd ", "data"]);
}

#[test]
fn chunks_after_data_are_listed_with_their_offsets() {
    let mut wav = Wav::int(16, 2, 44_100, tone(1_001, 2, 440.0, 0.5, 44_100));
    wav.after_data.push((*b"LIST", list_info()));
    wav.after_data.push((*b"id3 ", vec![0; 10]));
    let bytes = wav.bytes();
    let (info, _, _) = ours(&bytes);
    let list = info.chunk(b"LIST").expect("LIST listed");
    assert_eq!(
        &bytes[list.offset as usize..list.offset as usize + 4],
        b"INFO"
    );
    assert!(info.chunk(b"id3 ").is_some());
    assert_eq!(info.data_offset, 44);
}

#[test]
fn impossible_headers_get_the_right_error() {
    let base = || Wav::int(16, 2, 44_100, tone(100, 2, 440.0, 0.5, 44_100));
    let check = |bytes: Vec<u8>| wav::read_header(&mut Cursor::new(bytes));
    let mut w = base();
    w.channels = 0;
    assert!(matches!(check(w.bytes()), Err(WavError::BadFormat(_))));
    let mut w = base();
    w.rate = 0;
    assert!(matches!(check(w.bytes()), Err(WavError::BadFormat(_))));
    let mut w = base();
    w.format_tag = 0x11; // IMA ADPCM
    assert!(matches!(check(w.bytes()), Err(WavError::BadFormat(_))));
    let mut w = base();
    w.bits = 12;
    w.block_align = Some(4);
    assert!(matches!(check(w.bytes()), Err(WavError::BadFormat(_))));
    let mut w = base();
    w.data_len = Some(u32::MAX);
    assert!(matches!(check(w.bytes()), Err(WavError::Truncated(_))));
    assert!(matches!(
        check(b"FORM\0\0\0\x04AIFF".to_vec()),
        Err(WavError::NotWav(_))
    ));
    assert!(matches!(
        check(b"RIFF\x04\0\0\0AVI ".to_vec()),
        Err(WavError::NotWav(_))
    ));
    assert!(matches!(check(Vec::new()), Err(WavError::NotWav(_))));
    assert!(matches!(
        check(b"RIF".to_vec()),
        Err(WavError::Truncated(_))
    ));
    let mut no_data = base().bytes();
    no_data.truncate(36);
    assert!(matches!(check(no_data), Err(WavError::Truncated(_))));
}

#[test]
fn an_odd_chunk_missing_its_pad_byte_is_walked_too() {
    // Some writers forget RIFF's pad byte; the next chunk id shows where it really starts.
    let signal = tone(1_001, 1, 440.0, 0.5, 44_100);
    // 8-bit mono with 1,001 frames: the data chunk is odd-sized too.
    let mut wav = Wav::int(8, 1, 44_100, signal.clone());
    wav.before_data.push((*b"odd ", vec![7; 5]));
    wav.after_data.push((*b"LIST", list_info()));
    let mut bytes = wav.bytes();
    let at = bytes
        .windows(4)
        .position(|w| w == b"odd ")
        .expect("odd chunk")
        + 8
        + 5;
    assert_eq!(bytes.remove(at), 0, "removed the pad byte");
    // The odd-length data chunk's pad byte too.
    let list = bytes.windows(4).position(|w| w == b"LIST").expect("LIST");
    assert_eq!(bytes.remove(list - 1), 0);
    let (info, ints, _) = ours(&bytes);
    let expected: Vec<i32> = signal
        .iter()
        .map(|&x| crate::fixtures::wav::int_sample(x, 8))
        .collect();
    assert_eq!(ints.expect("int format"), expected);
    let ids: Vec<String> = info.chunks.iter().map(|c| c.id_str()).collect();
    assert_eq!(ids, vec!["fmt ", "odd ", "data", "LIST"]);
    let scanned = analyse_stem(
        Cursor::new(&bytes),
        &ScanOptions {
            max_seconds: 60,
            stream_len: None,
        },
        &NoProgress,
    );
    assert_eq!(scanned.expect("scans").levels.frames, 1_001);
}
