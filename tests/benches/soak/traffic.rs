//! The steady stream: producers uploading and publishing beats, artists buying them and
//! downloading every file, each request sent to the two API processes in turn and recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use uuid::Uuid;

/// Everything the clients saw.
#[derive(Default)]
pub struct Seen {
    /// (seconds since the start, status; 0 for a dropped connection).
    pub answers: Vec<(f64, u16)>,
    /// Why connections dropped: (seconds since the start, the error).
    pub dropped: Vec<(f64, String)>,
    /// Seconds from the last upload byte to a successful publish.
    pub to_publishable: Vec<f64>,
    pub paid: Vec<Paid>,
    pub published: Vec<Uuid>,
}

pub struct Paid {
    pub purchase: Uuid,
    pub tier: &'static str,
    /// Seconds from the payment to every file ready, once it was.
    pub fulfilled_after: Option<f64>,
    /// (file, SHA-256 of the bytes downloaded).
    pub downloaded: Vec<(String, String)>,
}

pub struct Store {
    pub client: reqwest::Client,
    pub downloads: reqwest::Client,
    pub bases: Vec<String>,
    pub started: Instant,
    pub stop: AtomicBool,
    /// Purchases whose files are still being waited for.
    pub collecting: AtomicUsize,
    next: AtomicUsize,
    pub seen: Mutex<Seen>,
}

impl Store {
    pub fn new(bases: Vec<String>, started: Instant) -> Arc<Store> {
        Arc::new(Store {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                // Below the server's keep-alive (15 s), as browsers do, so that a connection
                // the server is closing is never picked for a new request.
                .pool_idle_timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
            downloads: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .pool_idle_timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
            bases,
            started,
            stop: AtomicBool::new(false),
            collecting: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            seen: Mutex::new(Seen::default()),
        })
    }

    fn base(&self) -> &str {
        &self.bases[self.next.fetch_add(1, Ordering::Relaxed) % self.bases.len()]
    }

    async fn record(&self, status: u16) {
        let at = self.started.elapsed().as_secs_f64();
        self.seen.lock().await.answers.push((at, status));
    }

    async fn dropped(&self, error: reqwest::Error) {
        let at = self.started.elapsed().as_secs_f64();
        let mut seen = self.seen.lock().await;
        seen.answers.push((at, 0));
        seen.dropped.push((at, format!("{error:?}")));
    }

    /// One request to the next API process; a 5xx or a dropped connection is recorded and
    /// tried again (as a real client would), up to a bound.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> (StatusCode, Value) {
        for attempt in 0..20 {
            let url = if path.starts_with("http") {
                path.to_owned()
            } else {
                format!("{}{path}", self.base())
            };
            let mut request = self.client.request(method.clone(), url);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some((content_type, bytes)) = &body {
                request = request
                    .header("content-type", *content_type)
                    .body(bytes.clone());
            }
            match request.send().await {
                Ok(response) if response.status().is_server_error() => {
                    self.record(response.status().as_u16()).await;
                }
                Ok(response) => {
                    let status = response.status();
                    self.record(status.as_u16()).await;
                    let value = response.json().await.unwrap_or(Value::Null);
                    return (status, value);
                }
                Err(e) => self.dropped(e).await,
            }
            tokio::time::sleep(Duration::from_millis(100 * (attempt + 1))).await;
        }
        panic!("{method} {path}: no answer after 20 tries");
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let bytes = serde_json::to_vec(&body).unwrap();
        self.send(method, path, Some(token), Some(("application/json", bytes)))
            .await
    }

    fn running(&self) -> bool {
        !self.stop.load(Ordering::Relaxed)
    }
}

/// A producer: a new beat, its three uploads, and its publication, again and again.
pub async fn producer(store: Arc<Store>, token: String, n: usize) {
    let master = trackout_tests::fixtures::master_of(4.0);
    let trackout = trackout_tests::fixtures::good_trackout_of(4.0);
    let tag = trackout_tests::fixtures::voice_tag();
    let mut made = 0;
    while store.running() {
        made += 1;
        let (status, beat) = store
            .json(
                Method::POST,
                "/api/v1/beats",
                &token,
                json!({"title": format!("Soak {n}-{made}"), "bpm": 90 + made % 60,
                       "key": "A min", "genre": "Trap"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{beat}");
        let id: Uuid = beat["id"].as_str().unwrap().parse().unwrap();
        for (what, content_type, bytes) in [
            ("master", "audio/wav", &master),
            ("trackout", "application/zip", &trackout),
            ("voice-tag", "audio/wav", &tag),
        ] {
            let path = format!("/api/v1/beats/{id}/{what}");
            let (status, body) = store
                .send(
                    Method::PUT,
                    &path,
                    Some(&token),
                    Some((content_type, bytes.clone())),
                )
                .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{what}: {body}");
        }
        let last_byte = Instant::now();
        let publish = format!("/api/v1/beats/{id}/publish");
        loop {
            let (status, body) = store.json(Method::POST, &publish, &token, json!({})).await;
            if status == StatusCode::OK {
                break;
            }
            assert_eq!(status, StatusCode::CONFLICT, "publishing: {body}");
            assert!(
                last_byte.elapsed() < Duration::from_secs(300),
                "beat {id} never became publishable: {body}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut seen = store.seen.lock().await;
        seen.to_publishable.push(last_byte.elapsed().as_secs_f64());
        seen.published.push(id);
        drop(seen);
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

const TIERS: [&str; 3] = ["mp3_lease", "wav_lease", "trackout_lease"];

/// An artist: buys a tier of a published beat they do not own yet, pays, and downloads every
/// file once it is ready.
pub async fn artist(store: Arc<Store>, token: String, n: usize) {
    let mut bought = 0usize;
    while store.running() {
        let published = store.seen.lock().await.published.clone();
        // Beat by beat, every tier: never the same tier twice.
        let pick = bought / TIERS.len();
        let Some(&beat) = published.get(pick) else {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let tier = TIERS[(bought + n) % TIERS.len()];
        bought += 1;
        let (status, started) = store
            .json(
                Method::POST,
                "/api/v1/checkout",
                &token,
                json!({"beat_id": beat, "tier": tier}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "checkout: {started}");
        let purchase: Uuid = started["purchase_id"].as_str().unwrap().parse().unwrap();
        let pay = started["checkout_url"].as_str().unwrap().to_owned();
        let (status, _) = store.send(Method::GET, &pay, None, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = store.send(Method::POST, &pay, None, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let paid_at = Instant::now();
        store.collecting.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(collect(
            store.clone(),
            token.clone(),
            purchase,
            tier,
            paid_at,
        ));
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// Waits for every file of a paid purchase, then downloads each and hashes it.
async fn collect(
    store: Arc<Store>,
    token: String,
    purchase: Uuid,
    tier: &'static str,
    paid_at: Instant,
) {
    let path = format!("/api/v1/purchases/{purchase}");
    let mut paid = Paid {
        purchase,
        tier,
        fulfilled_after: None,
        downloaded: Vec::new(),
    };
    let files = loop {
        let (status, view) = store.send(Method::GET, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        let files = view["files"].as_array().cloned().unwrap_or_default();
        if !files.is_empty() && files.iter().all(|f| f["ready"] == true) {
            break Some(files);
        }
        if paid_at.elapsed() > Duration::from_secs(300) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    if let Some(files) = files {
        paid.fulfilled_after = Some(paid_at.elapsed().as_secs_f64());
        for file in files {
            let name = file["file"].as_str().unwrap().to_owned();
            if name.starts_with("stem:") {
                continue;
            }
            let url = format!("{}{}", store.base(), file["url"].as_str().unwrap());
            let mut digest = None;
            for _ in 0..20 {
                match store.downloads.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        store.record(r.status().as_u16()).await;
                        if let Ok(bytes) = r.bytes().await {
                            digest = Some(if name == "bundle" {
                                bundle_verdict(&bytes)
                            } else {
                                hex::encode(Sha256::digest(&bytes))
                            });
                            break;
                        }
                    }
                    Ok(r) => store.record(r.status().as_u16()).await,
                    Err(e) => store.dropped(e).await,
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            paid.downloaded
                .push((name, digest.unwrap_or_else(|| "never downloaded".into())));
        }
    }
    store.seen.lock().await.paid.push(paid);
    store.collecting.fetch_sub(1, Ordering::SeqCst);
}

/// A personalized bundle's stored checksum is a validator of its parts, not of its bytes:
/// it is checked the way a buyer would, as a zip whose manifest matches every file in it,
/// the buyer's license included.
pub const BUNDLE_OK: &str = "a valid zip, every file as its manifest says, the license inside";

fn bundle_verdict(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(zip) => zip,
        Err(e) => return format!("not a zip: {e}"),
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if !names.iter().any(|n| n.ends_with("LICENSE.pdf")) {
        return format!("no license in {names:?}");
    }
    let Some(manifest) = names.iter().find(|n| n.ends_with("manifest.json")) else {
        return format!("no manifest in {names:?}");
    };
    let mut text = String::new();
    if zip
        .by_name(manifest)
        .map(|mut f| f.read_to_string(&mut text))
        .is_err()
    {
        return "an unreadable manifest".into();
    }
    let manifest: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    for file in manifest["files"].as_array().into_iter().flatten() {
        let path = file["path"].as_str().unwrap_or_default();
        let mut content = Vec::new();
        if zip
            .by_name(path)
            .map(|mut f| f.read_to_end(&mut content))
            .is_err()
        {
            return format!("{path} is missing or unreadable");
        }
        if hex::encode(Sha256::digest(&content)) != file["sha256"].as_str().unwrap_or_default() {
            return format!("{path} does not match the manifest");
        }
    }
    BUNDLE_OK.into()
}
