//! Waveform peaks for the player, in the JSON format of BBC audiowaveform (version 2), which
//! peaks.js and other players read as they are.
//!
//! Like `audiowaveform -z 256 -b 8` with its default channel handling: one channel (the
//! average of the input's channels), 256 samples per pixel, 8-bit min/max pairs.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::decode::AudioReader;
use crate::error::RenderError;

pub const SAMPLES_PER_PIXEL: u32 = 256;

#[derive(Serialize)]
struct Waveform {
    version: u32,
    channels: u32,
    sample_rate: u32,
    samples_per_pixel: u32,
    bits: u32,
    length: usize,
    data: Vec<i8>,
}

/// Reads `audio` (a WAV, or an MP3 such as the preview) and writes its peaks to `out`.
pub fn waveform_peaks(audio: &Path, out: &Path) -> Result<(), RenderError> {
    let mut reader = AudioReader::open(audio, "the audio")?;
    let channels = reader.channels();
    let mut data = Vec::new();
    let mut block = Vec::new();
    let (mut min, mut max, mut in_pixel) = (i8::MAX, i8::MIN, 0u32);
    while reader.read(&mut block)? > 0 {
        for frame in block.chunks_exact(channels) {
            let mono = frame.iter().sum::<f32>() / channels as f32;
            let v = to_8_bit(mono);
            min = min.min(v);
            max = max.max(v);
            in_pixel += 1;
            if in_pixel == SAMPLES_PER_PIXEL {
                data.extend([min, max]);
                (min, max, in_pixel) = (i8::MAX, i8::MIN, 0);
            }
        }
    }
    if in_pixel > 0 {
        data.extend([min, max]);
    }
    let waveform = Waveform {
        version: 2,
        channels: 1,
        sample_rate: reader.sample_rate(),
        samples_per_pixel: SAMPLES_PER_PIXEL,
        bits: 8,
        length: data.len() / 2,
        data,
    };
    let file = File::create(out).map_err(|e| RenderError::write(out, e))?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer(&mut w, &waveform).map_err(|e| RenderError::write(out, e.into()))?;
    w.flush().map_err(|e| RenderError::write(out, e))
}

/// audiowaveform scales 16-bit samples down by 256; from a float the same is
/// `floor(x · 128)`, clamped to the 8-bit range.
fn to_8_bit(x: f32) -> i8 {
    (x * 128.0).floor().clamp(-128.0, 127.0) as i8
}
