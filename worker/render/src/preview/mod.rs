//! The listener's preview: the master with the voice tag mixed in at an offset and then
//! every interval, faded out at the end, optionally cut short, limited, and encoded to MP3.

mod schedule;
mod voice_tag;

use std::path::Path;

use serde::Serialize;
pub use trackout_audio::settings::PreviewSettings;

use crate::audio::{Limiter, OUTPUT_RATE, Stereo44k, db_to_gain};
use crate::error::RenderError;
use crate::mp3::Mp3File;
use crate::waveform::Peaks;
pub use voice_tag::MAX_TAG_SECONDS;
use voice_tag::VoiceTag;

/// The limiter's ceiling: −1 dBFS, the headroom lossy encoding needs (AES TD1008, EBU R 128
/// s1), so the decoded MP3 does not clip either.
pub const PREVIEW_CEILING_DBFS: f64 = -1.0;
const LOOKAHEAD_MS: f64 = 5.0;
const RELEASE_MS: f64 = 80.0;

/// Validated here before any file is created (the foundation's rule: bitrate, LAME quality,
/// lengths, the tag schedule).
fn validate(settings: &PreviewSettings) -> Result<(), RenderError> {
    settings
        .validate()
        .map_err(|e| RenderError::Invalid(e.to_string()))
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PreviewReport {
    pub duration_seconds: f64,
    pub bitrate_kbps: u32,
    /// Where each tag starts, in seconds from the start of the preview.
    pub tag_offsets_seconds: Vec<f64>,
    pub tag_seconds: f64,
    /// No voice tag was given: the built-in one was used (tell the producer).
    pub default_tag_used: bool,
    /// The limiter had to reduce the gain somewhere (master plus tag passed −1 dBFS).
    pub limited: bool,
    /// The deepest gain reduction, in dB (0 when `limited` is false).
    pub max_gain_reduction_db: f64,
}

/// Renders the preview of `master` to `out` (MP3, 44.1 kHz stereo). `voice_tag` is a WAV or
/// an MP3 of at most [`MAX_TAG_SECONDS`]; without it the built-in tag is used.
pub fn render_preview(
    master: &Path,
    voice_tag: Option<&Path>,
    settings: &PreviewSettings,
    out: &Path,
) -> Result<PreviewReport, RenderError> {
    render(master, voice_tag, settings, out, None)
}

/// [`render_preview`], also writing the preview's waveform peaks to `peaks_out` (the same
/// JSON as [`crate::waveform_peaks`]) from the audio as it is encoded: no second pass, no
/// MP3 decode.
pub fn render_preview_with_peaks(
    master: &Path,
    voice_tag: Option<&Path>,
    settings: &PreviewSettings,
    out: &Path,
    peaks_out: &Path,
) -> Result<PreviewReport, RenderError> {
    render(master, voice_tag, settings, out, Some(peaks_out))
}

fn render(
    master: &Path,
    voice_tag: Option<&Path>,
    settings: &PreviewSettings,
    out: &Path,
    peaks_out: Option<&Path>,
) -> Result<PreviewReport, RenderError> {
    validate(settings)?;
    let gain = db_to_gain(settings.tag_gain_db) as f32;
    let tag = match voice_tag {
        Some(path) => VoiceTag::load(path, gain)?,
        None => VoiceTag::default_tag(gain)?,
    };
    let mut audio = Stereo44k::open(master, "the master")?;
    let rate = f64::from(OUTPUT_RATE);
    let mut length = audio.total_frames();
    if let Some(max) = settings.max_seconds {
        length = length.min((max * rate).round() as u64);
    }
    if length == 0 {
        return Err(RenderError::Unsupported("the master holds no audio".into()));
    }
    let starts = schedule::tag_starts(
        settings.tag_offset_seconds,
        settings.tag_interval_seconds,
        length,
        OUTPUT_RATE,
    );
    let fade = ((settings.fade_out_seconds * rate).round() as u64).min(length);

    let mut mp3 = Mp3File::create(out, settings.bitrate_kbps, settings.encoder_quality, &[])?;
    let ceiling = db_to_gain(PREVIEW_CEILING_DBFS) as f32;
    let mut limiter = Limiter::new(OUTPUT_RATE, ceiling, LOOKAHEAD_MS, RELEASE_MS);
    let (mut block, mut limited) = (Vec::new(), Vec::new());
    let mut peaks = peaks_out.map(|_| Peaks::new(2));
    let mut pos = 0u64;
    while pos < length && audio.next_block(&mut block)? {
        let frames = ((block.len() / 2) as u64).min(length - pos);
        block.truncate(frames as usize * 2);
        mix_tags(&mut block, pos, &starts, &tag);
        for (i, frame) in block.chunks_exact_mut(2).enumerate() {
            let g = schedule::fade_gain(pos + i as u64, length, fade);
            frame[0] *= g;
            frame[1] *= g;
        }
        limited.clear();
        limiter.process(&block, &mut limited);
        mp3.write(&limited)?;
        if let Some(p) = &mut peaks {
            p.add(&limited);
        }
        pos += frames;
    }
    limited.clear();
    limiter.finish(&mut limited);
    mp3.write(&limited)?;
    mp3.finish()?;
    if let (Some(mut p), Some(path)) = (peaks, peaks_out) {
        p.add(&limited);
        p.write(OUTPUT_RATE, path)?;
    }
    Ok(PreviewReport {
        duration_seconds: pos as f64 / rate,
        bitrate_kbps: settings.bitrate_kbps,
        tag_offsets_seconds: starts.iter().map(|&s| s as f64 / rate).collect(),
        tag_seconds: tag.frames() as f64 / rate,
        default_tag_used: voice_tag.is_none(),
        limited: limiter.acted(),
        max_gain_reduction_db: limiter.max_reduction_db(),
    })
}

/// Adds every tag that overlaps the block starting at frame `pos`.
fn mix_tags(block: &mut [f32], pos: u64, starts: &[u64], tag: &VoiceTag) {
    let frames = (block.len() / 2) as u64;
    for &start in starts {
        let end = start + tag.frames();
        if end <= pos || start >= pos + frames {
            continue;
        }
        let from = start.max(pos);
        let to = end.min(pos + frames);
        let dst = &mut block[((from - pos) * 2) as usize..((to - pos) * 2) as usize];
        let src = &tag.samples[((from - start) * 2) as usize..((to - start) * 2) as usize];
        for (d, s) in dst.iter_mut().zip(src) {
            *d += s;
        }
    }
}
