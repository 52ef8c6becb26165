use id3::{Tag, TagLike};
use trackout_render::render_mp3_lease;

use crate::helpers::*;

#[test]
fn a_320k_cbr_mp3_with_every_id3_frame_and_the_masters_length() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("lease.mp3"));
    let frames = 44_100 * 10 + 123;
    quiet_master(&master, 44_100, frames as f64 / 44_100.0);
    let report = render_mp3_lease(&master, &meta(), &out).expect("lease renders");
    assert_eq!(
        (
            report.bitrate_kbps,
            report.sample_rate,
            report.resampled_from
        ),
        (320, 44_100, None)
    );

    let bytes = std::fs::read(&out).unwrap();
    let rates = frame_bitrates(&bytes);
    assert!(
        rates.len() > 300 && rates.iter().all(|&r| r == 320),
        "every frame must be 320 kbps"
    );
    let decoded = decode_mp3(&out);
    assert_eq!((decoded.rate, decoded.channels), (44_100, 2));
    assert!(
        decoded.frames().abs_diff(frames) <= 1152,
        "decoded {} frames of {frames}",
        decoded.frames()
    );

    let tag = Tag::read_from_path(&out).expect("ID3 tag");
    assert_eq!(tag.version(), id3::Version::Id3v23);
    assert_eq!(tag.title(), Some("Night Drive"));
    assert_eq!(tag.artist(), Some("Kato"));
    assert_eq!(
        tag.get("TBPM").and_then(|f| f.content().text()),
        Some("140")
    );
    assert_eq!(tag.get("TKEY").and_then(|f| f.content().text()), Some("Am"));
    assert_eq!(
        tag.get("TSRC").and_then(|f| f.content().text()),
        Some("USABC2400001")
    );
    assert_eq!(tag.genre(), Some("Trap"));
    assert_eq!(tag.year(), Some(2024));
    let comment = tag.comments().next().expect("COMM frame");
    assert_eq!(comment.text, "Licensed via Trackout — see license.pdf");
    let composers: Vec<&str> = tag
        .get("TCOM")
        .and_then(|f| f.content().text_values())
        .expect("TCOM")
        .collect();
    assert_eq!(composers, ["Kato", "Jane Roe"]);
}

#[test]
fn without_an_isrc_there_is_no_tsrc() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("lease.mp3"));
    quiet_master(&master, 44_100, 2.0);
    let meta = trackout_render::BeatMeta {
        isrc: None,
        ..meta()
    };
    render_mp3_lease(&master, &meta, &out).unwrap();
    assert!(Tag::read_from_path(&out).unwrap().get("TSRC").is_none());
}

#[test]
fn a_48k_mono_float_master_becomes_a_44k_stereo_mp3_of_the_same_length_and_pitch() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("lease.mp3"));
    let seconds = 7;
    // A 1 kHz sine: after conversion it must still cross zero 2000 times a second.
    write_wav(
        &master,
        spec(1, 48_000, 32, true),
        48_000 * seconds,
        |n, _| 0.5 * (std::f32::consts::TAU * 1000.0 * n as f32 / 48_000.0).sin(),
    );
    let report = render_mp3_lease(&master, &meta(), &out).expect("lease renders");
    assert_eq!(
        (report.resampled_from, report.source_channels),
        (Some(48_000), 1)
    );
    assert!((report.duration_seconds - seconds as f64).abs() < 1e-3);
    let decoded = decode_mp3(&out);
    assert_eq!((decoded.rate, decoded.channels), (44_100, 2));
    assert!(
        decoded.frames().abs_diff(44_100 * seconds) <= 1152,
        "decoded {} frames",
        decoded.frames()
    );
    let left: Vec<f32> = decoded.samples.iter().step_by(2).copied().collect();
    let right: Vec<f32> = decoded.samples.iter().skip(1).step_by(2).copied().collect();
    let second = &left[2 * 44_100..3 * 44_100];
    let crossings = second
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    assert!(
        (1996..=2004).contains(&crossings),
        "{crossings} zero crossings in one second"
    );
    assert!(
        (rms(second) - 0.5 / 2f32.sqrt()).abs() < 0.02,
        "level changed: rms {}",
        rms(second)
    );
    // Mono is centred: both sides carry the same signal.
    assert!(
        rms(&left[44_100..]) > 0.3 && (rms(&left[44_100..]) - rms(&right[44_100..])).abs() < 0.01
    );
}

#[test]
fn a_96k_24bit_master_keeps_its_length() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("lease.mp3"));
    let mut noise = Noise(11);
    write_wav(
        &master,
        spec(2, 96_000, 24, false),
        96_000 * 3 + 17,
        |_, _| 0.1 * noise.next(),
    );
    render_mp3_lease(&master, &meta(), &out).expect("lease renders");
    let expected = (96_000 * 3 + 17) as f64 * 44_100.0 / 96_000.0;
    assert!((decode_mp3(&out).frames() as f64 - expected).abs() <= 1152.0);
}
