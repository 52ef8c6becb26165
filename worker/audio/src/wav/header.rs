//! Walking the RIFF chunks up to `data`, and validating `fmt `.

use std::io::{self, Read, Seek, SeekFrom};

use super::format_chunk::parse_fmt;
use super::{Chunk, MAX_LISTED_CHUNKS, WavError, WavFormat, WavInfo};
use crate::read_full;
use crate::sniff::sniff;

/// Reads the header of a WAV file from the start of `r` and checks it against the file's
/// length: a `data` chunk claiming more than the file holds is `Truncated`. Chunks after
/// `data` (a trailing `LIST` or `id3 `) are listed too. On success `r` is positioned at the
/// first sample byte (`data_offset`).
pub fn read_header<R: Read + Seek>(r: &mut R) -> Result<WavInfo, WavError> {
    let file_len = r.seek(SeekFrom::End(0))?;
    r.seek(SeekFrom::Start(0))?;
    let mut source = Seekable {
        inner: r,
        pos: 0,
        len: file_len,
    };
    let mut info = walk_to_data(&mut source)?;
    let held = file_len - info.data_offset;
    if info.data_len > held {
        return Err(WavError::Truncated(format!(
            "the data chunk claims {} bytes but the file holds only {held} after its header",
            info.data_len
        )));
    }
    list_trailing_chunks(source.inner, &mut info, file_len)?;
    r.seek(SeekFrom::Start(info.data_offset))?;
    Ok(info)
}

/// Reads the header from a stream that cannot seek (a zip entry being inflated), leaving it
/// at the first sample byte. Whether the data chunk really holds `data_len` bytes can only be
/// known by reading it; the sample scan reports `Truncated` when it cannot.
pub fn read_header_stream<R: Read>(r: &mut R) -> Result<WavInfo, WavError> {
    walk_to_data(&mut Stream { inner: r, pos: 0 })
}

/// What the chunk walk needs from a reader: reads, and skipping that may be cheaper than
/// reading (a seek), which reports how much it could skip before the end of the file.
trait Source: Read {
    fn skip(&mut self, n: u64) -> io::Result<u64>;
    fn pos(&self) -> u64;
}

struct Stream<'a, R> {
    inner: &'a mut R,
    pos: u64,
}

impl<R: Read> Read for Stream<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> Source for Stream<'_, R> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let skipped = io::copy(&mut (&mut *self).take(n), &mut io::sink())?;
        Ok(skipped)
    }
    fn pos(&self) -> u64 {
        self.pos
    }
}

struct Seekable<'a, R> {
    inner: &'a mut R,
    pos: u64,
    len: u64,
}

impl<R: Read> Read for Seekable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Source for Seekable<'_, R> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let skipped = n.min(self.len.saturating_sub(self.pos));
        self.pos += skipped;
        self.inner.seek(SeekFrom::Start(self.pos))?;
        Ok(skipped)
    }
    fn pos(&self) -> u64 {
        self.pos
    }
}

fn walk_to_data<S: Source>(s: &mut S) -> Result<WavInfo, WavError> {
    let mut riff = [0u8; 12];
    let n = read_full(s, &mut riff)?;
    check_riff_header(&riff[..n])?;
    let mut format: Option<WavFormat> = None;
    let mut chunks = Vec::new();
    // After an odd-sized chunk the pad byte is not skipped blindly: some writers leave it
    // out, and the next header tells which kind of file this is.
    let mut maybe_pad = false;
    loop {
        let mut header = [0u8; 8];
        let mut n = read_full(s, &mut header)?;
        if maybe_pad && n == 8 && !plausible_id(&header[..4]) {
            header.copy_within(1.., 0);
            n = 7 + read_full(s, &mut header[7..])?;
        }
        if n < 8 {
            let missing = if format.is_some() {
                "data chunk"
            } else {
                "fmt and data chunks"
            };
            return Err(WavError::Truncated(format!(
                "the file ends before its {missing}"
            )));
        }
        let id = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        let chunk = Chunk {
            id,
            offset: s.pos(),
            len,
        };
        if chunks.len() < MAX_LISTED_CHUNKS {
            chunks.push(chunk);
        }
        if &id == b"data" {
            let Some(format) = format else {
                return Err(WavError::BadFormat(
                    "the data chunk comes before the fmt chunk".into(),
                ));
            };
            let data_len = u64::from(len);
            return Ok(WavInfo {
                format,
                data_offset: chunk.offset,
                data_len,
                frames: data_len / u64::from(format.block_align),
                chunks,
            });
        }
        let mut payload_left = u64::from(len);
        maybe_pad = len % 2 == 1;
        if &id == b"fmt " && format.is_none() {
            if len < 16 {
                return Err(WavError::BadFormat(format!(
                    "the fmt chunk is {len} bytes; it needs at least 16"
                )));
            }
            let mut buf = [0u8; 40];
            let want = (len as usize).min(buf.len());
            if read_full(s, &mut buf[..want])? < want {
                return Err(WavError::Truncated(
                    "the file ends inside its fmt chunk".into(),
                ));
            }
            format = Some(parse_fmt(&buf[..want])?);
            payload_left -= want as u64;
        }
        if s.skip(payload_left)? < payload_left {
            return Err(WavError::Truncated(format!(
                "the file ends inside its '{}' chunk, before the data chunk",
                chunk.id_str().trim_end()
            )));
        }
    }
}

/// A chunk id as writers make them: four printable ASCII characters ("fmt ", "LIST"). A pad
/// byte is zero, so it never starts one.
fn plausible_id(id: &[u8]) -> bool {
    id.iter().all(|&c| c.is_ascii_graphic() || c == b' ') && id[0] != b' '
}

fn check_riff_header(head: &[u8]) -> Result<(), WavError> {
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
        return Ok(());
    }
    if head.len() >= 4 && &head[0..4] == b"RIFF" {
        if head.len() < 12 {
            return Err(WavError::Truncated(
                "the file ends inside its RIFF header".into(),
            ));
        }
        let kind = String::from_utf8_lossy(&head[8..12]).into_owned();
        return Err(WavError::NotWav(format!(
            "it is a RIFF '{}' file, not WAVE",
            kind.trim()
        )));
    }
    if !head.is_empty() && b"RIFF".starts_with(head) {
        return Err(WavError::Truncated(
            "the file ends inside its RIFF header".into(),
        ));
    }
    Err(WavError::NotWav(sniff(head).why_not_wav()))
}

/// Lists chunks after `data` without judging them: a damaged trailing `LIST` does not make
/// the audio unusable, so the walk stops quietly at the first thing that does not fit.
fn list_trailing_chunks<R: Read + Seek>(
    r: &mut R,
    info: &mut WavInfo,
    file_len: u64,
) -> io::Result<()> {
    let mut pos = info.data_offset + info.data_len;
    let mut maybe_pad = info.data_len % 2 == 1;
    while pos + 8 <= file_len && info.chunks.len() < MAX_LISTED_CHUNKS {
        r.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 9];
        let n = read_full(r, &mut header)?;
        if maybe_pad && n == 9 && !plausible_id(&header[..4]) {
            header.copy_within(1.., 0);
            pos += 1;
        }
        let id = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if !plausible_id(&id) || pos + 8 + u64::from(len) > file_len {
            break;
        }
        info.chunks.push(Chunk {
            id,
            offset: pos + 8,
            len,
        });
        pos += 8 + u64::from(len);
        maybe_pad = len % 2 == 1;
    }
    Ok(())
}
