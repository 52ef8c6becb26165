//! Sessions that end without completing: deleted, abandoned, or gone with their beat. The
//! bucket frees their parts each time.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use trackout_tests::TestBucket;

use super::*;

pub(super) async fn an_abandoned_session_expires_and_its_multipart_upload_is_aborted(
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

    // The sweep aborts the bucket's upload first and then deletes the row (a crash between
    // the two leaves a row to sweep again, never parts no row knows of): wait for both.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let open_in_bucket = bucket.holds_upload(&mpid).await;
        let rows = entity::upload_session::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap();
        if !open_in_bucket && rows.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}: the abandoned session is not swept (open in the bucket: {open_in_bucket}, \
             rows: {rows:?})",
            bucket.name()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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

pub(super) async fn deleting_a_session_aborts_its_multipart_upload(bucket: Arc<dyn TestBucket>) {
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

pub(super) async fn a_deleted_beats_open_upload_is_aborted_when_it_would_have_expired(
    bucket: Arc<dyn TestBucket>,
) {
    let app = app_on(bucket.as_ref(), Some(1)).await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = three_part_master();
    let session = open(&app, &producer, beat, "master", master.len()).await;
    let mpid = multipart_id(&app, &session).await;
    let signed = urls(&app, &producer, &session, &[1]).await;
    put_ok(&signed[0], part(&master, 1)).await;
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/beats/{beat}")))
        .bearer_auth(&producer.token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    // The session's row went with the beat; its expiry job still knows the bucket's upload.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while bucket.holds_upload(&mpid).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}: the deleted beat's upload is still open in the bucket",
            bucket.name()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
