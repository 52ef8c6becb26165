//! The WAV lease file and tagged stems: audio bit-identical, INFO, `bext`, `axml` and the
//! ISRC present, readable by the foundation's parser (trackout_audio) and by hound.

use std::io::Cursor;

use trackout_render::{render_wav_lease, tag_stem};

use crate::helpers::*;

fn chunk(id: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend((payload.len() as u32).to_le_bytes());
    c.extend(payload);
    if payload.len() % 2 == 1 {
        c.push(0);
    }
    c
}

/// A WAV as a DAW might export it: JUNK, an old `bext` with a time reference, an old INFO
/// title, `iXML`, the audio (odd-sized when `frames` is odd and samples are 8-bit mono), and a
/// `cue ` chunk after the audio.
fn daw_wav(fmt: &[u8], data: &[u8]) -> Vec<u8> {
    let mut old_bext = vec![0u8; 602];
    old_bext[..9].copy_from_slice(b"old title");
    old_bext[320..330].copy_from_slice(b"2023-05-01");
    old_bext[330..338].copy_from_slice(b"12:34:56");
    old_bext[338..346].copy_from_slice(&158_760_000u64.to_le_bytes());
    old_bext[346] = 1;
    old_bext.extend_from_slice(b"A=PCM,F=44100,W=24,M=stereo,T=Logic Pro\r\n");
    let mut info = b"INFO".to_vec();
    info.extend(chunk(b"INAM", b"Old Name\0"));
    let mut body = b"WAVE".to_vec();
    body.extend(chunk(b"JUNK", &[0; 28]));
    body.extend(chunk(b"fmt ", fmt));
    body.extend(chunk(b"bext", &old_bext));
    body.extend(chunk(b"LIST", &info));
    body.extend(chunk(
        b"iXML",
        b"<BWFXML><PROJECT>night</PROJECT></BWFXML>\n",
    ));
    body.extend(chunk(b"data", data));
    let mut cue = 1u32.to_le_bytes().to_vec();
    cue.extend([0u8; 24]);
    body.extend(chunk(b"cue ", &cue));
    let mut wav = b"RIFF".to_vec();
    wav.extend((body.len() as u32).to_le_bytes());
    wav.extend(body);
    wav
}

fn pcm_fmt(channels: u16, rate: u32, bits: u16, tag: u16) -> Vec<u8> {
    let align = channels * bits / 8;
    let mut f = tag.to_le_bytes().to_vec();
    f.extend(channels.to_le_bytes());
    f.extend(rate.to_le_bytes());
    f.extend((rate * u32::from(align)).to_le_bytes());
    f.extend(align.to_le_bytes());
    f.extend(bits.to_le_bytes());
    f
}

fn noise_bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut n = Noise(seed);
    (0..len).map(|_| (n.next() * 100.0) as i8 as u8).collect()
}

/// Everything both outputs must satisfy. A stream is read once, so a stem keeps only the
/// chunks before its audio; the lease file (a file, read with seeks) keeps those after too.
fn check_tagged(out: &[u8], input_data: &[u8], role: Option<&str>) {
    let from_stream = role.is_some();
    assert_eq!(data_bytes(out), input_data, "the audio changed");
    // hound reads the same samples from both.
    let mut reader = hound::WavReader::new(Cursor::new(out)).expect("hound reads the output");
    let spec = reader.spec();
    let samples: Vec<i32> = reader
        .samples::<i32>()
        .map(|s| s.expect("sample"))
        .collect();
    let width = usize::from(spec.bits_per_sample / 8);
    assert_eq!(samples.len(), input_data.len() / width);

    let list = riff_chunk(out, b"LIST").expect("LIST chunk");
    assert_eq!(info_item(list, "INAM").as_deref(), Some("Night Drive"));
    assert_eq!(info_item(list, "IART").as_deref(), Some("Kato"));
    assert_eq!(info_item(list, "IGNR").as_deref(), Some("Trap"));
    assert_eq!(info_item(list, "ICRD").as_deref(), Some("2024"));
    assert_eq!(info_item(list, "ISRC").as_deref(), Some("USABC2400001"));
    assert!(info_item(list, "ICMT").unwrap().contains("140 BPM, A min"));
    assert_eq!(info_item(list, "ISBJ"), role.map(|r| format!("{r} stem")));
    assert_eq!(
        info_items(list)
            .iter()
            .filter(|(id, _)| id == "INAM")
            .count(),
        1,
        "the old INFO list is gone"
    );

    let bext = riff_chunk(out, b"bext").expect("bext chunk");
    let description = bext_text(bext, 0, 256);
    assert!(
        description.starts_with("Night Drive by Kato - 140 BPM, A min"),
        "{description}"
    );
    assert!(description.ends_with("ISRC: USABC2400001"), "{description}");
    assert_eq!(bext_text(bext, 256, 32), "Kato");
    let usid = bext_text(bext, 288, 32);
    assert!(
        usid.len() == 32 && usid.starts_with("USTRK"),
        "OriginatorReference {usid}"
    );
    assert_eq!(
        u16::from_le_bytes([bext[346], bext[347]]),
        2,
        "bext version"
    );
    assert!(bext[348..412].iter().all(|&b| b == 0), "UMID zeroed");
    // Kept from the DAW's bext: where and when the audio was made.
    assert_eq!(bext_text(bext, 320, 10), "2023-05-01");
    assert_eq!(
        u64::from_le_bytes(bext[338..346].try_into().unwrap()),
        158_760_000
    );
    let history = String::from_utf8_lossy(&bext[602..]);
    assert!(
        history.starts_with("A=PCM,F=44100,W=24,M=stereo,T=Logic Pro\r\n")
            && history.contains("T=Trackout")
    );

    let axml = String::from_utf8_lossy(riff_chunk(out, b"axml").expect("axml chunk"));
    assert!(axml.contains("<dc:identifier>ISRC:USABC2400001</dc:identifier>"));
    assert!(riff_chunk(out, b"iXML").is_some(), "other chunks are kept");
    assert_eq!(
        riff_chunk(out, b"cue ").is_some(),
        !from_stream,
        "cue points after the audio"
    );
    assert!(riff_chunk(out, b"JUNK").is_none());

    let info =
        trackout_audio::wav::read_header(&mut Cursor::new(out)).expect("trackout_audio parses it");
    let ids: Vec<String> = info.chunks.iter().map(|c| c.id_str()).collect();
    assert_eq!(ids.first().map(String::as_str), Some("fmt "), "{ids:?}");
    assert_eq!(
        ids.last().map(String::as_str),
        Some("data"),
        "metadata before the audio: {ids:?}"
    );
}

#[test]
fn the_wav_lease_keeps_the_audio_and_carries_info_bext_and_isrc() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("lease.wav"));
    let data = noise_bytes(44_100 * 6 * 4, 5);
    std::fs::write(&master, daw_wav(&pcm_fmt(2, 44_100, 24, 1), &data)).unwrap();
    let report = render_wav_lease(&master, &meta(), &out).expect("lease renders");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(report.bytes, bytes.len() as u64);
    assert_eq!(
        (
            report.sample_rate,
            report.bit_depth,
            report.channels,
            report.frames
        ),
        (44_100, 24, 2, 44_100 * 4)
    );
    check_tagged(&bytes, &data, None);
    // Version 2 loudness and true peak, measured while copying: LoudnessValue,
    // LoudnessRange, MaxTruePeakLevel, MaxMomentaryLoudness, MaxShortTermLoudness.
    let bext = riff_chunk(&bytes, b"bext").unwrap();
    let field = |at: usize| {
        let v = i16::from_le_bytes([bext[at], bext[at + 1]]);
        assert_ne!(v, 0x7FFF, "bext field at {at} is measured");
        f64::from(v) / 100.0
    };
    let (lufs, lra, true_peak, momentary, short_term) =
        (field(412), field(414), field(416), field(418), field(420));
    assert!((lufs - report.integrated_lufs.unwrap()).abs() < 0.006);
    assert!((true_peak - report.true_peak_dbtp.unwrap()).abs() < 0.006);

    // Against libebur128 on the samples hound reads back.
    let mut reader = hound::WavReader::new(Cursor::new(&bytes)).unwrap();
    let samples: Vec<f32> = reader
        .samples::<i32>()
        .map(|s| s.unwrap() as f32 / 8_388_608.0)
        .collect();
    let mode = ebur128::Mode::I | ebur128::Mode::LRA | ebur128::Mode::M | ebur128::Mode::S;
    let mut reference = ebur128::EbuR128::new(2, 44_100, mode).unwrap();
    let (mut max_m, mut max_s) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for step in samples.chunks(4_410 * 2) {
        reference.add_frames_f32(step).unwrap();
        max_m = max_m.max(reference.loudness_momentary().unwrap());
        max_s = max_s.max(reference.loudness_shortterm().unwrap());
    }
    for (what, ours, theirs) in [
        ("integrated", lufs, reference.loudness_global().unwrap()),
        ("range", lra, reference.loudness_range().unwrap()),
        ("max momentary", momentary, max_m),
        ("max short-term", short_term, max_s),
    ] {
        assert!(
            (ours - theirs).abs() < 0.03,
            "{what}: {ours} vs libebur128's {theirs}"
        );
    }

    // The true peak is the check's own meter: the same master reads the same there.
    let checked = trackout_media::analysis::analyse_master(
        std::fs::File::open(&master).unwrap(),
        &trackout_media::analysis::ScanOptions {
            max_seconds: 60,
            stream_len: None,
        },
        &trackout_media::NoProgress,
    )
    .expect("the check measures the master");
    let checked_db = 20.0 * checked.true_peak.log10();
    assert!(
        (true_peak - checked_db).abs() < 0.006,
        "{true_peak} dBTP in bext, {checked_db} in the check"
    );
    let sample_peak = report.sample_peak_dbfs.unwrap();
    assert!(
        true_peak >= sample_peak - 0.005 && true_peak < sample_peak + 6.0,
        "true peak {true_peak} against sample peak {sample_peak}"
    );
}

#[test]
fn a_tagged_stem_is_streamed_with_its_role() {
    let data = noise_bytes(44_100 * 6, 9);
    let input = daw_wav(&pcm_fmt(2, 44_100, 24, 1), &data);
    let mut out = Vec::new();
    let stem = tag_stem(&mut Cursor::new(&input), &mut out, &meta(), "kick").expect("stem tagged");
    assert_eq!(stem.bytes_written, out.len() as u64);
    assert_eq!((stem.frames, stem.data_bytes), (44_100, data.len() as u64));
    check_tagged(&out, &data, Some("kick"));
    let bext = riff_chunk(&out, b"bext").unwrap();
    assert!(bext_text(bext, 0, 256).contains("kick stem"));
}

#[test]
fn odd_sized_audio_and_float_stems_stay_bit_identical() {
    // 8-bit mono with an odd number of frames: the data chunk needs RIFF's pad byte.
    let data = noise_bytes(44_101, 3);
    let input = daw_wav(&pcm_fmt(1, 44_100, 8, 1), &data);
    let mut out = Vec::new();
    tag_stem(&mut Cursor::new(&input), &mut out, &meta(), "fx").expect("stem tagged");
    assert_eq!(out.len() % 2, 0);
    assert_eq!(data_bytes(&out), data);
    assert_eq!(
        hound::WavReader::new(Cursor::new(&out))
            .unwrap()
            .samples::<i8>()
            .count(),
        data.len()
    );

    let floats: Vec<u8> = (0..2000)
        .flat_map(|i| ((i as f32 * 0.01).sin() * 1.5).to_le_bytes())
        .collect();
    let input = daw_wav(&pcm_fmt(2, 48_000, 32, 3), &floats);
    let mut out = Vec::new();
    tag_stem(&mut Cursor::new(&input), &mut out, &meta(), "melody").expect("float stem tagged");
    assert_eq!(data_bytes(&out), floats, "float overs are kept as they are");
    let samples: Vec<f32> = hound::WavReader::new(Cursor::new(&out))
        .unwrap()
        .samples::<f32>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(samples.len(), 2000);
}
