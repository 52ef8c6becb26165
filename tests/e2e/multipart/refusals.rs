//! What completion refuses: parts of the wrong size or ETag, hostile part numbers and
//! listings, an upload past the quota by the time it completes.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_tests::app::assert_problem;
use trackout_tests::{TestBucket, fixtures};

use super::*;

pub(super) async fn a_part_of_the_wrong_size_or_etag_is_refused_and_nothing_is_recorded(
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

pub(super) async fn hostile_part_numbers_and_listings_are_refused(bucket: Arc<dyn TestBucket>) {
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

pub(super) async fn the_quota_is_checked_again_at_completion(bucket: Arc<dyn TestBucket>) {
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
