//! `Read + Seek` over a stored object through ranged GETs, for code that needs a seekable file
//! but reads only a little of it (the personalizer reads a bundle's directory, not its stems).
//! Runs on a blocking thread (never on the runtime itself); each fetch blocks on the async
//! storage call.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use super::{ByteRange, ObjectKey, Storage};
use futures_util::TryStreamExt;

const WINDOW: u64 = 256 * 1024;

pub struct RangedReader {
    storage: Arc<dyn Storage>,
    key: ObjectKey,
    size: u64,
    pos: u64,
    window_start: u64,
    window: Vec<u8>,
    runtime: tokio::runtime::Handle,
    /// Bytes actually fetched, for logs and tests of "it did not read the stems".
    pub fetched: u64,
}

impl RangedReader {
    pub fn new(
        storage: Arc<dyn Storage>,
        key: ObjectKey,
        size: u64,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        RangedReader {
            storage,
            key,
            size,
            pos: 0,
            window_start: 0,
            window: Vec::new(),
            runtime,
            fetched: 0,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        let end = (self.pos + WINDOW).min(self.size) - 1;
        let range = ByteRange {
            start: self.pos,
            end,
        };
        let storage = Arc::clone(&self.storage);
        let key = self.key.clone();
        let bytes: Vec<u8> = self.runtime.block_on(async move {
            let body = storage
                .get(&key, Some(range))
                .await
                .map_err(io::Error::other)?;
            let chunks: Vec<bytes::Bytes> = body.stream.try_collect().await?;
            Ok::<_, io::Error>(chunks.concat())
        })?;
        self.fetched += bytes.len() as u64;
        self.window_start = self.pos;
        self.window = bytes;
        Ok(())
    }
}

impl Read for RangedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let in_window = self.pos >= self.window_start
            && self.pos < self.window_start + self.window.len() as u64;
        if !in_window {
            self.fill()?;
        }
        let offset = (self.pos - self.window_start) as usize;
        let n = buf.len().min(self.window.len() - offset);
        buf[..n].copy_from_slice(&self.window[offset..offset + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for RangedReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::End(d) => self.size as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if target < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start",
            ));
        }
        self.pos = target as u64;
        Ok(self.pos)
    }
}
