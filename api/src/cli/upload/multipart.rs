//! S3 multipart from the client's side: the store signs a URL per part and the part's bytes go
//! straight to the bucket, a few at once. A run starts by listing the parts the bucket holds
//! (a rerun sends only the others), sends each missing part read from disk as it goes, sends a
//! failed part again after a wait, and completes with the ETags the bucket answered.

use std::collections::BTreeMap;
use std::io::SeekFrom;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use md5::{Digest, Md5};
use reqwest::header::{CONTENT_LENGTH, ETAG};
use reqwest::{Body, Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use trackout_core::storage::multipart::{part_count, part_length};

use super::answers::Accepted;
use super::progress::Meter;
use super::store::{Failure, Store, failure};
use super::transport::{Retry, SendError};

/// Parts in flight at once: enough to fill a link whose single stream is slowed by latency,
/// few enough that a cut costs at most this many parts' bytes.
const PARALLEL: usize = 4;
/// A part whose body stops moving for this long is given up and sent again.
const STALL: Duration = Duration::from_secs(60);
/// Completion rounds whose answer was that a part is missing or differs (sent again each time).
const COMPLETE_ROUNDS: u32 = 3;

/// The session's addresses, as the store handed them out (and as a rerun remembers them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub upload_url: String,
    pub parts_url: String,
    pub complete_url: String,
}

pub struct Multipart {
    session: Session,
    size: u64,
}

#[derive(Deserialize)]
struct Listing {
    part_size_bytes: u64,
    part_count: u32,
    parts: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    part_number: u32,
    size_bytes: u64,
    etag: Option<String>,
}

#[derive(Deserialize)]
struct PartUrls {
    parts: Vec<PartUrl>,
}

#[derive(Deserialize)]
struct PartUrl {
    part_number: u32,
    url: String,
    size_bytes: u64,
}

/// Bytes as the parts in flight send them, for the progress bar.
#[derive(Default)]
struct Flow {
    /// Parts the bucket holds, in bytes.
    done: AtomicU64,
    /// Bytes of the parts in flight sent so far.
    in_flight: AtomicU64,
    /// Everything sent in this run, parts sent again included: the measure of speed.
    moved: AtomicU64,
    /// Lines for above the bar, said by the parts as they fail.
    said: Mutex<Vec<String>>,
}

impl Flow {
    fn say(&self, line: String) {
        if let Ok(mut said) = self.said.lock() {
            said.push(line);
        }
    }

    fn show(&self, meter: &mut Meter) {
        let lines = self
            .said
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        for line in lines {
            meter.say(&line);
        }
        meter.show(
            self.done.load(Ordering::Relaxed) + self.in_flight.load(Ordering::Relaxed),
            self.moved.load(Ordering::Relaxed),
        );
    }
}

fn local(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::Refused {
        status: StatusCode::PRECONDITION_FAILED,
        code: "local_file".into(),
        message: format!("reading {}: {e}", path.display()),
    }
}

/// A bucket's ETag for one part: the MD5 of its bytes, quoted. Computed here only for parts a
/// bucket lists without their ETag.
async fn md5_etag(path: &Path, offset: u64, len: u64) -> Result<String, Failure> {
    let path_buf = path.to_path_buf();
    let digest = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(&path_buf)?;
        file.seek(SeekFrom::Start(offset))?;
        let mut file = file.take(len);
        let mut hasher = Md5::new();
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                return Ok(format!("\"{}\"", hex::encode(hasher.finalize())));
            }
            hasher.update(&buffer[..n]);
        }
    })
    .await
    .map_err(|e| Failure::Retry(format!("hashing a part: {e}")))?;
    digest.map_err(local(path))
}

/// Whether two ETags name the same bytes (buckets differ in quoting them).
fn same_etag(a: &str, b: &str) -> bool {
    a.trim_matches('"')
        .eq_ignore_ascii_case(b.trim_matches('"'))
}

impl Multipart {
    pub fn new(session: Session, size: u64) -> Multipart {
        Multipart { session, size }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// `GET parts_url`: the parts the bucket holds, and the session's shape.
    async fn list(&self, store: &Store) -> Result<Listing, Failure> {
        let response = store
            .request(Method::GET, store.url(&self.session.parts_url)?)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        Ok(response.json().await?)
    }

    /// Whether the store still holds the session (a rerun's probe).
    pub async fn is_open(&self, store: &Store) -> bool {
        self.list(store).await.is_ok()
    }

    pub async fn send(
        &self,
        store: &Store,
        file: &Path,
        retry: &Retry,
        meter: &mut Meter,
    ) -> Result<Accepted, SendError> {
        // Listed ETags are trusted until a completion says one differs; then each is checked
        // against the local part's MD5.
        let mut verify_listed = false;
        let mut rounds = 0u32;
        loop {
            let (listing, mut etags) = self.held(store, file, retry, meter, verify_listed).await?;
            let missing: Vec<u32> = (1..=listing.part_count)
                .filter(|n| !etags.contains_key(n))
                .collect();
            self.send_parts(store, file, &listing, &missing, &mut etags, retry, meter)
                .await?;
            if etags.is_empty() && self.size > 0 {
                return Err(SendError::Refused(
                    "the session has no parts to send".into(),
                ));
            }
            meter.say("every part is in the bucket; the store is checking and recording the file…");
            match self.complete(store, &etags, retry).await {
                Err(Completion::PartsDiffer(why)) if rounds + 1 < COMPLETE_ROUNDS => {
                    rounds += 1;
                    verify_listed = true;
                    meter.say(&format!("{why}; sending what differs again"));
                }
                Err(Completion::PartsDiffer(why)) => return Err(SendError::Refused(why)),
                Err(Completion::Ended(e)) => return Err(e),
                Ok(accepted) => return Ok(accepted),
            }
        }
    }

    /// The parts the bucket holds that are whole, with their ETags; the others are sent.
    async fn held(
        &self,
        store: &Store,
        file: &Path,
        retry: &Retry,
        meter: &mut Meter,
        verify_listed: bool,
    ) -> Result<(Listing, BTreeMap<u32, String>), SendError> {
        let mut failures = 0u32;
        let listing = loop {
            match self.list(store).await {
                Ok(listing) => break listing,
                Err(Failure::Refused { message, .. }) => return Err(SendError::Refused(message)),
                Err(Failure::Retry(why)) => {
                    failures += 1;
                    if failures > retry.give_up_after {
                        return Err(SendError::GaveUp(format!(
                            "{failures} attempts in a row to list the parts failed; the last: {why}"
                        )));
                    }
                    tokio::time::sleep(retry.wait(failures)).await;
                }
            }
        };
        if listing.part_size_bytes == 0
            || part_count(self.size, listing.part_size_bytes) != listing.part_count
        {
            return Err(SendError::Refused(format!(
                "the store's session is for {} parts of {} bytes, not for this {}-byte file",
                listing.part_count, listing.part_size_bytes, self.size
            )));
        }
        let mut etags = BTreeMap::new();
        let mut held_bytes = 0u64;
        for part in &listing.parts {
            // A part of another length (a PUT cut short on a bucket that kept it) goes again.
            let Some(len) = part_length(self.size, listing.part_size_bytes, part.part_number)
            else {
                continue;
            };
            if part.size_bytes != len {
                continue;
            }
            let offset = u64::from(part.part_number - 1) * listing.part_size_bytes;
            let etag = match &part.etag {
                Some(listed) if !verify_listed => listed.clone(),
                listed => {
                    let here = md5_etag(file, offset, len)
                        .await
                        .map_err(|f| SendError::Refused(f.to_string()))?;
                    if listed.as_deref().is_some_and(|l| !same_etag(l, &here)) {
                        continue;
                    }
                    here
                }
            };
            held_bytes += len;
            etags.insert(part.part_number, etag);
        }
        if !etags.is_empty() {
            meter.say(&format!(
                "the bucket holds {} of {} parts ({held_bytes} of {} bytes); sending the others",
                etags.len(),
                listing.part_count,
                self.size
            ));
        }
        meter.at(held_bytes);
        Ok((listing, etags))
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_parts(
        &self,
        store: &Store,
        file: &Path,
        listing: &Listing,
        missing: &[u32],
        etags: &mut BTreeMap<u32, String>,
        retry: &Retry,
        meter: &mut Meter,
    ) -> Result<(), SendError> {
        let held: u64 = etags
            .keys()
            .filter_map(|n| part_length(self.size, listing.part_size_bytes, *n))
            .sum();
        let flow = Flow {
            done: AtomicU64::new(held),
            ..Flow::default()
        };
        let flow = &flow;
        let mut parts = futures_util::stream::iter(missing.iter().copied())
            .map(|number| self.send_part(store, file, listing.part_size_bytes, number, retry, flow))
            .buffer_unordered(PARALLEL);
        let mut tick = tokio::time::interval(Duration::from_millis(150));
        loop {
            tokio::select! {
                next = parts.next() => match next {
                    None => break,
                    Some(Ok((number, etag))) => {
                        etags.insert(number, etag);
                    }
                    // The other parts in flight are dropped with the stream; the bucket keeps
                    // those that arrived, and a rerun lists them.
                    Some(Err(e)) => {
                        flow.show(meter);
                        return Err(e);
                    }
                },
                _ = tick.tick() => flow.show(meter),
            }
        }
        flow.show(meter);
        Ok(())
    }

    /// One part, sent until the bucket has it or the retries run out.
    async fn send_part(
        &self,
        store: &Store,
        file: &Path,
        part_size: u64,
        number: u32,
        retry: &Retry,
        flow: &Flow,
    ) -> Result<(u32, String), SendError> {
        let len = part_length(self.size, part_size, number)
            .ok_or_else(|| SendError::Refused(format!("part {number} is not in the session")))?;
        let offset = u64::from(number - 1) * part_size;
        let mut failures = 0u32;
        loop {
            let why = match self.put_part(store, file, number, offset, len, flow).await {
                Ok(etag) => {
                    flow.done.fetch_add(len, Ordering::Relaxed);
                    return Ok((number, etag));
                }
                Err(Failure::Refused { message, .. }) => return Err(SendError::Refused(message)),
                Err(Failure::Retry(why)) => why,
            };
            failures += 1;
            if failures > retry.give_up_after {
                return Err(SendError::GaveUp(format!(
                    "part {number}: {failures} attempts in a row failed; the last: {why}"
                )));
            }
            let wait = retry.wait(failures);
            flow.say(format!(
                "part {number} interrupted ({why}); sending it again in {:.1} s",
                wait.as_secs_f64()
            ));
            tokio::time::sleep(wait).await;
        }
    }

    /// A fresh URL for the part (they live 15 minutes), then one `PUT` of its bytes, streamed
    /// from the file; the bucket's `ETag` header is the answer.
    async fn put_part(
        &self,
        store: &Store,
        path: &Path,
        number: u32,
        offset: u64,
        len: u64,
        flow: &Flow,
    ) -> Result<String, Failure> {
        let response = store
            .request(Method::POST, store.url(&self.session.parts_url)?)
            .json(&serde_json::json!({ "part_numbers": [number] }))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        let urls: PartUrls = response.json().await?;
        let refused = |message: String| Failure::Refused {
            status: StatusCode::BAD_GATEWAY,
            code: "bad_part_url".into(),
            message,
        };
        let part = urls
            .parts
            .into_iter()
            .find(|p| p.part_number == number)
            .ok_or_else(|| refused(format!("the store signed no URL for part {number}")))?;
        if part.size_bytes != len {
            return Err(refused(format!(
                "the store signed part {number} for {} bytes; it holds {len}",
                part.size_bytes
            )));
        }
        let url = Url::parse(&part.url)
            .map_err(|e| refused(format!("part {number}'s URL {:?}: {e}", part.url)))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(refused(format!("part {number}'s URL is not HTTP: {url}")));
        }

        let mut file = tokio::fs::File::open(path).await.map_err(local(path))?;
        file.seek(SeekFrom::Start(offset))
            .await
            .map_err(local(path))?;
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
        // Straight to the bucket: the store's token does not go with it.
        let request = store
            .foreign(Method::PUT, url)
            .header(CONTENT_LENGTH, len.to_string())
            .body(Body::wrap_stream(body))
            .send();
        tokio::pin!(request);
        let mut shown = 0u64;
        let mut moved_at = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        let outcome = loop {
            tokio::select! {
                response = &mut request => break response.map_err(Failure::from),
                _ = tick.tick() => {
                    let now = sent.load(Ordering::Relaxed);
                    if now > shown {
                        flow.in_flight.fetch_add(now - shown, Ordering::Relaxed);
                        flow.moved.fetch_add(now - shown, Ordering::Relaxed);
                        shown = now;
                        moved_at = Instant::now();
                    } else if moved_at.elapsed() > STALL {
                        break Err(Failure::Retry(format!("no byte left for {} s", STALL.as_secs())));
                    }
                }
            }
        };
        let now = sent.load(Ordering::Relaxed);
        flow.moved
            .fetch_add(now.saturating_sub(shown), Ordering::Relaxed);
        // Whatever became of the part, its bytes are no longer in flight.
        flow.in_flight.fetch_sub(shown, Ordering::Relaxed);
        let response = outcome?;
        let status = response.status();
        if status.is_success() {
            return response
                .headers()
                .get(ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| {
                    Failure::Retry(format!("the bucket stored part {number} but named no ETag"))
                });
        }
        let text = response.text().await.unwrap_or_default();
        let said = text.trim().chars().take(300).collect::<String>();
        let why = format!(
            "the bucket answered {} to part {number}: {said}",
            status.as_u16()
        );
        if status.is_server_error()
            || status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
        {
            return Err(Failure::Retry(why));
        }
        Err(Failure::Refused {
            status,
            code: "bucket_refused".into(),
            message: why,
        })
    }

    /// `POST complete_url` with every part's ETag, asked again while the answer is lost.
    async fn complete(
        &self,
        store: &Store,
        etags: &BTreeMap<u32, String>,
        retry: &Retry,
    ) -> Result<Accepted, Completion> {
        let parts: Vec<_> = etags
            .iter()
            .map(|(n, etag)| serde_json::json!({ "part_number": n, "etag": etag }))
            .collect();
        let body = serde_json::json!({ "parts": parts });
        let mut failures = 0u32;
        loop {
            let url = store
                .url(&self.session.complete_url)
                .map_err(|f| Completion::Ended(SendError::Refused(f.to_string())))?;
            let answer = match store.request(Method::POST, url).json(&body).send().await {
                Ok(response) if response.status().is_success() => {
                    match response.json::<Accepted>().await {
                        Ok(accepted) => return Ok(accepted),
                        Err(e) => Failure::from(e),
                    }
                }
                Ok(response) => failure(response).await,
                Err(e) => Failure::from(e),
            };
            let why = match answer {
                Failure::Refused { code, message, .. }
                    if matches!(
                        code.as_str(),
                        "part_missing" | "part_size_mismatch" | "part_etag_mismatch"
                    ) =>
                {
                    return Err(Completion::PartsDiffer(message));
                }
                // Another request of ours (one whose answer was lost) is completing it.
                Failure::Refused { code, message, .. } if code == "upload_completing" => message,
                // The session ends once the upload is recorded: an earlier completion whose
                // answer was lost may have recorded it.
                Failure::Refused { status, .. }
                    if status == StatusCode::NOT_FOUND && failures > 0 =>
                {
                    return Err(Completion::Ended(SendError::Unconfirmed));
                }
                Failure::Refused { message, .. } => {
                    return Err(Completion::Ended(SendError::Refused(message)));
                }
                Failure::Retry(why) => why,
            };
            failures += 1;
            if failures > retry.give_up_after {
                return Err(Completion::Ended(SendError::GaveUp(format!(
                    "{failures} attempts in a row to complete failed; the last: {why}"
                ))));
            }
            tokio::time::sleep(retry.wait(failures)).await;
        }
    }
}

enum Completion {
    /// The bucket's parts are not the ones listed: list again and send those.
    PartsDiffer(String),
    Ended(SendError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_however_a_bucket_quotes_them() {
        assert!(same_etag(
            "\"0cc175b9c0f1b6a831c399e269772661\"",
            "0CC175B9C0F1B6A831C399E269772661"
        ));
        assert!(!same_etag("\"abc\"", "\"abd\""));
    }

    #[tokio::test]
    async fn a_parts_etag_is_the_md5_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"xxabcyy").unwrap();
        // MD5("abc")
        assert_eq!(
            md5_etag(&path, 2, 3).await.unwrap(),
            "\"900150983cd24fb0d6963f7d28e17f72\""
        );
    }
}
