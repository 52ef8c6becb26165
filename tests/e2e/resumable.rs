//! Resumable uploads over tus 1.0 on local storage: interrupted and resumed at the offset the
//! store really has, a wrong offset refused, termination and expiry removing the bytes.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::{Method, Response, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

const TUS: &str = "application/offset+octet-stream";

async fn open(app: &TestApp, producer: &Account, beat: Uuid, body: Value) -> Response {
    app.post(
        &format!("/api/v1/beats/{beat}/uploads"),
        Some(&producer.token),
        &body,
    )
    .await
}

async fn open_ok(app: &TestApp, producer: &Account, beat: Uuid, kind: &str, size: usize) -> String {
    let response = open(
        app,
        producer,
        beat,
        json!({"kind": kind, "size": size, "filename": format!("{kind}.bin")}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    assert_eq!(response.headers()["upload-offset"], "0");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["upload_url"], location);
    location
}

async fn patch(
    app: &TestApp,
    who: &Account,
    url: &str,
    offset: u64,
    body: impl Into<reqwest::Body>,
) -> reqwest::Result<Response> {
    app.client
        .patch(app.url(url))
        .bearer_auth(&who.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", TUS)
        .header("upload-offset", offset.to_string())
        .body(body)
        .send()
        .await
}

async fn head(app: &TestApp, who: &Account, url: &str) -> Response {
    app.client
        .request(Method::HEAD, app.url(url))
        .bearer_auth(&who.token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap()
}

async fn offset_of(app: &TestApp, who: &Account, url: &str) -> u64 {
    let response = head(app, who, url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn part_file(app: &TestApp, url: &str) -> std::path::PathBuf {
    let id = url.rsplit('/').next().unwrap();
    app.dir
        .path()
        .join("upload-sessions")
        .join(format!("{id}.part"))
}

#[tokio::test]
async fn an_interrupted_upload_resumes_at_the_offset_the_store_has_and_completes() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let trackout = fixtures::good_trackout_of(3.0);
    let url = open_ok(&app, &producer, beat, "trackout", trackout.len()).await;

    // The connection drops after the first megabyte.
    let first = Bytes::copy_from_slice(&trackout[..1 << 20]);
    let sent = first.clone();
    let cut = futures_util::stream::unfold(0, move |step| {
        let sent = sent.clone();
        async move {
            match step {
                0 => Some((Ok(sent), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Some((Err(std::io::Error::other("the wifi dropped")), 2))
                }
                _ => None,
            }
        }
    });
    let dropped = patch(&app, &producer, &url, 0, reqwest::Body::wrap_stream(cut)).await;
    assert!(
        dropped.is_err() || !dropped.unwrap().status().is_success(),
        "a cut-off body is not a success"
    );

    // The store kept every byte that arrived, and says so.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut offset = offset_of(&app, &producer, &url).await;
    while offset != first.len() as u64 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        offset = offset_of(&app, &producer, &url).await;
    }
    assert_eq!(
        offset,
        first.len() as u64,
        "resumes where the bytes stopped"
    );

    // Resuming from the wrong place is refused and changes nothing.
    let wrong = patch(&app, &producer, &url, 0, trackout.clone())
        .await
        .unwrap();
    let problem = assert_problem(wrong, StatusCode::CONFLICT, "offset_mismatch").await;
    assert_eq!(problem["offset"], offset);
    assert_eq!(offset_of(&app, &producer, &url).await, offset);

    // The rest, in two requests; the last one records the upload.
    let middle = 2 << 20;
    let response = patch(
        &app,
        &producer,
        &url,
        offset,
        trackout[offset as usize..middle].to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["upload-offset"], middle.to_string());
    let response = patch(
        &app,
        &producer,
        &url,
        middle as u64,
        trackout[middle..].to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["upload"]["kind"], "trackout");
    assert_eq!(accepted["upload"]["size_bytes"], trackout.len());
    assert_eq!(
        accepted["upload"]["sha256"],
        hex::encode(Sha256::digest(&trackout)),
        "the stored file is exactly the one sent, resumed at the right byte"
    );
    assert_eq!(accepted["upload"]["file_name"], "trackout.bin");
    assert_eq!(accepted["jobs"][0]["kind"], "check_trackout");
    assert!(!part_file(&app, &url).exists(), "the part file is gone");
    assert_eq!(
        head(&app, &producer, &url).await.status(),
        StatusCode::NOT_FOUND,
        "a finished session is gone"
    );
    let p = app
        .wait_for_processing(&producer, beat, Duration::from_secs(30), |p| {
            p["check"]["state"] == "passed"
        })
        .await;
    assert_eq!(p["uploads"][0]["sha256"], accepted["upload"]["sha256"]);
}

#[tokio::test]
async fn sessions_are_checked_like_a_put_and_are_their_producers_alone() {
    let app = TestApp::builder()
        .config(|c| c.uploads.voice_tag_bytes = 1000)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let other = app.register("producer").await;
    let beat = app.new_beat(&producer).await;

    let too_big = open(
        &app,
        &producer,
        beat,
        json!({"kind": "voice_tag", "size": 1001}),
    )
    .await;
    let problem = assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("voice tag"),
        "{problem:#}"
    );
    let not_yours = open(&app, &other, beat, json!({"kind": "master", "size": 10})).await;
    assert_eq!(not_yours.status(), StatusCode::NOT_FOUND);

    // The tus way of opening one: Upload-Length and base64 Upload-Metadata.
    let response = app
        .client
        .post(app.url(&format!("/api/v1/beats/{beat}/uploads")))
        .bearer_auth(&producer.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "100")
        .header("upload-metadata", "kind bWFzdGVy,filename bmlnaHQud2F2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let url = response.headers()["location"].to_str().unwrap().to_owned();
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["kind"], "master");
    assert_eq!(view["size_bytes"], 100);

    // Someone else's session does not exist for them.
    assert_eq!(
        head(&app, &other, &url).await.status(),
        StatusCode::NOT_FOUND
    );
    let theirs = patch(&app, &other, &url, 0, vec![0u8; 10]).await.unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let ended = app
        .client
        .delete(app.url(&url))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NOT_FOUND);

    // Only the tus body type, and never past the declared size.
    let plain = app
        .client
        .patch(app.url(&url))
        .bearer_auth(&producer.token)
        .header("content-type", "application/octet-stream")
        .header("upload-offset", "0")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_problem(
        plain,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let past = patch(&app, &producer, &url, 0, vec![0u8; 101])
        .await
        .unwrap();
    assert_eq!(past.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(offset_of(&app, &producer, &url).await, 0);

    // A completed file that is not what it claims is refused like a PUT, and the session ends.
    let mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00 an mp3 named like a wav"
        .iter()
        .copied()
        .cycle()
        .take(100)
        .collect::<Vec<u8>>();
    let refused = patch(&app, &producer, &url, 0, mp3).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        head(&app, &producer, &url).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(!part_file(&app, &url).exists());
}

#[tokio::test]
async fn termination_removes_the_bytes_received() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = fixtures::master();
    let url = open_ok(&app, &producer, beat, "master", master.len()).await;
    let half = master.len() / 2;
    let response = patch(&app, &producer, &url, 0, master[..half].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        std::fs::metadata(part_file(&app, &url)).unwrap().len(),
        half as u64
    );

    let ended = app
        .client
        .delete(app.url(&url))
        .bearer_auth(&producer.token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert!(!part_file(&app, &url).exists(), "the bytes are gone");
    assert_eq!(
        head(&app, &producer, &url).await.status(),
        StatusCode::NOT_FOUND
    );
    let late = patch(&app, &producer, &url, half as u64, master[half..].to_vec())
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
    let p: Value = app
        .get(
            &format!("/api/v1/beats/{beat}/processing"),
            Some(&producer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["uploads"], json!([]), "nothing was recorded");
}

#[tokio::test]
async fn an_abandoned_session_expires_and_its_bytes_are_removed() {
    let app = TestApp::builder()
        .config(|c| c.uploads.session_ttl_seconds = 1)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = fixtures::master();
    let url = open_ok(&app, &producer, beat, "master", master.len()).await;
    let response = patch(&app, &producer, &url, 0, master[..1000].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(part_file(&app, &url).exists());

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while part_file(&app, &url).exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the abandoned session's bytes are still there"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        head(&app, &producer, &url).await.status(),
        StatusCode::NOT_FOUND
    );
    let rows = entity::upload_session::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "the session row is gone too: {rows:?}");
}

#[tokio::test]
async fn two_requests_writing_one_session_at_once_never_interleave() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = fixtures::sine_wav(44_100, 2, 24, 2.0, 220.0, 0.5);
    let url = open_ok(&app, &producer, beat, "master", master.len()).await;

    // A slow client holds the session while a second request tries the same offset.
    let (head_part, tail_part) = master.split_at(1000);
    let (head_part, tail_part) = (
        Bytes::copy_from_slice(head_part),
        Bytes::copy_from_slice(tail_part),
    );
    let slow = futures_util::stream::iter([head_part, tail_part]).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        Ok::<_, std::io::Error>(chunk)
    });
    let first = patch(&app, &producer, &url, 0, reqwest::Body::wrap_stream(slow));
    let second = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        patch(&app, &producer, &url, 0, master.clone())
            .await
            .unwrap()
    };
    let (first, second) = tokio::join!(first, second);
    assert_problem(second, StatusCode::CONFLICT, "upload_busy").await;
    let first = first.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let accepted: Value = first.json().await.unwrap();
    assert_eq!(
        accepted["upload"]["sha256"],
        hex::encode(Sha256::digest(&master))
    );
}
