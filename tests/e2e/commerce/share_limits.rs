//! A share's download limit is exact: counted from the bytes actually served, taken by
//! conditional updates, whatever the headers say and however many requests arrive at once.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_core::services::commerce::download_count::byte_budget;

use super::shares::interrupted_download;
use super::*;

struct Shared {
    app: TestApp,
    /// A stem's link through the share, and the stem's size.
    stem_url: String,
    size: u64,
}

async fn share_with_limit(max_downloads: u32) -> Shared {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = published_beat(&app, &producer).await;
    let (purchase_id, url) = started(&app, &artist, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    fulfilled(&app, &artist, purchase_id).await;
    let created: Value = app
        .post(
            &format!("/api/v1/purchases/{purchase_id}/shares"),
            Some(&artist.token),
            &json!({"label": "Engineer", "expires_in": 86400, "max_downloads": max_downloads}),
        )
        .await
        .json()
        .await
        .unwrap();
    let page: Value = app
        .get(created["url"].as_str().unwrap(), None)
        .await
        .json()
        .await
        .unwrap();
    let kick = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "stem:Kick.wav")
        .unwrap()
        .clone();
    Shared {
        stem_url: kick["url"].as_str().unwrap().to_owned(),
        size: kick["size_bytes"].as_u64().unwrap(),
        app,
    }
}

/// Sends `url` with `headers`; returns the status and the body bytes received.
async fn fetch(app: &TestApp, url: &str, headers: &[(&str, String)]) -> (StatusCode, u64) {
    let mut request = app.client.get(app.url(url));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.bytes().await.unwrap().len() as u64;
    (status, if status.is_success() { body } else { 0 })
}

#[tokio::test]
async fn no_header_trick_gets_a_second_copy_through_a_one_download_share() {
    let Shared {
        app,
        stem_url,
        size,
    } = share_with_limit(1).await;
    let etag = format!("\"{}\"", "0".repeat(64));
    let tricks: Vec<Vec<(&str, String)>> = vec![
        vec![],
        vec![("range", format!("bytes=-{size}"))],
        vec![("range", "bytes=-1000".into())],
        vec![("range", "bytes=00-".into())],
        vec![("range", "x".into())],
        vec![("range", "bytes=0-10,20-30".into())],
        vec![("range", "bytes=1-".into())],
        vec![("range", "bytes=0-0".into())],
        vec![("range", "bytes=100-".into()), ("if-range", etag.clone())],
        vec![("if-none-match", etag)],
        vec![("range", format!("bytes={}-", size / 2))],
        vec![],
    ];
    let mut total = 0;
    let mut whole_copies = 0;
    for headers in &tricks {
        let (status, bytes) = fetch(&app, &stem_url, headers).await;
        assert!(
            status == StatusCode::OK
                || status == StatusCode::PARTIAL_CONTENT
                || status == StatusCode::FORBIDDEN,
            "{headers:?}: {status}"
        );
        if bytes == size {
            whole_copies += 1;
        }
        total += bytes;
    }
    assert_eq!(whole_copies, 1, "exactly one whole copy was served");
    assert!(
        total <= byte_budget(size, 1) && total < 2 * size,
        "served {total} bytes of a {size}-byte stem through a one-download share"
    );
}

#[tokio::test]
async fn sixty_requests_at_once_get_exactly_the_limit() {
    let Shared {
        app,
        stem_url,
        size,
    } = share_with_limit(1).await;
    let answers = join_all((0..60).map(|_| fetch(&app, &stem_url, &[]))).await;
    let served: Vec<_> = answers.iter().filter(|(s, _)| s.is_success()).collect();
    assert_eq!(served.len(), 1, "{answers:?}");
    assert_eq!(served[0].1, size);
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::FORBIDDEN)
    );

    // Sixty resumes at once after it cannot assemble a second copy either.
    let from = |n: u64| vec![("range", format!("bytes={}-", 1 + n % 7))];
    let answers = join_all((0..60).map(|n| {
        let headers = from(n);
        let app = &app;
        let url = stem_url.clone();
        async move { fetch(app, &url, &headers).await }
    }))
    .await;
    let extra: u64 = answers.iter().map(|(_, b)| b).sum();
    assert!(
        size + extra <= byte_budget(size, 1) && extra < size,
        "{extra} more bytes of a {size}-byte stem"
    );
}

#[tokio::test]
async fn a_resume_continues_a_download_and_a_304_costs_nothing() {
    let Shared {
        app,
        stem_url,
        size,
    } = share_with_limit(2).await;
    let received = interrupted_download(&app, &stem_url).await;
    let (status, rest) = fetch(&app, &stem_url, &[("range", format!("bytes={received}-"))]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(received + rest, size, "the resume delivered the rest");

    let response = app.client.get(app.url(&stem_url)).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(response.bytes().await.unwrap().len() as u64, size);
    for _ in 0..5 {
        let (status, _) = fetch(&app, &stem_url, &[("if-none-match", etag.clone())]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }
    let (status, _) = fetch(&app, &stem_url, &[]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "two downloads were counted, no more"
    );
}
