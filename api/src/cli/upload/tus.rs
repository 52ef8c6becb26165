//! tus 1.0 from the client's side: `PATCH` the file in chunks from the offset the store has;
//! when a request fails, wait, ask the store where it really is (`HEAD`) and go on from
//! there. Bytes the store received before a connection dropped are kept, so nothing is sent
//! twice except what was in flight.

use std::io::SeekFrom;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Body, Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::answers::Accepted;
use super::progress::Meter;
use super::store::{Failure, Store, failure};
use super::transport::{Retry, SendError};

const TUS_VERSION: &str = "1.0.0";
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
/// A request whose body stops moving for this long is given up and resumed.
const STALL: Duration = Duration::from_secs(60);
/// After the last byte of a request, how long the store may take to answer: the final one
/// stores and hashes the whole file first.
const ANSWER_WAIT: Duration = Duration::from_secs(30 * 60);

pub struct Tus {
    url: String,
    size: u64,
    offset: u64,
}

enum Patched {
    /// The store has this many bytes.
    Partial(u64),
    Complete(Box<Accepted>),
}

fn header_offset(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("upload-offset")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

impl Tus {
    pub fn new(url: String, size: u64, offset: u64) -> Tus {
        Tus { url, size, offset }
    }

    pub async fn send(
        &self,
        store: &Store,
        file: &Path,
        chunk: u64,
        retry: &Retry,
        meter: &mut Meter,
    ) -> Result<Accepted, SendError> {
        let mut offset = self.offset;
        if offset > 0 {
            meter.say(&format!("resuming at byte {offset} of {}", self.size));
        }
        meter.at(offset);
        let mut failures = 0u32;
        loop {
            let len = chunk.max(1).min(self.size - offset);
            let why = match self.patch(store, file, offset, len, meter).await {
                Ok(Patched::Complete(accepted)) => return Ok(*accepted),
                Ok(Patched::Partial(at)) if at > self.size => {
                    return Err(SendError::Refused(self.beyond(at)));
                }
                Ok(Patched::Partial(at)) => {
                    if at > offset {
                        failures = 0;
                    }
                    offset = at;
                    meter.at(at);
                    continue;
                }
                Err(Failure::Refused { code, message, .. }) if code == "offset_mismatch" => message,
                Err(Failure::Refused { message, .. }) => return Err(SendError::Refused(message)),
                Err(Failure::Retry(why)) => why,
            };
            failures += 1;
            if failures > retry.give_up_after {
                return Err(SendError::GaveUp(format!(
                    "{failures} attempts in a row gained no byte; the last: {why}"
                )));
            }
            let wait = retry.wait(failures);
            meter.say(&format!(
                "interrupted at about byte {offset} ({why}); asking the store where it stands in {:.1} s",
                wait.as_secs_f64()
            ));
            tokio::time::sleep(wait).await;
            match self.head(store).await {
                Ok(at) if at > self.size => return Err(SendError::Refused(self.beyond(at))),
                Ok(at) => {
                    if at > offset {
                        failures = 0;
                    }
                    meter.say(&format!("resuming at byte {at} of {}", self.size));
                    offset = at;
                    meter.at(at);
                }
                // The session ends when the upload is recorded: if the last bytes may have
                // arrived, the store may have recorded it and the answer was lost.
                Err(Failure::Refused { status, .. })
                    if status == StatusCode::NOT_FOUND && offset + len >= self.size =>
                {
                    return Err(SendError::Unconfirmed);
                }
                Err(Failure::Refused { message, .. }) => return Err(SendError::Refused(message)),
                // Still unreachable: the next PATCH finds out, and counts as another failure.
                Err(Failure::Retry(_)) => {}
            }
        }
    }

    fn beyond(&self, at: u64) -> String {
        format!(
            "the store says it has {at} bytes of a {}-byte file; it is not the session this upload opened",
            self.size
        )
    }

    pub async fn head(&self, store: &Store) -> Result<u64, Failure> {
        let response = store
            .request(Method::HEAD, store.url(&self.url)?)
            .header("Tus-Resumable", TUS_VERSION)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        header_offset(&response)
            .ok_or_else(|| Failure::Retry("the store's HEAD answer has no Upload-Offset".into()))
    }

    /// One `PATCH` of `len` bytes from `offset`, streamed from the file; the meter follows the
    /// bytes as they leave, and a body that stops moving is given up.
    async fn patch(
        &self,
        store: &Store,
        path: &Path,
        offset: u64,
        len: u64,
        meter: &mut Meter,
    ) -> Result<Patched, Failure> {
        let local = |e: std::io::Error| Failure::Refused {
            status: StatusCode::PRECONDITION_FAILED,
            code: "local_file".into(),
            message: format!("reading {}: {e}", path.display()),
        };
        let mut file = tokio::fs::File::open(path).await.map_err(local)?;
        file.seek(SeekFrom::Start(offset)).await.map_err(local)?;
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let body = tokio_util::io::ReaderStream::with_capacity(file.take(len), 256 << 10).map(
            move |chunk| {
                if let Ok(bytes) = &chunk {
                    counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                }
                chunk
            },
        );
        let request = store
            .request(Method::PATCH, store.url(&self.url)?)
            .header("Tus-Resumable", TUS_VERSION)
            .header(CONTENT_TYPE, OFFSET_OCTET_STREAM)
            .header("Upload-Offset", offset.to_string())
            .header(CONTENT_LENGTH, len.to_string())
            .body(Body::wrap_stream(body))
            .send();
        tokio::pin!(request);
        let mut shown = 0u64;
        let mut moved_at = Instant::now();
        let last = offset + len == self.size;
        let mut said_last = false;
        let mut tick = tokio::time::interval(Duration::from_millis(150));
        let response = loop {
            tokio::select! {
                response = &mut request => break response?,
                _ = tick.tick() => {
                    let now = sent.load(Ordering::Relaxed);
                    if now > shown {
                        meter.advance(now - shown);
                        shown = now;
                        moved_at = Instant::now();
                    } else if last && now == len && !said_last {
                        // The store hashes and stores the whole file before it answers.
                        said_last = true;
                        meter.say("every byte sent; the store is recording the file…");
                    } else if now < len && moved_at.elapsed() > STALL {
                        return Err(Failure::Retry(format!(
                            "no byte left for {} s", STALL.as_secs()
                        )));
                    } else if moved_at.elapsed() > ANSWER_WAIT {
                        return Err(Failure::Retry("the store took too long to answer".into()));
                    }
                }
            }
        };
        let now = sent.load(Ordering::Relaxed);
        meter.advance(now.saturating_sub(shown));
        match response.status() {
            StatusCode::NO_CONTENT => header_offset(&response)
                .map(Patched::Partial)
                .ok_or_else(|| Failure::Retry("the store's answer has no Upload-Offset".into())),
            StatusCode::OK => Ok(Patched::Complete(Box::new(response.json().await?))),
            _ => Err(failure(response).await),
        }
    }
}
