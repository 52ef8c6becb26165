//! Reading a bundle's central directory and one stored entry, touching nothing else: the
//! end records are found in the last 64 KiB, the directory is read in one piece, and an
//! entry is read from its local header. Every size the file claims is checked against the
//! file before anything is allocated.

use std::io::{self, Read, Seek, SeekFrom};

use super::*;
use crate::error::RenderError;

/// The end record sits in the last 22 bytes plus at most a 64 KiB comment.
const EOCD_SEARCH: u64 = 22 + 0xFFFF;
/// A bundle's directory is a few KiB per hundred stems; more is not a bundle.
const MAX_DIRECTORY: u64 = 16 << 20;
const MAX_ENTRIES: u64 = 100_000;

pub(crate) struct CentralDirectory {
    pub entries: Vec<ZipEntry>,
}

fn bad(what: impl Into<String>) -> RenderError {
    RenderError::Archive(format!(
        "the base bundle is not a readable zip: {}",
        what.into()
    ))
}

fn io(e: io::Error) -> RenderError {
    RenderError::io("cannot read the base bundle", e)
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes([
        b[i],
        b[i + 1],
        b[i + 2],
        b[i + 3],
        b[i + 4],
        b[i + 5],
        b[i + 6],
        b[i + 7],
    ])
}

fn read_at<R: Read + Seek>(r: &mut R, offset: u64, len: usize) -> Result<Vec<u8>, RenderError> {
    r.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => bad("it ends early"),
        _ => io(e),
    })?;
    Ok(buf)
}

pub(crate) fn read_central_directory<R: Read + Seek>(
    r: &mut R,
) -> Result<CentralDirectory, RenderError> {
    let len = r.seek(SeekFrom::End(0)).map_err(io)?;
    let tail_len = len.min(EOCD_SEARCH);
    let tail = read_at(r, len - tail_len, tail_len as usize)?;
    let at = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| {
            u32_at(&tail, i) == EOCD_SIG
                && i + 22 + usize::from(u16_at(&tail, i + 20)) == tail.len()
        })
        .ok_or_else(|| bad("no end of central directory record"))?;
    let eocd_pos = len - tail_len + at as u64;
    let e = &tail[at..];
    let (mut count, mut cd_len, mut cd_start) = (
        u64::from(u16_at(e, 10)),
        u64::from(u32_at(e, 12)),
        u64::from(u32_at(e, 16)),
    );
    if count == 0xFFFF || cd_len == 0xFFFF_FFFF || cd_start == 0xFFFF_FFFF {
        let locator = eocd_pos
            .checked_sub(20)
            .ok_or_else(|| bad("no ZIP64 locator"))?;
        let l = read_at(r, locator, 20)?;
        if u32_at(&l, 0) != ZIP64_LOCATOR_SIG {
            return Err(bad("no ZIP64 locator"));
        }
        let record_at = u64_at(&l, 8);
        if record_at.checked_add(56).is_none_or(|end| end > locator) {
            return Err(bad("the ZIP64 end record is out of place"));
        }
        let z = read_at(r, record_at, 56)?;
        if u32_at(&z, 0) != ZIP64_EOCD_SIG {
            return Err(bad("no ZIP64 end record"));
        }
        (count, cd_len, cd_start) = (u64_at(&z, 32), u64_at(&z, 40), u64_at(&z, 48));
    }
    if cd_len > MAX_DIRECTORY
        || count > MAX_ENTRIES
        || cd_start
            .checked_add(cd_len)
            .is_none_or(|end| end > eocd_pos)
    {
        return Err(bad("its central directory does not fit the file"));
    }
    let cd = read_at(r, cd_start, cd_len as usize)?;
    let mut entries = Vec::with_capacity(count as usize);
    let mut i = 0usize;
    for _ in 0..count {
        if i + 46 > cd.len() || u32_at(&cd, i) != CENTRAL_HEADER_SIG {
            return Err(bad("a damaged central directory entry"));
        }
        let h = &cd[i..];
        let (name_len, extra_len, comment_len) = (
            usize::from(u16_at(h, 28)),
            usize::from(u16_at(h, 30)),
            usize::from(u16_at(h, 32)),
        );
        let end = 46 + name_len + extra_len + comment_len;
        if i + end > cd.len() {
            return Err(bad("a damaged central directory entry"));
        }
        let name = String::from_utf8(h[46..46 + name_len].to_vec())
            .map_err(|_| bad("an entry name that is not UTF-8"))?;
        let mut entry = ZipEntry {
            name,
            flags: u16_at(h, 8),
            method: u16_at(h, 10),
            time: u16_at(h, 12),
            date: u16_at(h, 14),
            crc32: u32_at(h, 16),
            compressed_size: u64::from(u32_at(h, 20)),
            size: u64::from(u32_at(h, 24)),
            offset: u64::from(u32_at(h, 42)),
            external_attrs: u32_at(h, 38),
        };
        apply_zip64(&mut entry, &h[46 + name_len..46 + name_len + extra_len])?;
        if entry.size >= 0xFFFF_FFFF
            || entry.compressed_size >= 0xFFFF_FFFF
            || entry.offset >= cd_start
        {
            return Err(bad(format!(
                "{}: an entry this store does not write",
                entry.name
            )));
        }
        entries.push(entry);
        i += end;
    }
    Ok(CentralDirectory { entries })
}

/// Replaces the 0xFFFFFFFF placeholders with the ZIP64 extra field's values, in its order.
fn apply_zip64(entry: &mut ZipEntry, mut extra: &[u8]) -> Result<(), RenderError> {
    while extra.len() >= 4 {
        let (id, len) = (u16_at(extra, 0), usize::from(u16_at(extra, 2)));
        let body = extra
            .get(4..4 + len)
            .ok_or_else(|| bad("a damaged extra field"))?;
        if id == ZIP64_EXTRA_ID {
            let mut values = body.chunks_exact(8).map(|c| u64_at(c, 0));
            for field in [
                &mut entry.size,
                &mut entry.compressed_size,
                &mut entry.offset,
            ] {
                if *field == 0xFFFF_FFFF {
                    *field = values
                        .next()
                        .ok_or_else(|| bad("a short ZIP64 extra field"))?;
                }
            }
        }
        extra = &extra[4 + len..];
    }
    Ok(())
}

/// The bytes of a stored entry, checked against its CRC-32; at most `max` bytes.
pub(crate) fn read_stored_entry<R: Read + Seek>(
    r: &mut R,
    entry: &ZipEntry,
    max: u64,
) -> Result<Vec<u8>, RenderError> {
    if entry.method != 0 || entry.size != entry.compressed_size {
        return Err(bad(format!(
            "{} is compressed; this store writes it stored",
            entry.name
        )));
    }
    if entry.size > max {
        return Err(bad(format!(
            "{} is {} bytes; at most {max} are expected",
            entry.name, entry.size
        )));
    }
    let h = read_at(r, entry.offset, 30)?;
    if u32_at(&h, 0) != LOCAL_HEADER_SIG {
        return Err(bad(format!(
            "{} has no local header where the directory says",
            entry.name
        )));
    }
    let skip = u64::from(u16_at(&h, 26)) + u64::from(u16_at(&h, 28));
    let data = read_at(r, entry.offset + 30 + skip, entry.size as usize)?;
    if crc32fast::hash(&data) != entry.crc32 {
        return Err(bad(format!("{} does not match its CRC-32", entry.name)));
    }
    Ok(data)
}
