use std::time::Duration;

use entity::beat_cover;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use trackout_core::storage::ObjectKey;
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, images};
use uuid::Uuid;

async fn put_cover(
    app: &TestApp,
    account: &Account,
    beat: Uuid,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.upload(account, beat, "cover", content_type, body).await
}

/// Waits for the beat's views to carry the cover, and returns it.
async fn cover_of(app: &TestApp, producer: &Account, beat: Uuid) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let status: Value = app
            .get(
                &format!("/api/v1/beats/{beat}/cover"),
                Some(&producer.token),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_ne!(status["state"], "failed", "{status:#}");
        if status["state"] == "done" {
            let view: Value = app
                .get(&format!("/api/v1/beats/{beat}"), Some(&producer.token))
                .await
                .json()
                .await
                .unwrap();
            return view["cover"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the cover was not made: {status:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_cover_is_resized_and_served_under_addresses_cached_forever() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = crate::commerce::catalog_beat(&app, &producer).await;
    let accepted = put_cover(&app, &producer, beat, "image/jpeg", images::jpeg(1200, 900)).await;
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["cover"]["state"], "queued");
    assert_eq!(accepted["cover"]["width"], 1200);
    assert_eq!(accepted["job"]["kind"], "render_cover");

    let cover = cover_of(&app, &producer, beat).await;
    let sizes = cover["sizes"].as_array().unwrap();
    assert_eq!(
        sizes
            .iter()
            .map(|s| s["width"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [160, 480, 900],
        "the largest size is the centre square at its own size"
    );
    // The catalog carries it too, for anyone.
    let catalog: Value = app.get("/api/v1/beats", None).await.json().await.unwrap();
    assert_eq!(catalog["items"][0]["cover"], cover);

    let url = sizes[1]["jpeg"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("/api/v1/beats/{beat}/cover/")),
        "{url}"
    );
    let response = app.get(url, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let bytes = response.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (480, 480));
    let again = app
        .client
        .get(app.url(url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The WebP of each size exists under the same fingerprint, whether or not it is offered.
    let webp = app.get(&url.replace(".jpg", ".webp"), None).await;
    assert_eq!(webp.status(), StatusCode::OK);
    assert_eq!(webp.headers()["content-type"], "image/webp");
    for wrong in [
        url.replace("-480.", "-481."),
        url.replace(".jpg", ".png"),
        format!("/api/v1/beats/{beat}/cover/0000000000000000-480.jpg"),
        format!("/api/v1/beats/{}/cover/x", Uuid::new_v4()),
    ] {
        assert_eq!(
            app.get(&wrong, None).await.status(),
            StatusCode::NOT_FOUND,
            "{wrong}"
        );
    }

    // A new cover: a new address; the old one is gone and its files are purged.
    let old = beat_cover::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let replaced = put_cover(&app, &producer, beat, "image/png", images::png(800, 800)).await;
    assert_eq!(replaced.status(), StatusCode::ACCEPTED);
    let new_cover = cover_of(&app, &producer, beat).await;
    assert_ne!(new_cover, cover);
    assert_eq!(app.get(url, None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        beat_cover::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
    let original = ObjectKey::parse(&old.original_key).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.state.storage.head(&original).await.unwrap().is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the old cover was not purged"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_cover_job_run_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let accepted = put_cover(&app, &producer, beat, "image/png", images::png(640, 640)).await;
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    let cover = cover_of(&app, &producer, beat).await;
    let row = beat_cover::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let job = trackout_core::queue::enqueue(
        &app.state.db,
        &trackout_core::jobs::RenderCover {
            beat_id: beat,
            cover_id: row.id,
        },
    )
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = entity::job::Entity::find_by_id(job.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .state;
        if state == "done" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second run did not finish: {state}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(cover_of(&app, &producer, beat).await, cover);
    // A draft's cover shows to its producer, in the views that need it.
    let mine: Value = app
        .get("/api/v1/me/beats", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["cover"], cover);
}

#[tokio::test]
async fn hostile_images_are_refused_with_the_reason_and_leave_nothing() {
    let app = TestApp::builder()
        .config(|c| c.uploads.cover_bytes = 2 * 1024 * 1024)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "a decompression bomb",
            "image/png",
            images::png_bomb(50_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "50000 × 50000 pixels",
        ),
        (
            "a truncated JPEG",
            "image/jpeg",
            images::truncated_jpeg(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cut short",
        ),
        (
            "a polyglot",
            "image/png",
            images::polyglot(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "other data after its end",
        ),
        (
            "an SVG",
            "image/svg+xml",
            images::svg(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "image/jpeg, image/png or image/webp",
        ),
        (
            "an SVG posing as a PNG",
            "image/png",
            images::svg(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "SVG",
        ),
        (
            "a thumbnail",
            "image/png",
            images::png(120, 120),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least 300 × 300",
        ),
        (
            "an image over the size limit",
            "image/png",
            vec![0u8; 3 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
    ];
    for (what, content_type, body, status, reason) in cases {
        let response = put_cover(&app, &producer, beat, content_type, body).await;
        assert_eq!(response.status(), status, "{what}");
        let problem: Value = response.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "{what}: {detail}");
    }
    assert_eq!(
        beat_cover::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    let covers_dir = app.dir.path().join(format!("objects/beats/{beat}/covers"));
    let left = std::fs::read_dir(&covers_dir)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0, "objects left in {}", covers_dir.display());

    // Not your beat: as if it did not exist.
    let other = app.register("producer").await;
    let response = put_cover(&app, &other, beat, "image/png", images::png(400, 400)).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    let status = app
        .get(&format!("/api/v1/beats/{beat}/cover"), Some(&other.token))
        .await;
    assert_eq!(status.status(), StatusCode::NOT_FOUND);
}
