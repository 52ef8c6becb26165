use serde_json::Value;
use trackout_render::{PreviewSettings, render_preview, render_preview_with_peaks, waveform_peaks};

use crate::helpers::*;

fn check(json: &Value, rate: u64, frames: u64) {
    assert_eq!(json["version"], 2);
    assert_eq!(json["channels"], 1);
    assert_eq!(json["sample_rate"], rate);
    assert_eq!(json["samples_per_pixel"], 256);
    assert_eq!(json["bits"], 8);
    let length = json["length"].as_u64().unwrap();
    let data = json["data"].as_array().unwrap();
    assert!(
        length.abs_diff(frames.div_ceil(256)) <= 5,
        "{length} pixels for {frames} frames"
    );
    assert_eq!(data.len() as u64, 2 * length);
    for pair in data.chunks(2) {
        let (min, max) = (pair[0].as_i64().unwrap(), pair[1].as_i64().unwrap());
        assert!((-128..=127).contains(&min) && (-128..=127).contains(&max) && min <= max);
    }
}

#[test]
fn peaks_of_a_wav_and_of_the_preview_mp3_in_audiowaveform_v2_format() {
    let dir = TestDir::new();
    let (master, preview, peaks) = (
        dir.path("master.wav"),
        dir.path("preview.mp3"),
        dir.path("peaks.json"),
    );
    write_wav(&master, spec(2, 48_000, 16, false), 48_000 * 3, |n, _| {
        if n < 48_000 {
            0.5 * (n as f32 * 0.05).sin()
        } else {
            0.0
        }
    });
    waveform_peaks(&master, &peaks).expect("peaks of the master");
    let json: Value = serde_json::from_slice(&std::fs::read(&peaks).unwrap()).unwrap();
    check(&json, 48_000, 48_000 * 3);
    let data = json["data"].as_array().unwrap();
    // Loud for the first second, silent after: the peaks say so.
    assert!(data[1].as_i64().unwrap() > 50 && data[data.len() - 1].as_i64().unwrap() == 0);

    render_preview(&master, None, &PreviewSettings::default(), &preview).unwrap();
    waveform_peaks(&preview, &peaks).expect("peaks of the preview");
    let json: Value = serde_json::from_slice(&std::fs::read(&peaks).unwrap()).unwrap();
    check(&json, 44_100, 44_100 * 3);
}

#[test]
fn the_preview_can_write_its_own_peaks_while_it_renders() {
    let dir = TestDir::new();
    let (master, preview, own, decoded) = (
        dir.path("master.wav"),
        dir.path("preview.mp3"),
        dir.path("own.json"),
        dir.path("decoded.json"),
    );
    quiet_master(&master, 44_100, 4.0);
    render_preview_with_peaks(&master, None, &PreviewSettings::default(), &preview, &own)
        .expect("preview and peaks");
    waveform_peaks(&preview, &decoded).expect("peaks of the MP3");
    let own: Value = serde_json::from_slice(&std::fs::read(&own).unwrap()).unwrap();
    let decoded: Value = serde_json::from_slice(&std::fs::read(&decoded).unwrap()).unwrap();
    check(&own, 44_100, 44_100 * 4);
    // The same audio before and after the MP3 round trip: same length, nearly the same peaks.
    assert_eq!(own["length"], decoded["length"]);
    let (a, b) = (
        own["data"].as_array().unwrap(),
        decoded["data"].as_array().unwrap(),
    );
    let worst = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x.as_i64().unwrap() - y.as_i64().unwrap()).abs())
        .max()
        .unwrap();
    assert!(worst <= 8, "peaks differ by up to {worst} of 128");
}
