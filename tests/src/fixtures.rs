//! Audio and archives generated in code: small, deterministic, no files in the repository.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// A WAV of a sine tone at `freq` Hz, `amplitude` of full scale, integer PCM.
pub fn sine_wav(
    rate: u32,
    channels: u16,
    bits: u16,
    seconds: f64,
    freq: f64,
    amplitude: f64,
) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut out, spec).expect("wav writer");
        let full_scale = f64::from((1u32 << (bits - 1)) - 1);
        let frames = (seconds * f64::from(rate)).round() as u64;
        for n in 0..frames {
            let t = n as f64 / f64::from(rate);
            let value =
                (amplitude * full_scale * (2.0 * std::f64::consts::PI * freq * t).sin()) as i32;
            for _ in 0..channels {
                writer.write_sample(value).expect("sample");
            }
        }
        writer.finalize().expect("finalize");
    }
    out.into_inner()
}

/// A stem the check accepts: 44.1 kHz, 24-bit stereo, half a second, at a healthy level.
pub fn stem(freq: f64) -> Vec<u8> {
    sine_wav(44_100, 2, 24, 0.5, freq, 0.5)
}

/// A stored (not deflated) zip of the given files.
pub fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in files {
            zip.start_file(*name, options).expect("zip entry");
            zip.write_all(bytes).expect("zip write");
        }
        zip.finish().expect("zip finish");
    }
    out.into_inner()
}

/// A trackout that passes the check: four named stems of equal length and rate.
pub fn good_trackout() -> Vec<u8> {
    good_trackout_of(0.5)
}

/// [`good_trackout`] with stems `seconds` long.
pub fn good_trackout_of(seconds: f64) -> Vec<u8> {
    let stem = |freq| sine_wav(44_100, 2, 24, seconds, freq, 0.5);
    zip_of(&[
        ("Midnight Run/Kick.wav", stem(55.0)),
        ("Midnight Run/808.wav", stem(41.2)),
        ("Midnight Run/Hi Hats.wav", stem(8_000.0)),
        ("Midnight Run/Piano.wav", stem(440.0)),
    ])
}

/// A trackout with an error a mixing engineer would reject: one stem is shorter.
pub fn trackout_with_short_stem() -> Vec<u8> {
    zip_of(&[
        ("Kick.wav", stem(55.0)),
        ("808.wav", stem(41.2)),
        ("Piano.wav", sine_wav(44_100, 2, 24, 0.4, 440.0, 0.5)),
    ])
}

/// A master matching [`good_trackout`].
pub fn master() -> Vec<u8> {
    sine_wav(44_100, 2, 24, 0.5, 220.0, 0.5)
}

pub fn voice_tag() -> Vec<u8> {
    sine_wav(44_100, 1, 16, 0.3, 660.0, 0.4)
}
