//! A multipart upload interrupted and resumed, completed once however often it is asked, and
//! completed even when the client hangs up.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_tests::TestBucket;
use trackout_tests::app::assert_problem;

use super::*;

pub(super) async fn an_interrupted_upload_resumes_from_the_parts_the_bucket_lists(
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

pub(super) async fn two_completes_at_once_record_one_upload(bucket: Arc<dyn TestBucket>) {
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

pub(super) async fn a_completion_runs_to_its_end_when_the_client_goes_away(
    bucket: Arc<dyn TestBucket>,
) {
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
