//! Tagging one stem: the same metadata as the WAV lease file plus the stem's role, written in
//! front of a streaming copy of its audio.

use std::io::{Read, Write};

use serde::Serialize;
use trackout_audio::wav::{SampleFormat, WavFormat};

use crate::error::RenderError;
use crate::meta::BeatMeta;
use crate::riff::{SourceHeader, Tagging, copy_data, output_header};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaggedStem {
    pub sample_rate: u32,
    /// Bits per sample in the container (8, 16, 24, 32, 64).
    pub bit_depth: u16,
    pub sample_format: SampleFormat,
    pub channels: u16,
    pub frames: u64,
    /// Bytes of audio copied, unchanged.
    pub data_bytes: u64,
    /// Bytes written to `out`: metadata, audio and RIFF padding.
    pub bytes_written: u64,
}

/// Reads a WAV stem from `stem` and writes it to `out` with INFO, `bext` and (when the beat
/// has an ISRC) `axml` metadata naming the beat, the producer and `role`. The audio bytes are
/// copied as they are, one block at a time; nothing else is written to `out`.
pub fn tag_stem(
    stem: &mut impl Read,
    out: &mut impl Write,
    meta: &BeatMeta,
    role: &str,
) -> Result<TaggedStem, RenderError> {
    tag_stem_tapped(stem, out, meta, role, "the stem", &mut |_| {})
}

/// [`tag_stem`], showing every block of audio to `tap` on its way (the bundle measures
/// levels and loudness there, so each stem is read once).
pub(crate) fn tag_stem_tapped(
    stem: &mut impl Read,
    out: &mut impl Write,
    meta: &BeatMeta,
    role: &str,
    what: &str,
    tap: &mut dyn FnMut(&[u8]),
) -> Result<TaggedStem, RenderError> {
    meta.validate()?;
    let source = SourceHeader::read_stream(stem, what)?;
    let format = source.info.format;
    let tagging = Tagging {
        meta,
        role: Some(role),
        format,
        source_bext: source.bext.clone(),
        loudness: None,
    };
    let header = output_header(&source, &tagging)?;
    out.write_all(&header)
        .map_err(|e| RenderError::io("cannot write the tagged stem", e))?;
    copy_data(stem, out, &source.info, what, tap)?;
    Ok(report(
        &format,
        source.info.frames,
        source.info.data_len,
        header.len() as u64,
    ))
}

fn report(format: &WavFormat, frames: u64, data_len: u64, header_len: u64) -> TaggedStem {
    TaggedStem {
        sample_rate: format.sample_rate,
        bit_depth: format.bits_per_sample,
        sample_format: format.sample_format,
        channels: format.channels,
        frames,
        data_bytes: data_len,
        bytes_written: header_len + data_len + data_len % 2,
    }
}
