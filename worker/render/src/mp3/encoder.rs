//! LAME behind a small writer: 44.1 kHz stereo float in, a finished MP3 file out, with the
//! LAME/Info tag filled in so players and decoders know the exact length (encoder delay and
//! padding) and skip neither too much nor too little.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use mp3lame_encoder::{Bitrate, Builder, Encoder, FlushGap, InterleavedPcm, Mode, Quality};

use crate::audio::OUTPUT_RATE;
use crate::error::RenderError;

/// Frames handed to LAME per call: whole MP3 frames (1152), about 0.2 s.
const ENCODE_FRAMES: usize = 1152 * 8;
/// LAME's documented worst case for one flush (see DEPENDENCIES.md: an undersized buffer is
/// written past, not refused).
const FLUSH_BYTES: usize = 7200;

pub(crate) struct Mp3File {
    encoder: Encoder,
    out: BufWriter<File>,
    path: PathBuf,
    /// Where the first MP3 frame (LAME's placeholder Info frame) starts.
    audio_start: u64,
    buf: Vec<u8>,
    bytes: u64,
}

fn bitrate(kbps: u32) -> Result<Bitrate, RenderError> {
    Ok(match kbps {
        64 => Bitrate::Kbps64,
        96 => Bitrate::Kbps96,
        112 => Bitrate::Kbps112,
        128 => Bitrate::Kbps128,
        160 => Bitrate::Kbps160,
        192 => Bitrate::Kbps192,
        224 => Bitrate::Kbps224,
        256 => Bitrate::Kbps256,
        320 => Bitrate::Kbps320,
        other => {
            return Err(RenderError::Invalid(format!(
                "{other} kbps is not an MPEG-1 Layer III bitrate this store encodes (64–320)"
            )));
        }
    })
}

/// LAME's own default, what `lame -b 320` uses.
pub(crate) const LAME_DEFAULT_QUALITY: u8 = 3;

fn lame_quality(q: u8) -> Result<Quality, RenderError> {
    Ok(match q {
        0 => Quality::Best,
        1 => Quality::SecondBest,
        2 => Quality::NearBest,
        3 => Quality::VeryNice,
        4 => Quality::Nice,
        5 => Quality::Good,
        6 => Quality::Decent,
        7 => Quality::Ok,
        8 => Quality::SecondWorst,
        9 => Quality::Worst,
        other => {
            return Err(RenderError::Invalid(format!(
                "LAME quality {other} is not 0 (best) to 9 (fastest)"
            )));
        }
    })
}

fn lame(e: impl std::fmt::Debug) -> RenderError {
    RenderError::Encoder(format!("{e:?}"))
}

impl Mp3File {
    /// Creates `path` and writes `id3` (a complete ID3v2 tag, or nothing) before the audio.
    /// `quality` is LAME's `-q`: 0 (slowest, best) to 9 (fastest).
    pub fn create(path: &Path, kbps: u32, quality: u8, id3: &[u8]) -> Result<Self, RenderError> {
        let mut builder =
            Builder::new().ok_or_else(|| RenderError::Encoder("LAME could not allocate".into()))?;
        builder.set_num_channels(2).map_err(lame)?;
        builder.set_sample_rate(OUTPUT_RATE).map_err(lame)?;
        builder
            .set_output_sample_rate(NonZeroU32::new(OUTPUT_RATE))
            .map_err(lame)?;
        builder.set_brate(bitrate(kbps)?).map_err(lame)?;
        builder.set_mode(Mode::JointStereo).map_err(lame)?;
        builder.set_quality(lame_quality(quality)?).map_err(lame)?;
        builder.set_to_write_vbr_tag(true).map_err(lame)?;
        let encoder = builder.build().map_err(lame)?;
        let file = File::create(path).map_err(|e| RenderError::write(path, e))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        out.write_all(id3)
            .map_err(|e| RenderError::write(path, e))?;
        Ok(Mp3File {
            encoder,
            out,
            path: path.to_path_buf(),
            audio_start: id3.len() as u64,
            buf: Vec::new(),
            bytes: id3.len() as u64,
        })
    }

    /// Encodes interleaved 44.1 kHz stereo frames (full scale ±1.0).
    pub fn write(&mut self, stereo: &[f32]) -> Result<(), RenderError> {
        for chunk in stereo.chunks(ENCODE_FRAMES * 2) {
            self.buf.clear();
            self.buf
                .reserve(mp3lame_encoder::max_required_buffer_size(chunk.len() / 2));
            self.encoder
                .encode_to_vec(InterleavedPcm(chunk), &mut self.buf)
                .map_err(lame)?;
            self.emit()?;
        }
        Ok(())
    }

    /// Flushes LAME, writes the real LAME tag over the placeholder and closes the file.
    /// Returns the file's size in bytes.
    pub fn finish(mut self) -> Result<u64, RenderError> {
        self.buf.clear();
        self.buf.reserve(FLUSH_BYTES);
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.buf)
            .map_err(lame)?;
        self.emit()?;
        let size = self.encoder.lame_tag_size();
        let mut tag = Vec::with_capacity(size.max(1));
        let written = self.encoder.lame_tag_encode_to_vec(&mut tag);
        let io = |e| RenderError::write(&self.path, e);
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| RenderError::write(&self.path, e.into_error()))?;
        if written.is_some() && !tag.is_empty() {
            file.seek(SeekFrom::Start(self.audio_start)).map_err(io)?;
            file.write_all(&tag).map_err(io)?;
        }
        // No fsync: the caller renames or uploads the finished file and owns its durability.
        file.flush().map_err(io)?;
        Ok(self.bytes)
    }

    fn emit(&mut self) -> Result<(), RenderError> {
        self.out
            .write_all(&self.buf)
            .map_err(|e| RenderError::write(&self.path, e))?;
        self.bytes += self.buf.len() as u64;
        Ok(())
    }
}
