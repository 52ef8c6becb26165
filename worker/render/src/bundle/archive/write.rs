//! Writing entries and the central directory.

use std::io::{self, Write};

use super::*;

/// Version 2.0 (stored, folders); 4.5 when an entry needs ZIP64.
const VERSION_20: u16 = 20;
const VERSION_45: u16 = 45;
/// "Made by" Unix, so unzip applies the permission bits.
const MADE_BY_UNIX: u16 = 3 << 8;

/// A ZIP being written to `w`, whose first byte lands at offset `start` of the archive (0
/// for a whole archive; the kept prefix's length for a personalization tail).
pub(crate) struct ZipOut<W> {
    w: W,
    pos: u64,
    entries: Vec<ZipEntry>,
}

impl<W: Write> ZipOut<W> {
    pub fn new(w: W, start: u64) -> Self {
        ZipOut {
            w,
            pos: start,
            entries: Vec::new(),
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.w.write_all(bytes)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    /// Records an entry written by someone else (the base bundle's, for a personalization).
    pub fn adopt(&mut self, entry: ZipEntry) {
        self.entries.push(entry);
    }

    /// A stored entry whose bytes are in memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.add_bytes_with(name, bytes, FILE_ATTRS)
    }

    fn add_bytes_with(&mut self, name: &str, bytes: &[u8], attrs: u32) -> io::Result<()> {
        let entry = new_entry(
            name,
            crc32fast::hash(bytes),
            bytes.len() as u64,
            self.pos,
            attrs,
        )?;
        self.put(&local_header(&entry))?;
        self.put(bytes)?;
        self.entries.push(entry);
        Ok(())
    }

    /// The central directory and end records; returns the writer and the archive's length.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        let cd_start = self.pos;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            self.put(&central_header(e))?;
        }
        let cd_len = self.pos - cd_start;
        let count = entries.len() as u64;
        let zip64 = count >= 0xFFFF || cd_start >= 0xFFFF_FFFF || cd_len >= 0xFFFF_FFFF;
        if zip64 {
            let record_at = self.pos;
            let mut r = Vec::with_capacity(56 + 20);
            r.extend(ZIP64_EOCD_SIG.to_le_bytes());
            r.extend(44u64.to_le_bytes());
            r.extend((MADE_BY_UNIX | VERSION_45).to_le_bytes());
            r.extend(VERSION_45.to_le_bytes());
            r.extend(0u32.to_le_bytes());
            r.extend(0u32.to_le_bytes());
            r.extend(count.to_le_bytes());
            r.extend(count.to_le_bytes());
            r.extend(cd_len.to_le_bytes());
            r.extend(cd_start.to_le_bytes());
            r.extend(ZIP64_LOCATOR_SIG.to_le_bytes());
            r.extend(0u32.to_le_bytes());
            r.extend(record_at.to_le_bytes());
            r.extend(1u32.to_le_bytes());
            self.put(&r)?;
        }
        let mut eocd = Vec::with_capacity(22);
        eocd.extend(EOCD_SIG.to_le_bytes());
        eocd.extend(0u16.to_le_bytes());
        eocd.extend(0u16.to_le_bytes());
        let short_count = count.min(0xFFFF) as u16;
        eocd.extend(short_count.to_le_bytes());
        eocd.extend(short_count.to_le_bytes());
        eocd.extend((cd_len.min(0xFFFF_FFFF) as u32).to_le_bytes());
        eocd.extend((cd_start.min(0xFFFF_FFFF) as u32).to_le_bytes());
        eocd.extend(0u16.to_le_bytes());
        self.put(&eocd)?;
        self.w.flush()?;
        Ok((self.w, self.pos))
    }
}

/// A stored file entry of `size` bytes at `offset`, its CRC-32 still to be filled in: the
/// base bundle plans every entry's place before writing any, so stems can be written in
/// parallel, each at its own offset.
pub(crate) fn planned_entry(name: &str, size: u64, offset: u64) -> io::Result<ZipEntry> {
    new_entry(name, 0, size, offset, FILE_ATTRS)
}

/// A folder entry (`name` ends in `/`) at `offset`.
pub(crate) fn planned_dir(name: &str, offset: u64) -> io::Result<ZipEntry> {
    new_entry(name, 0, 0, offset, DIR_ATTRS)
}

fn new_entry(name: &str, crc32: u32, size: u64, offset: u64, attrs: u32) -> io::Result<ZipEntry> {
    if size >= 0xFFFF_FFFF || name.len() > 0xFFFF {
        return Err(io::Error::other(format!(
            "{name}: an entry of 4 GiB or more cannot be bundled"
        )));
    }
    Ok(ZipEntry {
        name: name.to_string(),
        flags: if name.is_ascii() { 0 } else { FLAG_UTF8 },
        method: 0,
        time: DOS_TIME,
        date: DOS_DATE,
        crc32,
        compressed_size: size,
        size,
        offset,
        external_attrs: attrs,
    })
}

/// The local file header of `e` (30 bytes and its name).
pub(crate) fn local_header(e: &ZipEntry) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + e.name.len());
    h.extend(LOCAL_HEADER_SIG.to_le_bytes());
    h.extend(VERSION_20.to_le_bytes());
    h.extend(e.flags.to_le_bytes());
    h.extend(e.method.to_le_bytes());
    h.extend(e.time.to_le_bytes());
    h.extend(e.date.to_le_bytes());
    h.extend(e.crc32.to_le_bytes());
    h.extend((e.compressed_size as u32).to_le_bytes());
    h.extend((e.size as u32).to_le_bytes());
    h.extend((e.name.len() as u16).to_le_bytes());
    h.extend(0u16.to_le_bytes());
    h.extend(e.name.as_bytes());
    h
}

fn central_header(e: &ZipEntry) -> Vec<u8> {
    let far = e.offset >= 0xFFFF_FFFF;
    let version = if far { VERSION_45 } else { VERSION_20 };
    let mut h = Vec::with_capacity(46 + e.name.len() + 12);
    h.extend(CENTRAL_HEADER_SIG.to_le_bytes());
    h.extend((MADE_BY_UNIX | version).to_le_bytes());
    h.extend(version.to_le_bytes());
    h.extend(e.flags.to_le_bytes());
    h.extend(e.method.to_le_bytes());
    h.extend(e.time.to_le_bytes());
    h.extend(e.date.to_le_bytes());
    h.extend(e.crc32.to_le_bytes());
    h.extend((e.compressed_size as u32).to_le_bytes());
    h.extend((e.size as u32).to_le_bytes());
    h.extend((e.name.len() as u16).to_le_bytes());
    h.extend((if far { 12u16 } else { 0 }).to_le_bytes());
    h.extend(0u16.to_le_bytes()); // comment
    h.extend(0u16.to_le_bytes()); // disk
    h.extend(0u16.to_le_bytes()); // internal attributes
    h.extend(e.external_attrs.to_le_bytes());
    h.extend((if far { 0xFFFF_FFFF } else { e.offset as u32 }).to_le_bytes());
    h.extend(e.name.as_bytes());
    if far {
        h.extend(ZIP64_EXTRA_ID.to_le_bytes());
        h.extend(8u16.to_le_bytes());
        h.extend(e.offset.to_le_bytes());
    }
    h
}
