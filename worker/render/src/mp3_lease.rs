//! The MP3 lease file: the master at 320 kbps CBR, 44.1 kHz stereo, with ID3v2 tags.

use std::path::Path;

use serde::Serialize;

use crate::audio::{OUTPUT_RATE, Stereo44k};
use crate::error::RenderError;
use crate::meta::BeatMeta;
use crate::mp3::{LAME_DEFAULT_QUALITY, Mp3File, lease_tag};

pub const LEASE_KBPS: u32 = 320;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mp3Report {
    pub duration_seconds: f64,
    pub bitrate_kbps: u32,
    pub sample_rate: u32,
    /// The master's rate when it was not 44.1 kHz and had to be converted.
    pub resampled_from: Option<u32>,
    /// The master's channel count (folded to stereo when it is not 2).
    pub source_channels: u16,
    pub bytes: u64,
}

/// Encodes `master` (any WAV the trackout check accepts) to `out`. Writes nothing but `out`;
/// on error `out` may hold a partial file, which the caller discards.
pub fn render_mp3_lease(
    master: &Path,
    meta: &BeatMeta,
    out: &Path,
) -> Result<Mp3Report, RenderError> {
    meta.validate()?;
    let tag = lease_tag(meta)?;
    let mut audio = Stereo44k::open(master, "the master")?;
    let format = audio.source().info().format;
    // LAME's default quality, as `lame -b 320`: what a buyer pays for gets the full search.
    let mut mp3 = Mp3File::create(out, LEASE_KBPS, LAME_DEFAULT_QUALITY, &tag)?;
    let mut block = Vec::new();
    let mut frames = 0u64;
    while audio.next_block(&mut block)? {
        // Float masters may hold overs; LAME takes floats past ±1.0 without wrapping, so the
        // lease keeps exactly what the producer delivered.
        mp3.write(&block)?;
        frames += (block.len() / 2) as u64;
    }
    let bytes = mp3.finish()?;
    Ok(Mp3Report {
        duration_seconds: frames as f64 / f64::from(OUTPUT_RATE),
        bitrate_kbps: LEASE_KBPS,
        sample_rate: OUTPUT_RATE,
        resampled_from: (format.sample_rate != OUTPUT_RATE).then_some(format.sample_rate),
        source_channels: format.channels,
        bytes,
    })
}
