//! The bytes one check may read, shared by every scanning thread. The listing refuses a
//! trackout whose headers declare too much; this counts what is actually read, so headers
//! that understate (or files that grow after listing) are stopped too.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::progress::Progress;
use crate::report::numbers::bytes;
use crate::report::{Finding, FindingCode};

pub(crate) struct Budget<'a> {
    limit: u64,
    used: AtomicU64,
    progress: &'a dyn Progress,
}

impl<'a> Budget<'a> {
    pub fn new(limit: u64, progress: &'a dyn Progress) -> Self {
        Budget {
            limit,
            used: AtomicU64::new(0),
            progress,
        }
    }

    /// Wraps an entry's reader so every byte read counts against the budget.
    pub fn reader<R: Read>(&'a self, inner: R) -> Counted<'a, R> {
        Counted {
            inner,
            read: 0,
            budget: self,
        }
    }
}

/// The finding for a trackout that read past a budget of `limit` bytes.
pub(crate) fn exhausted_finding(limit: u64) -> Finding {
    Finding::new(
        FindingCode::ArchiveTooLarge,
        None,
        format!(
            "the trackout inflated past {}, the limit, while it was read (its headers claimed \
             less); it was not read further",
            bytes(limit)
        ),
    )
}

pub(crate) struct Counted<'a, R> {
    inner: R,
    /// Bytes read through this reader.
    pub read: u64,
    budget: &'a Budget<'a>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.budget.progress.advance(n as u64);
        let total = self.budget.used.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.budget.limit {
            return Err(io::Error::other(Exhausted));
        }
        Ok(n)
    }
}

/// Whether a read failed because the budget ran out (rather than the data being bad).
pub(crate) fn is_exhausted(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Exhausted>())
}

#[derive(Debug)]
struct Exhausted;

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the trackout inflates past the configured cap")
    }
}

impl std::error::Error for Exhausted {}
