//! One behaviour suite, run against the local backend and against S3 over real HTTP.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use trackout_core::storage::{
    ByteRange, ByteStream, IngestError, LocalStorage, ObjectKey, S3Storage, Storage, StorageError,
    ingest,
};
use trackout_tests::{S3Server, TestApp, fixtures};

fn key(raw: &str) -> ObjectKey {
    ObjectKey::parse(raw).unwrap()
}

fn body(bytes: Vec<u8>) -> ByteStream {
    futures_util::stream::iter(
        bytes
            .chunks(100_000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    )
    .boxed()
}

/// Deterministic bytes that do not repeat within a part, so a misplaced part is caught.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 7919) % 251) as u8).collect()
}

async fn read(storage: &dyn Storage, k: &ObjectKey, range: Option<ByteRange>) -> (u64, Vec<u8>) {
    let object = storage.get(k, range).await.unwrap();
    let chunks: Vec<Bytes> = object.stream.try_collect().await.unwrap();
    (object.size, chunks.concat())
}

async fn behaves_like_storage(storage: Arc<dyn Storage>) {
    let s = storage.as_ref();
    s.ping().await.unwrap();

    // Small objects round-trip, with their size.
    let small = key("beats/a/uploads/b/master.wav");
    assert_eq!(
        s.put(&small, body(b"RIFF....WAVE".to_vec()), "audio/wav")
            .await
            .unwrap(),
        12
    );
    assert_eq!(s.head(&small).await.unwrap().unwrap().size, 12);
    assert_eq!(read(s, &small, None).await, (12, b"RIFF....WAVE".to_vec()));

    // Ranges return exactly the bytes asked for and the whole size.
    assert_eq!(
        read(s, &small, Some(ByteRange { start: 4, end: 7 })).await,
        (12, b"....".to_vec())
    );

    // Empty objects are objects.
    let empty = key("empty/object");
    assert_eq!(
        s.put(&empty, body(Vec::new()), "application/octet-stream")
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.head(&empty).await.unwrap().unwrap().size, 0);

    // Large objects stream through (multipart on S3: 12 MiB in 5 MiB parts).
    let large_bytes = pattern(12 * 1024 * 1024 + 123);
    let large = key("beats/a/uploads/c/trackout.zip");
    assert_eq!(
        s.put(&large, body(large_bytes.clone()), "application/zip")
            .await
            .unwrap(),
        large_bytes.len() as u64
    );
    let (size, back) = read(s, &large, None).await;
    assert_eq!(size, large_bytes.len() as u64);
    assert_eq!(
        Sha256::digest(&back),
        Sha256::digest(&large_bytes),
        "every byte in its place"
    );
    let tail = read(
        s,
        &large,
        Some(ByteRange {
            start: 6 * 1024 * 1024,
            end: 6 * 1024 * 1024 + 9,
        }),
    )
    .await
    .1;
    assert_eq!(tail, large_bytes[6 * 1024 * 1024..6 * 1024 * 1024 + 10]);

    // A body that fails half way leaves nothing new and harms nothing old.
    for (k, len) in [(&small, 1_000), (&key("beats/a/never"), 7 * 1024 * 1024)] {
        let failing = futures_util::stream::iter(vec![
            Ok(Bytes::from(pattern(len))),
            Err(std::io::Error::other("connection reset")),
        ])
        .boxed();
        let err = s.put(k, failing, "audio/wav").await.unwrap_err();
        assert!(matches!(err, StorageError::Body(_)), "{err:?}");
    }
    assert_eq!(
        read(s, &small, None).await.1,
        b"RIFF....WAVE".to_vec(),
        "the old object survives"
    );
    assert!(s.head(&key("beats/a/never")).await.unwrap().is_none());

    // Ingest hashes while it streams and refuses what is over the cap.
    let stem = fixtures::stem(440.0);
    let ingested = ingest(
        s,
        &key("x/stem.wav"),
        body(stem.clone()),
        10_000_000,
        "audio/wav",
    )
    .await
    .unwrap();
    assert_eq!(ingested.sha256, hex::encode(Sha256::digest(&stem)));
    let over = ingest(s, &key("x/over.wav"), body(stem.clone()), 1000, "audio/wav")
        .await
        .unwrap_err();
    assert!(
        matches!(over, IngestError::TooLarge { limit: 1000 }),
        "{over:?}"
    );
    assert!(s.head(&key("x/over.wav")).await.unwrap().is_none());

    // Deleting is idempotent; a missing object is NotFound.
    s.delete(&small).await.unwrap();
    s.delete(&small).await.unwrap();
    assert!(s.head(&small).await.unwrap().is_none());
    assert!(matches!(
        s.get(&small, None).await,
        Err(StorageError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_local_backend_behaves_like_storage_and_keeps_inside_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let local = LocalStorage::open(dir.path().join("objects"))
        .await
        .unwrap();
    behaves_like_storage(Arc::new(
        LocalStorage::open(dir.path().join("objects"))
            .await
            .unwrap(),
    ))
    .await;
    // Nothing outside the root, nothing left in the temporary area.
    let mut outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    outside.sort();
    assert_eq!(outside, ["objects"]);
    assert_eq!(
        std::fs::read_dir(local.root().join(".tmp"))
            .unwrap()
            .count(),
        0
    );
    assert!(
        local
            .presigned_get(&key("a"), Duration::from_secs(60), None)
            .await
            .unwrap()
            .is_none()
    );
    for escape in ["../etc/passwd", "/etc/passwd", ".tmp/x", "a/../../b"] {
        assert!(ObjectKey::parse(escape).is_err(), "{escape}");
    }
}

#[tokio::test]
async fn the_s3_backend_behaves_like_storage_over_http() {
    let server = S3Server::start().await;
    let s3 = S3Storage::from_config(&server.config()).await.unwrap();
    behaves_like_storage(Arc::new(s3)).await;
}

#[tokio::test]
async fn s3_refuses_a_wrong_secret() {
    let server = S3Server::start().await;
    let mut config = server.config();
    config.secret_access_key = Some("not the secret".to_owned().into());
    let s3 = S3Storage::from_config(&config).await.unwrap();
    assert!(s3.ping().await.is_err());
    assert!(
        s3.put(&key("a"), body(vec![1, 2, 3]), "text/plain")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn presigned_s3_urls_download_with_their_disposition_and_expire() {
    let server = S3Server::start().await;
    let s3 = S3Storage::from_config(&server.config()).await.unwrap();
    let k = key("beats/a/mp3/lease.mp3");
    s3.put(&k, body(b"ID3 not really an mp3".to_vec()), "audio/mpeg")
        .await
        .unwrap();

    let disposition = "attachment; filename=\"Midnight Run.mp3\"";
    let url = s3
        .presigned_get(&k, Duration::from_secs(60), Some(disposition))
        .await
        .unwrap()
        .unwrap();
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-disposition"], disposition);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"ID3 not really an mp3"
    );

    let tampered = url.replace("lease.mp3", "other.mp3");
    assert_eq!(
        reqwest::get(&tampered).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    let short = s3
        .presigned_get(&k, Duration::from_secs(1), None)
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        reqwest::get(&short).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "expired"
    );
}

/// The whole store on S3, configured through the standard variables exactly as an operator
/// sets them: an upload through the API lands in the bucket, byte for byte.
#[tokio::test]
async fn the_store_runs_on_s3() {
    let server = Arc::new(S3Server::start().await);
    let env: std::collections::HashMap<&str, String> = [
        ("TRACKOUT_STORAGE", "s3".to_owned()),
        ("TRACKOUT_S3_BUCKET", server.bucket.clone()),
        ("AWS_ENDPOINT_URL", server.endpoint.clone()),
        ("AWS_REGION", trackout_tests::s3::REGION.to_owned()),
        (
            "AWS_ACCESS_KEY_ID",
            trackout_tests::s3::ACCESS_KEY.to_owned(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            trackout_tests::s3::SECRET_KEY.to_owned(),
        ),
    ]
    .into();
    let app = TestApp::builder()
        .config(move |c| {
            c.apply_env(|name| env.get(name).cloned()).unwrap();
            c.validate().unwrap();
        })
        .spawn()
        .await;
    let ready: serde_json::Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["storage_backend"], "s3");
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let trackout = fixtures::good_trackout();
    let response = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            trackout.clone(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: serde_json::Value = response.json().await.unwrap();
    let upload_id = accepted["upload"]["id"].as_str().unwrap();
    let on_disk = server
        .root
        .path()
        .join(&server.bucket)
        .join(format!("beats/{beat}/uploads/{upload_id}/trackout.zip"));
    assert_eq!(std::fs::read(on_disk).unwrap(), trackout);
    // And the worker reads it back from the bucket to check it.
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(20), |p| {
            p["check"]["state"] != "pending"
        })
        .await;
    assert_eq!(processing["check"]["state"], "passed", "{processing:#}");
}
