//! What another process may serve from its cache, and for how long. Each API process keeps
//! the catalog's pages and what download links open to for at most `TRACKOUT_CACHE_MS`
//! (1 s by default); here a second store process reads the first one's database with that
//! default, and every change the first one makes must reach it within the bound.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_core::payments::events::{EventEnvelope, PaymentEvent};
use trackout_core::services::commerce::payment_events;
use trackout_tests::TestApp;

use crate::commerce::{catalog_beat, licensed, link, pay_dev, started};

const BOUND: Duration = Duration::from_millis(1_000);
/// What a loaded 2-core machine may add to the bound: scheduling, one poll interval.
const SLACK: Duration = Duration::from_millis(400);

/// A second process of the same store: its own server and caches, the first one's database,
/// objects and signing key, and the default staleness.
async fn second_process(first: &TestApp) -> TestApp {
    let database = first.config.database_url.clone();
    let objects = first.config.objects_dir();
    TestApp::builder()
        .without_worker()
        .config(move |c| {
            c.database_url = database;
            c.objects_dir = Some(objects);
            c.cache = trackout_core::config::CacheConfig::default();
        })
        .spawn()
        .await
}

async fn catalog_titles(app: &TestApp) -> Vec<String> {
    let response = app.get("/api/v1/beats", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Reads `reader`'s catalog until `seen` holds; returns how long that took after `changed`,
/// and whether the first read after the change still showed the old catalog.
async fn until_seen(
    reader: &TestApp,
    changed: Instant,
    seen: impl Fn(&[String]) -> bool,
) -> (Duration, bool) {
    let mut first_was_stale = None;
    loop {
        let titles = catalog_titles(reader).await;
        if seen(&titles) {
            return (changed.elapsed(), first_was_stale.unwrap_or(false));
        }
        first_was_stale.get_or_insert(true);
        assert!(
            changed.elapsed() < BOUND + SLACK,
            "still not seen {:?} after the change: {titles:?}",
            changed.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_beat_published_edited_unpublished_or_sold_reaches_another_process_catalog_within_the_bound()
 {
    let writer = TestApp::spawn().await;
    let reader = second_process(&writer).await;
    let producer = writer.register("producer").await;
    let artist = writer.register("artist").await;
    let first = catalog_beat(&writer, &producer).await;
    assert_eq!(catalog_titles(&reader).await, ["Midnight Run"]);

    // Published: `catalog_beat` writes what the publish route writes (uploads and checks
    // are the publish tests' business).
    let filled = Instant::now();
    assert_eq!(catalog_titles(&reader).await.len(), 1);
    let second = catalog_beat(&writer, &producer).await;
    let (took, stale) = until_seen(&reader, Instant::now(), |t| t.len() == 2).await;
    assert!(took <= BOUND + SLACK, "published: {took:?}");
    if filled.elapsed() < BOUND / 2 {
        assert!(
            stale,
            "the reader answered from its cache right after the change"
        );
    }

    // Edited.
    let edited = writer
        .send_json(
            reqwest::Method::PATCH,
            &format!("/api/v1/beats/{second}"),
            Some(&producer.token),
            &json!({"title": "Afterglow"}),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let (took, _) = until_seen(&reader, Instant::now(), |t| t.contains(&"Afterglow".into())).await;
    assert!(took <= BOUND + SLACK, "edited: {took:?}");

    // Unpublished.
    let unpublished = writer
        .post(
            &format!("/api/v1/beats/{second}/unpublish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(unpublished.status(), StatusCode::OK);
    let (took, _) = until_seen(&reader, Instant::now(), |t| t == ["Midnight Run"]).await;
    assert!(took <= BOUND + SLACK, "unpublished: {took:?}");

    // Sold: the exclusive takes the beat out of the catalog.
    let (_, url) = started(&writer, &artist, first, "exclusive").await;
    pay_dev(&writer, &url).await;
    let (took, _) = until_seen(&reader, Instant::now(), |t| t.is_empty()).await;
    assert!(took <= BOUND + SLACK, "sold: {took:?}");
}

#[tokio::test]
async fn a_refund_closes_the_links_another_process_has_open_within_the_bound() {
    let writer = TestApp::spawn().await;
    let reader = second_process(&writer).await;
    let producer = writer.register("producer").await;
    let artist = writer.register("artist").await;
    let beat = catalog_beat(&writer, &producer).await;
    let (id, url) = started(&writer, &artist, beat, "mp3_lease").await;
    pay_dev(&writer, &url).await;
    let purchase = licensed(&writer, &artist, id).await;
    let license = link(&purchase, "license.pdf").to_owned();
    // The second process serves the link (and keeps what it opened to).
    assert_eq!(reader.get(&license, None).await.status(), StatusCode::OK);

    let refund = EventEnvelope {
        id: "evt_refund_stale".into(),
        event_type: "charge.refunded".into(),
        event: PaymentEvent::Refunded {
            payment_intent: format!("pi_dev_{}", id.simple()),
            amount_refunded: purchase["price_cents"].as_i64().unwrap(),
            full: true,
        },
    };
    payment_events::apply(&writer.state.db, &refund)
        .await
        .unwrap();
    let refunded = Instant::now();
    // The process that took the refund reads the database itself: closed at once.
    assert_eq!(
        writer.get(&license, None).await.status(),
        StatusCode::FORBIDDEN
    );
    loop {
        let status = reader.get(&license, None).await.status();
        if status == StatusCode::FORBIDDEN {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            refunded.elapsed() < BOUND + SLACK,
            "the refunded link still opened {:?} after the refund",
            refunded.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refunded.elapsed() <= BOUND + SLACK);
    // Closed stays closed: a refused link is never kept.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        reader.get(&license, None).await.status(),
        StatusCode::FORBIDDEN
    );
}
