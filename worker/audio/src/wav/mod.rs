//! A streaming RIFF/WAVE parser and chunked sample decoder.
//!
//! The parser decides what a file is: it walks chunks (with RIFF's even-byte padding), accepts
//! integer PCM 8/16/24/32-bit and float 32/64-bit, plain or `WAVE_FORMAT_EXTENSIBLE`, and
//! refuses what a DAW could not import. It never allocates from a size the file claims.

mod block;
mod decode;
mod format_chunk;
mod header;
mod write;

use std::fmt;
use std::io;

pub use block::{BlockDecoder, FLOAT_GARBAGE, silence_garbage};
pub use decode::{decode_f32, decode_i32, full_scale};
pub use header::{read_header, read_header_stream};
pub use write::canonical_header;

/// How the samples in the `data` chunk are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleFormat {
    /// Two's complement integer PCM (8-bit is unsigned, offset by 128, as RIFF requires).
    Int,
    /// IEEE 754 float, full scale at ±1.0.
    Float,
}

impl SampleFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SampleFormat::Int => "int",
            SampleFormat::Float => "float",
        }
    }
}

/// The `fmt ` chunk, after validation: every combination this type can hold is decodable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WavFormat {
    pub sample_format: SampleFormat,
    /// The tag written in the file: 1 (PCM), 3 (float) or 0xFFFE (extensible).
    pub format_tag: u16,
    pub channels: u16,
    pub sample_rate: u32,
    /// Bits per sample in the container (8, 16, 24, 32 or 64).
    pub bits_per_sample: u16,
    /// Meaningful bits; below `bits_per_sample` only in extensible files (e.g. 20 in 24).
    pub valid_bits: u16,
    pub block_align: u16,
    /// Speaker positions from an extensible header.
    pub channel_mask: Option<u32>,
}

impl WavFormat {
    pub fn bytes_per_sample(&self) -> usize {
        usize::from(self.bits_per_sample / 8)
    }

    pub fn is_extensible(&self) -> bool {
        self.format_tag == format_chunk::WAVE_FORMAT_EXTENSIBLE
    }
}

/// One chunk of the file, as found while walking it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub id: [u8; 4],
    /// Offset of the chunk's payload (after its 8-byte header) from the start of the file.
    pub offset: u64,
    /// Payload length as written; the chunk occupies `len + len % 2` bytes.
    pub len: u32,
}

impl Chunk {
    pub fn id_str(&self) -> String {
        String::from_utf8_lossy(&self.id).into_owned()
    }
}

/// What the header says, checked against what the file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WavInfo {
    pub format: WavFormat,
    /// Offset of the first sample byte from the start of the file.
    pub data_offset: u64,
    /// Length of the `data` chunk payload in bytes.
    pub data_len: u64,
    /// Whole frames in the data chunk (a trailing partial frame is ignored).
    pub frames: u64,
    /// Chunks in file order, at most [`MAX_LISTED_CHUNKS`] of them.
    pub chunks: Vec<Chunk>,
}

impl WavInfo {
    pub fn duration_seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.format.sample_rate)
    }

    pub fn chunk(&self, id: &[u8; 4]) -> Option<&Chunk> {
        self.chunks.iter().find(|c| &c.id == id)
    }
}

/// A hostile file could hold millions of tiny chunks; the list is for people, so it is capped.
pub const MAX_LISTED_CHUNKS: usize = 256;

/// Why a file is not a usable WAV. Each variant but `Io` is one of the check's finding codes
/// (`not_wav`, `truncated`, `bad_format`) and one of the renderer's error codes.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("not a WAV file: {0}")]
    NotWav(String),
    #[error("truncated: {0}")]
    Truncated(String),
    #[error("unsupported or impossible format: {0}")]
    BadFormat(String),
    #[error("read error: {0}")]
    Io(#[from] io::Error),
}

impl WavError {
    /// The explanation without the code's prefix, for building a finding message.
    pub fn detail(&self) -> String {
        match self {
            WavError::NotWav(s) | WavError::Truncated(s) | WavError::BadFormat(s) => s.clone(),
            WavError::Io(e) => e.to_string(),
        }
    }
}

impl fmt::Display for SampleFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
