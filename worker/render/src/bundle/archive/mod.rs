//! Just enough ZIP (APPNOTE 6.3) for a deterministic, stored-only bundle and its
//! personalization: local headers, a central directory and, past 4 GiB or 65 535 entries,
//! the ZIP64 end records. Written by hand so that every byte is chosen here (no extra
//! fields, no timestamps but a fixed one) and so a central directory can point at entries
//! written by an earlier run.

mod read;
mod write;

pub(crate) use read::{read_central_directory, read_stored_entry};
pub(crate) use write::{ZipOut, local_header, planned_dir, planned_entry};

pub(crate) const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
pub(crate) const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
pub(crate) const EOCD_SIG: u32 = 0x0605_4b50;
pub(crate) const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
pub(crate) const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
pub(crate) const ZIP64_EXTRA_ID: u16 = 0x0001;
/// General purpose flag bit 11: the name is UTF-8.
pub(crate) const FLAG_UTF8: u16 = 1 << 11;

/// 1980-01-01 00:00:00, the earliest DOS time: the bundle's bytes never depend on a clock.
pub(crate) const DOS_TIME: u16 = 0;
pub(crate) const DOS_DATE: u16 = (1 << 5) | 1;

/// One entry as the central directory records it. Only stored (uncompressed) entries are
/// written; the reader accepts what it finds and the personalization copies it as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ZipEntry {
    pub name: String,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    pub offset: u64,
    pub external_attrs: u32,
}

impl ZipEntry {
    /// Where the entry's data starts: right after the local header this writer puts at
    /// `offset`.
    pub fn data_offset(&self) -> u64 {
        self.offset + local_header(self).len() as u64
    }
}

/// `rw-r--r--` files and `rwxr-xr-x` folders (plus the DOS directory bit), made on Unix.
pub(crate) const FILE_ATTRS: u32 = 0o100_644 << 16;
pub(crate) const DIR_ATTRS: u32 = (0o040_755 << 16) | 0x10;
