//! Taking a producer's upload into storage: hashed while it streams, capped while it streams,
//! and refused whole when either the cap or the client gives out.

use std::io;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::{ObjectKey, Storage, StorageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub size: u64,
    pub sha256: String,
    /// The first bytes of the body, for telling what kind of file it is.
    pub head: Vec<u8>,
}

/// How many of an upload's first bytes are kept for sniffing its type.
pub const HEAD_BYTES: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the body is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the body was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Storage(StorageError),
}

#[derive(Default)]
struct Tally {
    size: u64,
    head: Vec<u8>,
    hasher: Sha256,
    stopped: Option<IngestError>,
}

/// Streams `body` into `key`, hashing and counting each chunk on the way. SHA-256 runs inline:
/// a chunk is at most a few hundred KiB, well under a millisecond of work, and moving it to
/// the blocking pool per chunk would cost more than it saves.
pub async fn ingest<S, E>(
    storage: &dyn Storage,
    key: &ObjectKey,
    body: S,
    limit: u64,
    content_type: &str,
) -> Result<Ingested, IngestError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display,
{
    let tally = Arc::new(Mutex::new(Tally::default()));
    let counted = {
        let tally = Arc::clone(&tally);
        body.map(move |item| {
            let mut t = tally.lock().expect("tally lock");
            match item {
                Ok(chunk) => {
                    t.size += chunk.len() as u64;
                    if t.size > limit {
                        t.stopped = Some(IngestError::TooLarge { limit });
                        return Err(io::Error::other("over the size limit"));
                    }
                    t.hasher.update(&chunk);
                    let wanted = HEAD_BYTES.saturating_sub(t.head.len()).min(chunk.len());
                    t.head.extend_from_slice(&chunk[..wanted]);
                    Ok(chunk)
                }
                Err(e) => {
                    t.stopped = Some(IngestError::Interrupted(e.to_string()));
                    Err(io::Error::other(e.to_string()))
                }
            }
        })
    };
    let stored = storage.put(key, counted.boxed(), content_type).await;
    let mut tally = std::mem::take(&mut *tally.lock().expect("tally lock"));
    if let Some(stopped) = tally.stopped.take() {
        return Err(stopped);
    }
    stored.map_err(IngestError::Storage)?;
    Ok(Ingested {
        size: tally.size,
        sha256: hex::encode(tally.hasher.finalize()),
        head: tally.head,
    })
}
