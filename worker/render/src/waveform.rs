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
struct Waveform<'a> {
    version: u32,
    channels: u32,
    sample_rate: u32,
    samples_per_pixel: u32,
    bits: u32,
    length: usize,
    data: &'a [i8],
}

/// Min/max pairs built block by block, so the preview can make its peaks while it renders.
pub(crate) struct Peaks {
    channels: usize,
    data: Vec<i8>,
    min: i8,
    max: i8,
    in_pixel: u32,
}

impl Peaks {
    pub fn new(channels: usize) -> Self {
        Peaks {
            channels,
            data: Vec::new(),
            min: i8::MAX,
            max: i8::MIN,
            in_pixel: 0,
        }
    }

    /// Adds interleaved frames.
    pub fn add(&mut self, block: &[f32]) {
        for frame in block.chunks_exact(self.channels) {
            let mono = frame.iter().sum::<f32>() / self.channels as f32;
            let v = to_8_bit(mono);
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            self.in_pixel += 1;
            if self.in_pixel == SAMPLES_PER_PIXEL {
                self.data.extend([self.min, self.max]);
                (self.min, self.max, self.in_pixel) = (i8::MAX, i8::MIN, 0);
            }
        }
    }

    pub fn write(mut self, sample_rate: u32, out: &Path) -> Result<(), RenderError> {
        if self.in_pixel > 0 {
            self.data.extend([self.min, self.max]);
        }
        let waveform = Waveform {
            version: 2,
            channels: 1,
            sample_rate,
            samples_per_pixel: SAMPLES_PER_PIXEL,
            bits: 8,
            length: self.data.len() / 2,
            data: &self.data,
        };
        let file = File::create(out).map_err(|e| RenderError::write(out, e))?;
        let mut w = BufWriter::new(file);
        serde_json::to_writer(&mut w, &waveform).map_err(|e| RenderError::write(out, e.into()))?;
        w.flush().map_err(|e| RenderError::write(out, e))
    }
}

/// Reads `audio` (a WAV, or an MP3 such as the preview) and writes its peaks to `out`.
pub fn waveform_peaks(audio: &Path, out: &Path) -> Result<(), RenderError> {
    let mut reader = AudioReader::open(audio, "the audio")?;
    let mut peaks = Peaks::new(reader.channels());
    let mut block = Vec::new();
    while reader.read(&mut block)? > 0 {
        peaks.add(&block);
    }
    peaks.write(reader.sample_rate(), out)
}

/// audiowaveform scales 16-bit samples down by 256; from a float the same is
/// `floor(x · 128)`, clamped to the 8-bit range.
fn to_8_bit(x: f32) -> i8 {
    (x * 128.0).floor().clamp(-128.0, 127.0) as i8
}
