//! A writer that counts, CRC-32s (for the zip) and SHA-256s (for the manifest) what passes
//! through it, so each stem is hashed while it is copied.

use std::io::{self, Write};

use sha2::{Digest, Sha256};

pub(crate) struct Hashing<W> {
    inner: W,
    crc: crc32fast::Hasher,
    sha: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            crc: crc32fast::Hasher::new(),
            sha: Sha256::new(),
            bytes: 0,
        }
    }

    /// (bytes, CRC-32, SHA-256 in lower-case hex)
    pub fn finish(self) -> (u64, u32, String) {
        (
            self.bytes,
            self.crc.finalize(),
            hex::encode(self.sha.finalize()),
        )
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
