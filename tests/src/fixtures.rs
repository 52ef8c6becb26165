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

/// A master matching [`good_trackout`]: the sum of its stems, turned down 12 dB on the
/// master bus so it does not clip (the check says so, as an info).
pub fn master() -> Vec<u8> {
    master_of(0.5)
}

/// The master of [`good_trackout_of`] `seconds`.
pub fn master_of(seconds: f64) -> Vec<u8> {
    let freqs = [55.0, 41.2, 8_000.0, 440.0];
    mix_wav(44_100, seconds, |t| {
        0.25 * freqs
            .iter()
            .map(|f| 0.5 * (std::f64::consts::TAU * f * t).sin())
            .sum::<f64>()
    })
}

/// A 24-bit stereo WAV of `seconds` of `signal(t)` (full scale 1.0).
pub fn mix_wav(rate: u32, seconds: f64, signal: impl Fn(f64) -> f64) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut out, spec).expect("wav writer");
        let full_scale = f64::from((1u32 << 23) - 1);
        for n in 0..(seconds * f64::from(rate)).round() as u64 {
            let value = (signal(n as f64 / f64::from(rate)) * full_scale) as i32;
            writer.write_sample(value).expect("sample");
            writer.write_sample(value).expect("sample");
        }
        writer.finalize().expect("finalize");
    }
    out.into_inner()
}

pub fn voice_tag() -> Vec<u8> {
    sine_wav(44_100, 1, 16, 0.3, 660.0, 0.4)
}

/// A beat of 20 s at 140 BPM as three stems (a kick on every beat, chords that change every
/// bar, noise hats on an irregular sixteenth grid) and its master, their exact sum; the
/// chords stem starts `late_frames` late, as a stem exported from a later point of the
/// session or nudged by hand.
pub fn trackout_with_late_stem(late_frames: usize) -> (Vec<u8>, Vec<u8>) {
    let rate = 44_100usize;
    let frames = 20 * rate;
    let beat = rate * 60 / 140;
    let tau = std::f64::consts::TAU;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let kick: Vec<f64> = (0..frames)
        .map(|n| {
            let t = (n % beat) as f64 / rate as f64;
            0.3 * (tau * (50.0 + 100.0 * (-t * 30.0).exp()) * t).sin() * (-t * 8.0).exp()
        })
        .collect();
    let roots = [57.0, 53.0, 48.0, 55.0, 50.0, 52.0, 45.0, 59.0];
    let chords: Vec<f64> = (0..frames)
        .map(|n| {
            let root = roots[(n / (4 * beat)) % roots.len()];
            let t = n as f64 / rate as f64;
            [0.0, 3.0, 7.0]
                .iter()
                .map(|i| {
                    let f = 440.0 * 2f64.powf((root + i - 69.0) / 12.0);
                    0.07 * (tau * f * t).sin()
                })
                .sum()
        })
        .collect();
    let step = beat / 4;
    let mut hats = vec![0.0; frames];
    let mut at = 0;
    while at < frames {
        let gain = 0.1 + 0.2 * (noise() + 0.5);
        for (k, h) in hats[at..(at + step).min(frames)].iter_mut().enumerate() {
            *h = gain * noise() * (-(k as f64) / rate as f64 * 60.0).exp();
        }
        at += step * if noise() > 0.0 { 1 } else { 3 };
    }
    let master: Vec<f64> = (0..frames).map(|n| kick[n] + chords[n] + hats[n]).collect();
    let late: Vec<f64> = (0..frames)
        .map(|n| n.checked_sub(late_frames).map_or(0.0, |m| chords[m]))
        .collect();
    let wav = |v: &[f64]| {
        mix_wav(rate as u32, frames as f64 / rate as f64, |t| {
            v[((t * rate as f64).round() as usize).min(v.len() - 1)]
        })
    };
    let zip = zip_of(&[
        ("Kick.wav", wav(&kick)),
        ("Chords.wav", wav(&late)),
        ("Hats.wav", wav(&hats)),
    ]);
    (zip, wav(&master))
}

/// A plain 20 s beat at 140 BPM in A minor as four stems (kick on 1 and 3, a noise snare on
/// 2 and 4, eighth hats, an Am–F–C–G–Dm–Am–E–Am progression over its bass) and its master,
/// their exact sum: what the check's tempo and key detection should hear without doubt.
pub fn beat_at_140_in_a_minor() -> (Vec<u8>, Vec<u8>) {
    let rate = 44_100usize;
    let frames = 20 * rate;
    let beat = rate * 60 / 140;
    let tau = std::f64::consts::TAU;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let hit = |out: &mut [f64], at: usize, len: usize, mut sound: Box<dyn FnMut(f64) -> f64>| {
        for (k, v) in out[at.min(frames)..(at + len).min(frames)]
            .iter_mut()
            .enumerate()
        {
            *v += sound(k as f64 / rate as f64);
        }
    };
    let (mut kick, mut snare, mut hats) = (vec![0.0; frames], vec![0.0; frames], vec![0.0; frames]);
    for b in 0..frames / beat + 1 {
        let at = b * beat;
        if b % 2 == 0 {
            hit(
                &mut kick,
                at,
                rate / 3,
                Box::new(move |t| {
                    0.45 * (tau * (50.0 + 110.0 * (-t * 30.0).exp()) * t).sin() * (-t * 9.0).exp()
                }),
            );
        } else {
            let mut n = noise; // a copy: this hit's own noise, from the shared state
            hit(
                &mut snare,
                at,
                rate / 4,
                Box::new(move |t| {
                    0.3 * n() * (-t * 14.0).exp()
                        + 0.15 * (tau * 185.0 * t).sin() * (-t * 25.0).exp()
                }),
            );
            for _ in 0..7 {
                noise();
            }
        }
        for half in [0, beat / 2] {
            let mut n = noise; // a copy: this hit's own noise, from the shared state
            let mut last = 0.0;
            hit(
                &mut hats,
                at + half,
                rate / 20,
                Box::new(move |t| {
                    let x = n();
                    let bright = x - last;
                    last = x;
                    0.2 * bright * (-t * 70.0).exp()
                }),
            );
            noise();
        }
    }
    // (root MIDI note, minor) one a bar.
    let chords = [
        (57, true),
        (53, false),
        (48, false),
        (55, false),
        (50, true),
        (57, true),
        (52, false),
        (57, true),
    ];
    let note = |m: f64| 440.0 * 2f64.powf((m - 69.0) / 12.0);
    let (mut keys, mut bass) = (vec![0.0; frames], vec![0.0; frames]);
    for n in 0..frames {
        let (root, minor) = chords[(n / (4 * beat)) % chords.len()];
        let t = n as f64 / rate as f64;
        let third = if minor { 3.0 } else { 4.0 };
        keys[n] = [12.0, 12.0 + third, 19.0]
            .iter()
            .map(|i| 0.06 * (tau * note(f64::from(root) + i) * t).sin())
            .sum();
        bass[n] = 0.2 * (tau * note(f64::from(root) - 12.0) * t).sin();
    }
    let stems = [
        ("Kick.wav", kick),
        ("Snare.wav", snare),
        ("Hats.wav", hats),
        ("Keys.wav", keys),
        ("Bass.wav", bass),
    ];
    let master: Vec<f64> = (0..frames)
        .map(|n| stems.iter().map(|(_, s)| s[n]).sum())
        .collect();
    let wav = |v: &[f64]| {
        mix_wav(rate as u32, frames as f64 / rate as f64, |t| {
            v[((t * rate as f64).round() as usize).min(v.len() - 1)]
        })
    };
    let files: Vec<(&str, Vec<u8>)> = stems.iter().map(|(name, s)| (*name, wav(s))).collect();
    (zip_of(&files), wav(&master))
}
