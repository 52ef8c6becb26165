//! Resumable uploads straight to S3 (presigned multipart), each test run against two
//! independent S3 implementations: s3s-fs in this process and moto's server in its own. The
//! client side is what a browser does: plain `PUT`s of the bytes to the presigned URLs.
//!
//! Where the two differ, the tests say so: s3s-fs checks signatures (so a part of the wrong
//! length is refused at the bucket) but lists no part ETags and checks none at completion;
//! moto checks no signatures but lists ETags and refuses wrong ones.

use reqwest::{Response, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_core::config::StorageKind;
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, TestBucket, fixtures};
use uuid::Uuid;

mod expiry;
mod refusals;
mod resume;

pub(super) const MIB: usize = 1024 * 1024;

pub(super) async fn app_on(bucket: &dyn TestBucket, ttl_seconds: Option<u64>) -> TestApp {
    app_with(bucket, move |c| {
        if let Some(ttl) = ttl_seconds {
            c.uploads.session_ttl_seconds = ttl;
        }
    })
    .await
}

pub(super) async fn app_with(
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
pub(super) async fn send_all(
    app: &TestApp,
    who: &Account,
    session: &Value,
    bytes: &[u8],
) -> Vec<String> {
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
pub(super) fn three_part_master() -> Vec<u8> {
    fixtures::sine_wav(44_100, 2, 24, 72.0, 220.0, 0.5)
}

pub(super) async fn open(
    app: &TestApp,
    who: &Account,
    beat: Uuid,
    kind: &str,
    size: usize,
) -> Value {
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

pub(super) async fn sign(
    app: &TestApp,
    who: &Account,
    session: &Value,
    numbers: Value,
) -> Response {
    app.post(
        session["parts_url"].as_str().unwrap(),
        Some(&who.token),
        &json!({ "part_numbers": numbers }),
    )
    .await
}

/// Presigned URLs for `numbers`, by part number.
pub(super) async fn urls(
    app: &TestApp,
    who: &Account,
    session: &Value,
    numbers: &[u32],
) -> Vec<String> {
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
pub(super) async fn put(url: &str, body: impl Into<reqwest::Body>) -> reqwest::Result<Response> {
    reqwest::Client::new().put(url).body(body).send().await
}

pub(super) async fn put_ok(url: &str, bytes: &[u8]) -> String {
    let response = put(url, bytes.to_vec()).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.headers()["etag"].to_str().unwrap().to_owned()
}

pub(super) async fn listed(app: &TestApp, who: &Account, session: &Value) -> Value {
    let response = app
        .get(session["parts_url"].as_str().unwrap(), Some(&who.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub(super) async fn complete(
    app: &TestApp,
    who: &Account,
    session: &Value,
    etags: &[&str],
) -> Response {
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
pub(super) async fn in_bucket(app: &TestApp, session: &Value) -> (String, String) {
    let id: Uuid = session["id"].as_str().unwrap().parse().unwrap();
    let row = entity::upload_session::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (row.multipart_id.unwrap(), row.storage_key.unwrap())
}

pub(super) async fn multipart_id(app: &TestApp, session: &Value) -> String {
    in_bucket(app, session).await.0
}

pub(super) async fn uploads_of(app: &TestApp, beat: Uuid) -> Vec<entity::upload::Model> {
    entity::upload::Entity::find()
        .filter(entity::upload::Column::BeatId.eq(beat))
        .all(&app.state.db)
        .await
        .unwrap()
}

pub(super) fn part(bytes: &[u8], number: usize) -> &[u8] {
    let start = (number - 1) * 8 * MIB;
    &bytes[start..(start + 8 * MIB).min(bytes.len())]
}

macro_rules! on_both_servers {
    ($($module:ident :: $test:ident),* $(,)?) => {
        mod s3s_fs {
            $(
                #[tokio::test]
                async fn $test() {
                    let server = std::sync::Arc::new(trackout_tests::S3Server::start().await);
                    super::$module::$test(server).await;
                }
            )*
        }
        mod moto {
            $(
                #[tokio::test]
                async fn $test() {
                    let server = std::sync::Arc::new(trackout_tests::MotoServer::start().await);
                    super::$module::$test(server).await;
                }
            )*
        }
    };
}

on_both_servers!(
    resume::an_interrupted_upload_resumes_from_the_parts_the_bucket_lists,
    resume::two_completes_at_once_record_one_upload,
    resume::a_completion_runs_to_its_end_when_the_client_goes_away,
    refusals::a_part_of_the_wrong_size_or_etag_is_refused_and_nothing_is_recorded,
    refusals::hostile_part_numbers_and_listings_are_refused,
    refusals::the_quota_is_checked_again_at_completion,
    expiry::an_abandoned_session_expires_and_its_multipart_upload_is_aborted,
    expiry::deleting_a_session_aborts_its_multipart_upload,
    expiry::a_deleted_beats_open_upload_is_aborted_when_it_would_have_expired,
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
