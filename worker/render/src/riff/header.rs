//! A tagged WAV's header: the source's `fmt ` chunk verbatim, our `bext`, `LIST`/`INFO` and
//! `axml`, then the source's other chunks (cue points, `iXML`, `smpl`, `acid`…), then `data`.
//!
//! The source's chunks come from the bytes the parser read on its way to `data` (kept up to
//! [`MAX_HEADER_BYTES`]), so a stream is read exactly once. Its own `bext`, INFO list and
//! `axml` are replaced, and filler (`JUNK`, `PAD `, `FLLR`) and ID3 chunks are dropped: they
//! would contradict or pad out the new metadata. Everything is written in front of the
//! audio, so the output's size is known before a byte of audio is copied.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use trackout_audio::read_full;
use trackout_audio::wav::{self, Chunk, WavError, WavFormat, WavInfo};

use super::axml::axml_payload;
use super::bext::{BextLoudness, bext_payload};
use super::info::info_payload;
use crate::error::RenderError;
use crate::meta::BeatMeta;

/// Chunks before the audio are kept up to this much in all; a chunk over [`MAX_CHUNK`] is
/// dropped (a real one is kilobytes; a larger one is filler or an attack).
const MAX_HEADER_BYTES: usize = 16 << 20;
const MAX_CHUNK: u32 = 8 << 20;
/// Copy size: a multiple of every block alignment up to 8 × 8 bytes.
const COPY_BYTES: usize = 1 << 20;

const DROPPED: &[&[u8; 4]] = &[
    b"fmt ", b"data", b"bext", b"axml", b"JUNK", b"junk", b"PAD ", b"pad ", b"FLLR", b"fllr",
    b"filr", b"id3 ", b"ID3 ",
];

/// What the output needs to know about the tagging: the beat, the stem's role, the audio's
/// format, the source's `bext` (whose origination fields are kept) and, when measured, its
/// loudness.
pub(crate) struct Tagging<'a> {
    pub meta: &'a BeatMeta,
    pub role: Option<&'a str>,
    pub format: WavFormat,
    pub source_bext: Option<Vec<u8>>,
    pub loudness: Option<BextLoudness>,
}

pub(crate) struct SourceHeader {
    pub info: WavInfo,
    fmt: Vec<u8>,
    kept: Vec<([u8; 4], Vec<u8>)>,
    pub bext: Option<Vec<u8>>,
}

/// Keeps the first `cap` bytes read through it.
struct Recorder<'a, R> {
    inner: &'a mut R,
    bytes: Vec<u8>,
    cap: usize,
}

impl<R: Read> Read for Recorder<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let room = self.cap.saturating_sub(self.bytes.len()).min(n);
        self.bytes.extend_from_slice(&buf[..room]);
        Ok(n)
    }
}

impl SourceHeader {
    /// Parses a WAV from a stream at its first byte, leaving the stream at its first sample.
    pub fn read_stream<R: Read>(r: &mut R, what: &str) -> Result<Self, RenderError> {
        let mut recorder = Recorder {
            inner: r,
            bytes: Vec::new(),
            cap: MAX_HEADER_BYTES,
        };
        let info = wav::read_header_stream(&mut recorder).map_err(|e| RenderError::wav(what, e))?;
        let region = recorder.bytes;
        Self::build(info, &region, Vec::new(), what)
    }

    /// Parses a WAV file, including the chunks after its audio, leaving the file at its first
    /// sample.
    pub fn read_file(file: &mut File, what: &str) -> Result<Self, RenderError> {
        let info = wav::read_header(file).map_err(|e| RenderError::wav(what, e))?;
        let io = |e| RenderError::io(format!("cannot read {what}"), e);
        let mut region = vec![0u8; (info.data_offset as usize).min(MAX_HEADER_BYTES)];
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.read_exact(&mut region).map_err(io)?;
        let mut trailing = Vec::new();
        let mut budget = MAX_HEADER_BYTES;
        for chunk in info.chunks.iter().filter(|c| c.offset > info.data_offset) {
            if chunk.len > MAX_CHUNK || chunk.len as usize > budget || !keep(chunk, None) {
                continue;
            }
            let mut payload = vec![0u8; chunk.len as usize];
            file.seek(SeekFrom::Start(chunk.offset)).map_err(io)?;
            file.read_exact(&mut payload).map_err(io)?;
            budget -= payload.len();
            trailing.push((*chunk, payload));
        }
        file.seek(SeekFrom::Start(info.data_offset)).map_err(io)?;
        Self::build(info, &region, trailing, what)
    }

    fn build(
        info: WavInfo,
        region: &[u8],
        trailing: Vec<(Chunk, Vec<u8>)>,
        what: &str,
    ) -> Result<Self, RenderError> {
        let payload = |c: &Chunk| {
            let start = c.offset as usize;
            region.get(start..start + c.len as usize)
        };
        let before = info.chunks.iter().filter(|c| c.offset < info.data_offset);
        let fmt = before
            .clone()
            .find(|c| &c.id == b"fmt ")
            .and_then(payload)
            .ok_or_else(|| {
                RenderError::wav(
                    what,
                    WavError::BadFormat("its fmt chunk comes after 16 MiB of other chunks".into()),
                )
            })?
            .to_vec();
        let mut kept = Vec::new();
        let mut bext = None;
        let mut budget = MAX_HEADER_BYTES;
        let all = before
            .filter_map(|c| payload(c).map(|p| (*c, p.to_vec())))
            .chain(trailing);
        for (chunk, bytes) in all {
            if &chunk.id == b"bext" && bext.is_none() {
                bext = Some(bytes);
                continue;
            }
            if chunk.len > MAX_CHUNK || bytes.len() > budget || !keep(&chunk, Some(&bytes)) {
                continue;
            }
            budget -= bytes.len();
            kept.push((chunk.id, bytes));
        }
        Ok(SourceHeader {
            info,
            fmt,
            kept,
            bext,
        })
    }
}

/// Whether a source chunk survives tagging (`payload` when known, to tell an INFO list from
/// other lists).
fn keep(chunk: &Chunk, payload: Option<&[u8]>) -> bool {
    if &chunk.id == b"bext" {
        return true; // read for its origination fields, then replaced
    }
    if DROPPED.contains(&&chunk.id) {
        return false;
    }
    !(&chunk.id == b"LIST" && payload.is_some_and(|p| p.starts_with(b"INFO")))
}

/// A chunk as RIFF wants it: an odd payload is followed by a pad byte. The chunks made here
/// are always even-sized, so readers that forget the pad byte (hound) stay in step; a kept
/// source chunk keeps its own length.
fn push_chunk(out: &mut Vec<u8>, id: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(id);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
}

/// Everything before the first sample byte of the tagged file.
pub(crate) fn output_header(
    source: &SourceHeader,
    tagging: &Tagging<'_>,
) -> Result<Vec<u8>, RenderError> {
    let mut body = Vec::with_capacity(2048);
    push_chunk(&mut body, b"fmt ", &source.fmt);
    push_chunk(&mut body, b"bext", &bext_payload(tagging)?);
    push_chunk(&mut body, b"LIST", &info_payload(tagging)?);
    if let Some(axml) = axml_payload(tagging.meta.isrc_code()?.as_deref()) {
        push_chunk(&mut body, b"axml", &axml);
    }
    for (id, payload) in &source.kept {
        push_chunk(&mut body, id, payload);
    }
    let data_len = source.info.data_len;
    body.extend_from_slice(b"data");
    body.extend_from_slice(&(data_len as u32).to_le_bytes());
    let riff_len = 4 + body.len() as u64 + data_len + data_len % 2;
    if riff_len > u64::from(u32::MAX) {
        return Err(RenderError::Unsupported(
            "with its metadata the WAV would pass 4 GiB, the most a RIFF file can hold".into(),
        ));
    }
    let mut header = Vec::with_capacity(12 + body.len());
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(riff_len as u32).to_le_bytes());
    header.extend_from_slice(b"WAVE");
    header.extend_from_slice(&body);
    Ok(header)
}

/// Copies the `data` payload (`data_len` bytes, then RIFF's pad byte when the length is
/// odd) from `r` to `w`, showing every block of audio to `tap` (aligned to whole frames).
pub(crate) fn copy_data<R: Read, W: Write>(
    r: &mut R,
    w: &mut W,
    info: &WavInfo,
    what: &str,
    tap: &mut dyn FnMut(&[u8]),
) -> Result<(), RenderError> {
    let align = usize::from(info.format.block_align);
    let mut buf = vec![0u8; COPY_BYTES - COPY_BYTES % align];
    let mut left = info.data_len;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let got = read_full(r, &mut buf[..want])
            .map_err(|e| RenderError::io(format!("cannot read {what}"), e))?;
        if got < want {
            return Err(RenderError::wav(
                what,
                WavError::Truncated(format!(
                    "the data chunk claims {} bytes but the file ends {} bytes short",
                    info.data_len,
                    left - got as u64
                )),
            ));
        }
        tap(&buf[..got]);
        w.write_all(&buf[..got])
            .map_err(|e| RenderError::io("cannot write the tagged WAV", e))?;
        left -= got as u64;
    }
    if info.data_len % 2 == 1 {
        w.write_all(&[0])
            .map_err(|e| RenderError::io("cannot write the tagged WAV", e))?;
    }
    Ok(())
}
