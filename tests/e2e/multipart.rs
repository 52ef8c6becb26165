//! Resumable uploads straight to S3 (presigned multipart), each test run against two
//! independent S3 implementations: s3s-fs in this process and moto's server in its own. The
//! client side is what a browser does: plain `PUT`s of the bytes to the presigned URLs.
//!
//! Where the two differ, the tests say so: s3s-fs checks signatures (so a part of the wrong
//! length is refused at the bucket) but lists no part ETags and checks none at completion;
//! moto checks no signatures but lists ETags and refuses wrong ones.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Response, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_core::config::StorageKind;
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, TestBucket, fixtures};
use uuid::Uuid;

const MIB: usize = 1024 * 1024;

async fn app_on(bucket: &dyn TestBucket, ttl_seconds: Option<u64>) -> TestApp {
    app_with(bucket, move |c| {
        if let Some(ttl) = ttl_seconds {
            c.uploads.session_ttl_seconds = ttl;
        }
    })
    .await
}

async fn app_with(
    bucket: &dyn TestBucket,
    tweak: impl FnOnce(&mut trackout_core::config::Config) + Send + 'static,
) -> TestApp {
    let s3 = bucket.config();
    TestApp::builder()
        .config(move |c| {
            c.storage = StorageKind::S3;
            c.s3 = s3;
            tweak(c);
        })
        .spawn()
        .await
}

/// Sends every part of `bytes` through its presigned URL; answers the ETags in order.
async fn send_all(app: &TestApp, who: &Account, session: &Value, bytes: &[u8]) -> Vec<String> {
    let count = session["part_count"].as_u64().unwrap() as u32;
    let numbers: Vec<u32> = (1..=count).collect();
    let signed = urls(app, who, session, &numbers).await;
    let mut etags = Vec::new();
    for (i, url) in signed.iter().enumerate() {
        etags.push(put_ok(url, part(bytes, i + 1)).await);
    }
    etags
}

/// A master of about 19 MB: three parts of 8 MiB, 8 MiB and the rest.
fn three_part_master() -> Vec<u8> {
    fixtures::sine_wav(44_100, 2, 24, 72.0, 220.0, 0.5)
}

async fn open(app: &TestApp, who: &Account, beat: Uuid, kind: &str, size: usize) -> Value {
    let response = app
        .post(
            &format!("/api/v1/beats/{beat}/uploads"),
            Some(&who.token),
            &json!({"kind": kind, "size": size, "filename": format!("{kind}.wav")}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["protocol"], "s3_multipart", "{session:#}");
    session
}

async fn sign(app: &TestApp, who: &Account, session: &Value, numbers: Value) -> Response {
    app.post(
        session["parts_url"].as_str().unwrap(),
        Some(&who.token),
        &json!({ "part_numbers": numbers }),
    )
    .await
}

/// Presigned URLs for `numbers`, by part number.
async fn urls(app: &TestApp, who: &Account, session: &Value, numbers: &[u32]) -> Vec<String> {
    let response = sign(app, who, session, json!(numbers)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed: Value = response.json().await.unwrap();
    let parts = signed["parts"].as_array().unwrap();
    assert_eq!(parts.len(), numbers.len());
    parts
        .iter()
        .zip(numbers)
        .map(|(p, n)| {
            assert_eq!(p["part_number"], *n);
            p["url"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// A browser's `PUT` of one part: no credentials of ours, only the presigned URL.
async fn put(url: &str, body: impl Into<reqwest::Body>) -> reqwest::Result<Response> {
    reqwest::Client::new().put(url).body(body).send().await
}

async fn put_ok(url: &str, bytes: &[u8]) -> String {
    let response = put(url, bytes.to_vec()).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.headers()["etag"].to_str().unwrap().to_owned()
}

async fn listed(app: &TestApp, who: &Account, session: &Value) -> Value {
    let response = app
        .get(session["parts_url"].as_str().unwrap(), Some(&who.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn complete(app: &TestApp, who: &Account, session: &Value, etags: &[&str]) -> Response {
    let parts: Vec<Value> = etags
        .iter()
        .enumerate()
        .map(|(i, etag)| json!({"part_number": i + 1, "etag": etag}))
        .collect();
    app.post(
        session["complete_url"].as_str().unwrap(),
        Some(&who.token),
        &json!({ "parts": parts }),
    )
    .await
}

/// The bucket's own id of the session's multipart upload and the key it assembles to (the
/// client never needs either).
async fn in_bucket(app: &TestApp, session: &Value) -> (String, String) {
    let id: Uuid = session["id"].as_str().unwrap().parse().unwrap();
    let row = entity::upload_session::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (row.multipart_id.unwrap(), row.storage_key.unwrap())
}

async fn multipart_id(app: &TestApp, session: &Value) -> String {
    in_bucket(app, session).await.0
}

async fn uploads_of(app: &TestApp, beat: Uuid) -> Vec<entity::upload::Model> {
    entity::upload::Entity::find()
        .filter(entity::upload::Column::BeatId.eq(beat))
        .all(&app.state.db)
        .await
        .unwrap()
}

fn part(bytes: &[u8], number: usize) -> &[u8] {
    let start = (number - 1) * 8 * MIB;
    &bytes[start..(start + 8 * MIB).min(bytes.len())]
}

async fn an_interrupted_upload_resumes_from_the_parts_the_bucket_lists(
    bucket: Arc<dyn TestBucket>,
) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    assert_eq!(session["part_size_bytes"], 8 * MIB);
    assert_eq!(session["part_count"], 3);
    let mpid = multipart_id(&app, &session).await;
    assert!(
        bucket.holds_upload(&mpid).await,
        "the bucket has the upload open"
    );

    let signed = urls(&app, &producer, &session, &[1, 2, 3]).await;
    let first = put_ok(&signed[0], part(&master, 1)).await;

    // The connection drops halfway through part 2.
    let half = Bytes::copy_from_slice(&part(&master, 2)[..4 * MIB]);
    let cut =
        futures_util::stream::iter([Ok(half), Err(std::io::Error::other("the wifi dropped"))]);
    let dropped = reqwest::Client::new()
        .put(&signed[1])
        .header("content-length", (8 * MIB).to_string())
        .body(reqwest::Body::wrap_stream(cut))
        .send()
        .await;
    assert!(
        dropped.is_err() || !dropped.unwrap().status().is_success(),
        "a cut-off part is not a success"
    );

    // After a reload the client knows nothing but the session: the bucket says what it has.
    let held = listed(&app, &producer, &session).await;
    assert_eq!(held["part_count"], 3);
    let parts = held["parts"].as_array().unwrap();
    assert_eq!(
        parts.len(),
        1,
        "{}: only part 1 arrived whole: {held:#}",
        bucket.name()
    );
    assert_eq!(parts[0]["part_number"], 1);
    assert_eq!(parts[0]["size_bytes"], 8 * MIB);
    match bucket.name() {
        // moto lists each part's ETag; s3s-fs lists sizes only.
        "moto" => assert_eq!(parts[0]["etag"], first.as_str()),
        _ => assert_eq!(parts[0]["etag"], Value::Null),
    }

    // The rest, with fresh URLs, then completion.
    let again = urls(&app, &producer, &session, &[2, 3]).await;
    let second = put_ok(&again[0], part(&master, 2)).await;
    let third = put_ok(&again[1], part(&master, 3)).await;
    let response = complete(&app, &producer, &session, &[&first, &second, &third]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["upload"]["kind"], "master");
    assert_eq!(accepted["upload"]["size_bytes"], master.len());
    assert_eq!(
        accepted["upload"]["sha256"],
        hex::encode(Sha256::digest(&master)),
        "the store hashed exactly the bytes sent"
    );
    assert_eq!(accepted["upload"]["file_name"], "master.wav");
    assert!(!accepted["jobs"].as_array().unwrap().is_empty());

    // The object sits at the upload's key, byte for byte; the multipart upload is over.
    let recorded = uploads_of(&app, beat).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        bucket.object(&recorded[0].storage_key).await.unwrap(),
        master
    );
    assert!(!bucket.holds_upload(&mpid).await);
    let gone = app
        .get(
            session["parts_url"].as_str().unwrap(),
            Some(&producer.token),
        )
        .await;
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "a finished session is gone"
    );

    // And the worker renders from it.
    app.wait_for_processing(&producer, beat, Duration::from_secs(60), |p| {
        p["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "preview" && d["state"] == "done")
    })
    .await;
}

async fn a_part_of_the_wrong_size_or_etag_is_refused_and_nothing_is_recorded(
    bucket: Arc<dyn TestBucket>,
) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = fixtures::sine_wav(44_100, 2, 24, 40.0, 220.0, 0.5);
    let session = open(&app, &producer, beat, "master", master.len()).await;
    assert_eq!(session["part_count"], 2);
    let (_, key) = in_bucket(&app, &session).await;
    let signed = urls(&app, &producer, &session, &[1, 2]).await;
    let first = put_ok(&signed[0], part(&master, 1)).await;

    // Part 2 with a byte too many. The length is signed into the URL: a bucket that checks
    // signatures refuses the PUT; one that does not takes it, and completion refuses it.
    let mut long = part(&master, 2).to_vec();
    long.push(0);
    let response = put(&signed[1], long).await.unwrap();
    let refused = complete(&app, &producer, &session, &[&first, "\"0123\""]).await;
    if bucket.checks_signatures() {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let problem = assert_problem(refused, StatusCode::CONFLICT, "part_missing").await;
        assert_eq!(problem["part_number"], 2);
    } else {
        assert_eq!(response.status(), StatusCode::OK);
        let problem = assert_problem(refused, StatusCode::CONFLICT, "part_size_mismatch").await;
        assert_eq!(problem["part_number"], 2);
        assert_eq!(problem["size_bytes"], part(&master, 2).len() + 1);
        assert_eq!(problem["expected_bytes"], part(&master, 2).len());
    }
    assert!(uploads_of(&app, beat).await.is_empty());

    // The session survived: part 2 again, right this time, then a wrong ETag for part 1.
    let second = put_ok(&signed[1], part(&master, 2)).await;
    let wrong = "\"00000000000000000000000000000000\"";
    let refused = complete(&app, &producer, &session, &[wrong, &second]).await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "part_etag_mismatch").await;
    assert_eq!(problem["part_number"], 1);
    assert!(uploads_of(&app, beat).await.is_empty(), "no upload row");
    let parts_now = app
        .get(
            session["parts_url"].as_str().unwrap(),
            Some(&producer.token),
        )
        .await;
    if bucket.name() == "moto" {
        // moto lists ETags, so the store refuses before the bucket assembles anything: the
        // session is intact and the right ETags complete it.
        assert_eq!(parts_now.status(), StatusCode::OK);
        let response = complete(&app, &producer, &session, &[&first, &second]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let accepted: Value = response.json().await.unwrap();
        assert_eq!(
            accepted["upload"]["sha256"],
            hex::encode(Sha256::digest(&master))
        );
    } else {
        // s3s-fs lists no ETags and checks none: the mismatch shows only in the MD5 of the
        // assembled bytes, by then the parts are spent, so the object is removed and the
        // session ends.
        assert_eq!(parts_now.status(), StatusCode::NOT_FOUND);
        assert!(
            bucket.object(&key).await.is_none(),
            "nothing left in the bucket"
        );
        assert!(uploads_of(&app, beat).await.is_empty());
    }
}

async fn an_abandoned_session_expires_and_its_multipart_upload_is_aborted(
    bucket: Arc<dyn TestBucket>,
) {
    let app = app_on(bucket.as_ref(), Some(1)).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    let mpid = multipart_id(&app, &session).await;
    let signed = urls(&app, &producer, &session, &[1, 2]).await;
    put_ok(&signed[0], part(&master, 1)).await;
    assert!(bucket.holds_upload(&mpid).await);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while bucket.holds_upload(&mpid).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}: the abandoned upload is still open in the bucket",
            bucket.name()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = entity::upload_session::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "the session row is gone too: {rows:?}");
    // A URL signed before still looks valid, but the bucket has no upload to put it in:
    // s3s-fs answers 403 AccessDenied; moto 5.1 fails with a 500 (AWS says 404 NoSuchUpload).
    let late = put(&signed[1], part(&master, 2).to_vec()).await.unwrap();
    let expected = match bucket.name() {
        "moto" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::FORBIDDEN,
    };
    assert_eq!(late.status(), expected);
    let ended = app
        .get(
            session["parts_url"].as_str().unwrap(),
            Some(&producer.token),
        )
        .await;
    assert_eq!(ended.status(), StatusCode::NOT_FOUND);
    assert!(uploads_of(&app, beat).await.is_empty());
}

async fn deleting_a_session_aborts_its_multipart_upload(bucket: Arc<dyn TestBucket>) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let other = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    let mpid = multipart_id(&app, &session).await;
    let signed = urls(&app, &producer, &session, &[1]).await;
    put_ok(&signed[0], part(&master, 1)).await;
    let url = app.url(session["upload_url"].as_str().unwrap());

    let theirs = app
        .client
        .delete(&url)
        .bearer_auth(&other.token)
        .send()
        .await;
    assert_eq!(theirs.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(bucket.holds_upload(&mpid).await);
    let ended = app
        .client
        .delete(&url)
        .bearer_auth(&producer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert!(
        !bucket.holds_upload(&mpid).await,
        "the bucket freed the parts"
    );
    let late = app
        .get(
            session["parts_url"].as_str().unwrap(),
            Some(&producer.token),
        )
        .await;
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
}

async fn two_completes_at_once_record_one_upload(bucket: Arc<dyn TestBucket>) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    let signed = urls(&app, &producer, &session, &[1, 2, 3]).await;
    let mut etags = Vec::new();
    for (i, url) in signed.iter().enumerate() {
        etags.push(put_ok(url, part(&master, i + 1)).await);
    }
    let etags: Vec<&str> = etags.iter().map(String::as_str).collect();
    let (a, b, c) = tokio::join!(
        complete(&app, &producer, &session, &etags),
        complete(&app, &producer, &session, &etags),
        complete(&app, &producer, &session, &etags),
    );
    let mut recorded = 0;
    for response in [a, b, c] {
        match response.status() {
            StatusCode::OK => recorded += 1,
            // Still completing, or already done and gone.
            StatusCode::CONFLICT => {
                assert_problem(response, StatusCode::CONFLICT, "upload_completing").await;
            }
            StatusCode::NOT_FOUND => {}
            other => panic!("{other}: {:?}", response.text().await),
        }
    }
    assert_eq!(recorded, 1, "exactly one complete records the upload");
    let uploads = uploads_of(&app, beat).await;
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].sha256, hex::encode(Sha256::digest(&master)));
}

async fn hostile_part_numbers_and_listings_are_refused(bucket: Arc<dyn TestBucket>) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let other = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;

    for numbers in [
        json!([0]),
        json!([4]),
        json!([10_001]),
        json!([4_294_967_297u64]),
        json!([u64::MAX]),
        json!([1, 1]),
        json!([]),
        json!((1..=101).collect::<Vec<u32>>()),
    ] {
        let response = sign(&app, &producer, &session, numbers.clone()).await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert_eq!(problem["field"], "part_numbers", "{numbers}: {problem:#}");
    }
    for numbers in [json!([-1]), json!([1e30]), json!(["1"])] {
        let response = sign(&app, &producer, &session, numbers.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{numbers}"
        );
    }
    let theirs = sign(&app, &other, &session, json!([1])).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);

    // Completion wants every part, once, in order.
    for parts in [
        json!([{"part_number": 1, "etag": "\"a\""}]),
        json!([
            {"part_number": 2, "etag": "\"a\""},
            {"part_number": 1, "etag": "\"a\""},
            {"part_number": 3, "etag": "\"a\""}
        ]),
        json!([
            {"part_number": 0, "etag": "\"a\""},
            {"part_number": 1, "etag": "\"a\""},
            {"part_number": 2, "etag": "\"a\""}
        ]),
        json!([
            {"part_number": 1, "etag": ""},
            {"part_number": 2, "etag": "\"a\""},
            {"part_number": 3, "etag": "\"a\""}
        ]),
    ] {
        let response = app
            .post(
                session["complete_url"].as_str().unwrap(),
                Some(&producer.token),
                &json!({ "parts": parts }),
            )
            .await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert_eq!(problem["field"], "parts", "{problem:#}");
    }

    // A multipart session takes no tus bytes.
    let patched = app
        .client
        .patch(app.url(session["upload_url"].as_str().unwrap()))
        .bearer_auth(&producer.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_problem(patched, StatusCode::CONFLICT, "wrong_protocol").await;
    assert!(uploads_of(&app, beat).await.is_empty());
}

async fn the_quota_is_checked_again_at_completion(bucket: Arc<dyn TestBucket>) {
    // Room for one of the two masters, not both.
    let app = app_with(bucket.as_ref(), |c| {
        c.quotas.storage_bytes = 30 * MIB as u64
    })
    .await;
    let producer = app.register("producer").await;
    let (one, two) = (app.new_beat(&producer).await, app.new_beat(&producer).await);
    let master = three_part_master();
    // Both open: each fits while nothing is recorded yet.
    let first = open(&app, &producer, one, "master", master.len()).await;
    let second = open(&app, &producer, two, "master", master.len()).await;
    let (mpid, key) = in_bucket(&app, &second).await;
    let etags = send_all(&app, &producer, &first, &master).await;
    let etags: Vec<&str> = etags.iter().map(String::as_str).collect();
    assert_eq!(
        complete(&app, &producer, &first, &etags).await.status(),
        StatusCode::OK
    );
    let etags = send_all(&app, &producer, &second, &master).await;
    let etags: Vec<&str> = etags.iter().map(String::as_str).collect();
    let refused = complete(&app, &producer, &second, &etags).await;
    assert_problem(
        refused,
        StatusCode::PAYLOAD_TOO_LARGE,
        "storage_quota_exceeded",
    )
    .await;
    assert!(uploads_of(&app, two).await.is_empty());
    assert!(!bucket.holds_upload(&mpid).await, "its parts are freed");
    assert!(bucket.object(&key).await.is_none());
}

async fn a_completion_runs_to_its_end_when_the_client_goes_away(bucket: Arc<dyn TestBucket>) {
    let app = app_on(bucket.as_ref(), None).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    let etags = send_all(&app, &producer, &session, &master).await;
    let parts: Vec<Value> = etags
        .iter()
        .enumerate()
        .map(|(i, etag)| json!({"part_number": i + 1, "etag": etag}))
        .collect();
    // The client hangs up long before the store has read 19 MB back from the bucket.
    let gone = app
        .client
        .post(app.url(session["complete_url"].as_str().unwrap()))
        .bearer_auth(&producer.token)
        .json(&json!({ "parts": parts }))
        .timeout(Duration::from_millis(30))
        .send()
        .await;
    assert!(gone.is_err(), "the client gave up before the answer");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let recorded = loop {
        let uploads = uploads_of(&app, beat).await;
        if !uploads.is_empty() {
            break uploads;
        }
        assert!(tokio::time::Instant::now() < deadline, "never recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].sha256, hex::encode(Sha256::digest(&master)));
}

macro_rules! on_both_servers {
    ($($test:ident),* $(,)?) => {
        mod s3s_fs {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(std::sync::Arc::new(trackout_tests::S3Server::start().await)).await;
                }
            )*
        }
        mod moto {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(std::sync::Arc::new(trackout_tests::MotoServer::start().await)).await;
                }
            )*
        }
    };
}

on_both_servers!(
    an_interrupted_upload_resumes_from_the_parts_the_bucket_lists,
    a_part_of_the_wrong_size_or_etag_is_refused_and_nothing_is_recorded,
    an_abandoned_session_expires_and_its_multipart_upload_is_aborted,
    deleting_a_session_aborts_its_multipart_upload,
    two_completes_at_once_record_one_upload,
    hostile_part_numbers_and_listings_are_refused,
    the_quota_is_checked_again_at_completion,
    a_completion_runs_to_its_end_when_the_client_goes_away,
);

#[tokio::test]
async fn local_storage_answers_a_tus_session() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let response = app
        .post(
            &format!("/api/v1/beats/{beat}/uploads"),
            Some(&producer.token),
            &json!({"kind": "master", "size": 100}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["protocol"], "tus");
    assert_eq!(session["offset_bytes"], 0);
    let parts = app
        .get(
            &format!("{}/parts", session["upload_url"].as_str().unwrap()),
            Some(&producer.token),
        )
        .await;
    assert_problem(parts, StatusCode::CONFLICT, "wrong_protocol").await;
}
