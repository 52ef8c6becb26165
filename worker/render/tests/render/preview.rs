use trackout_render::{PreviewSettings, render_preview};

use crate::helpers::*;

/// Normalised cross-correlation of `tag` against `signal` for lags around `at`; returns
/// (best lag in frames, correlation at it).
fn best_match(signal: &[f32], tag: &[f32], at: usize, search: usize) -> (isize, f32) {
    let tag_norm = tag.iter().map(|x| x * x).sum::<f32>().sqrt();
    let mut best = (0isize, f32::MIN);
    for lag in -(search as isize)..=search as isize {
        let start = at as isize + lag;
        if start < 0 || start as usize + tag.len() > signal.len() {
            continue;
        }
        let window = &signal[start as usize..start as usize + tag.len()];
        let dot: f32 = window.iter().zip(tag).map(|(a, b)| a * b).sum();
        let norm = window.iter().map(|x| x * x).sum::<f32>().sqrt() * tag_norm;
        let c = if norm > 0.0 { dot / norm } else { 0.0 };
        if c > best.1 {
            best = (lag, c);
        }
    }
    best
}

#[test]
fn the_tag_is_at_every_offset_the_length_and_bitrate_are_right_and_the_end_fades() {
    let dir = TestDir::new();
    let (master, tag, out) = (
        dir.path("master.wav"),
        dir.path("tag.wav"),
        dir.path("preview.mp3"),
    );
    quiet_master(&master, 44_100, 50.0);
    let tag_samples = chirp_tag(&tag, 44_100);
    let settings = PreviewSettings {
        tag_offset_seconds: 2.0,
        ..PreviewSettings::default()
    };
    let report = render_preview(&master, Some(&tag), &settings, &out).expect("preview renders");

    assert_eq!(report.tag_offsets_seconds, vec![2.0, 22.0, 42.0]);
    assert!(!report.default_tag_used);
    assert!((report.duration_seconds - 50.0).abs() < 1e-9);
    assert!((report.tag_seconds - 0.8).abs() < 0.01);

    let bytes = std::fs::read(&out).unwrap();
    let rates = frame_bitrates(&bytes);
    assert!(
        rates.iter().all(|&r| r == 128),
        "not 128 kbps CBR: {:?}",
        rates.iter().filter(|&&r| r != 128).count()
    );
    let decoded = decode_mp3(&out);
    assert_eq!((decoded.rate, decoded.channels), (44_100, 2));
    assert!(
        decoded.frames().abs_diff(50 * 44_100) <= 1152,
        "decoded {} frames",
        decoded.frames()
    );

    let mono = decoded.mono();
    // The first 0.4 s of the chirp: long enough to be unmistakable, short enough to be quick.
    let probe = &tag_samples[..17_640];
    for &offset in &report.tag_offsets_seconds {
        let at = (offset * 44_100.0) as usize;
        let (lag, corr) = best_match(&mono, probe, at, 2_000);
        assert!(lag.abs() <= 2, "tag at {offset} s found {lag} frames off");
        assert!(corr > 0.8, "tag at {offset} s: correlation {corr}");
    }
    for untagged in [10.0, 31.0] {
        let (_, corr) = best_match(&mono, probe, (untagged * 44_100.0) as usize, 2_000);
        assert!(
            corr < 0.3,
            "a tag where none was placed ({untagged} s): correlation {corr}"
        );
    }
    // No untagged stretch longer than interval + tag length: with these settings the tags
    // are 20 s apart and the first comes 2 s in.
    let starts = &report.tag_offsets_seconds;
    assert!(starts[0] <= settings.tag_interval_seconds);
    assert!(
        starts
            .windows(2)
            .all(|w| w[1] - w[0] <= settings.tag_interval_seconds + report.tag_seconds)
    );

    let body = rms(&mono[5 * 44_100..15 * 44_100]);
    let last = rms(&mono[mono.len() - 44_100..]);
    assert!(
        last < body * 0.3,
        "last second {last} vs body {body}: no fade"
    );
}

#[test]
fn a_cut_preview_fades_at_the_cut_and_keeps_the_tags_inside_it() {
    let dir = TestDir::new();
    let (master, tag, out) = (
        dir.path("master.wav"),
        dir.path("tag.wav"),
        dir.path("preview.mp3"),
    );
    quiet_master(&master, 44_100, 40.0);
    chirp_tag(&tag, 44_100);
    let settings = PreviewSettings {
        max_seconds: Some(25.0),
        fade_out_seconds: 4.0,
        ..PreviewSettings::default()
    };
    let report = render_preview(&master, Some(&tag), &settings, &out).expect("preview renders");
    assert_eq!(report.tag_offsets_seconds, vec![0.0, 20.0]);
    let decoded = decode_mp3(&out);
    assert!(decoded.frames().abs_diff(25 * 44_100) <= 1152);
    let mono = decoded.mono();
    let last = rms(&mono[mono.len() - 44_100..]);
    assert!(last < rms(&mono[2 * 44_100..12 * 44_100]) * 0.3);
}

#[test]
fn without_a_voice_tag_the_default_one_is_used() {
    let dir = TestDir::new();
    let (master, out) = (dir.path("master.wav"), dir.path("preview.mp3"));
    quiet_master(&master, 44_100, 12.0);
    let report =
        render_preview(&master, None, &PreviewSettings::default(), &out).expect("preview renders");
    assert!(report.default_tag_used);
    assert_eq!(report.tag_offsets_seconds, vec![0.0]);
    assert!(report.tag_seconds > 0.5 && report.tag_seconds < 3.0);
    let mono = decode_mp3(&out).mono();
    // The tag is there: the first second is far louder than the quiet master after it.
    assert!(rms(&mono[..44_100]) > 2.0 * rms(&mono[4 * 44_100..8 * 44_100]));
}

#[test]
fn a_loud_master_plus_tag_is_limited_not_wrapped() {
    let dir = TestDir::new();
    let (master, tag, out) = (
        dir.path("master.wav"),
        dir.path("tag.wav"),
        dir.path("preview.mp3"),
    );
    // A full-scale master: 0.99 peak, so any tag on top would pass full scale.
    write_wav(&master, spec(2, 44_100, 16, false), 44_100 * 6, |n, _| {
        0.99 * (std::f32::consts::TAU * 220.0 * n as f32 / 44_100.0).sin()
    });
    chirp_tag(&tag, 44_100);
    let report = render_preview(&master, Some(&tag), &PreviewSettings::default(), &out)
        .expect("preview renders");
    assert!(report.limited);
    assert!(report.max_gain_reduction_db > 1.0);
    let decoded = decode_mp3(&out);
    let peak = decoded.samples.iter().fold(0f32, |p, x| p.max(x.abs()));
    // The limiter holds −1 dBFS; the MP3 may overshoot a little, but nothing wraps or clips.
    assert!(peak < 1.0, "decoded peak {peak}");
}

#[test]
fn a_quiet_master_is_not_limited_and_the_same_inputs_give_the_same_bytes() {
    let dir = TestDir::new();
    let (master, tag) = (dir.path("master.wav"), dir.path("tag.wav"));
    quiet_master(&master, 44_100, 8.0);
    chirp_tag(&tag, 44_100);
    let (a, b) = (dir.path("a.mp3"), dir.path("b.mp3"));
    let report = render_preview(&master, Some(&tag), &PreviewSettings::default(), &a).unwrap();
    render_preview(&master, Some(&tag), &PreviewSettings::default(), &b).unwrap();
    assert!(!report.limited);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn a_48k_mono_float_master_and_an_mp3_tag_give_a_44k_stereo_preview() {
    let dir = TestDir::new();
    let (master, tag_wav, tag_mp3, out) = (
        dir.path("master.wav"),
        dir.path("tag.wav"),
        dir.path("tag.mp3"),
        dir.path("preview.mp3"),
    );
    let mut noise = Noise(3);
    write_wav(&master, spec(1, 48_000, 32, true), 48_000 * 9, |_, _| {
        0.05 * noise.next()
    });
    chirp_tag(&tag_wav, 48_000);
    // An MP3 voice tag (with an ID3 tag in front), as many producers upload.
    trackout_render::render_mp3_lease(&tag_wav, &meta(), &tag_mp3).expect("tag mp3");
    let report = render_preview(&master, Some(&tag_mp3), &PreviewSettings::default(), &out)
        .expect("preview renders");
    assert!((report.duration_seconds - 9.0).abs() < 1e-3);
    let decoded = decode_mp3(&out);
    assert_eq!((decoded.rate, decoded.channels), (44_100, 2));
    assert!(decoded.frames().abs_diff(9 * 44_100) <= 1152);
}

#[test]
fn settings_that_would_leave_the_start_untagged_are_refused() {
    let dir = TestDir::new();
    let master = dir.path("master.wav");
    quiet_master(&master, 44_100, 2.0);
    let settings = PreviewSettings {
        tag_offset_seconds: 30.0,
        ..PreviewSettings::default()
    };
    let err = render_preview(&master, None, &settings, &dir.path("p.mp3")).unwrap_err();
    assert_eq!(err.code(), "invalid");
    let settings = PreviewSettings {
        bitrate_kbps: 100,
        ..PreviewSettings::default()
    };
    assert_eq!(
        render_preview(&master, None, &settings, &dir.path("p.mp3"))
            .unwrap_err()
            .code(),
        "invalid"
    );
}
