//! `GET /metrics`: every route has its series, the queue is read from the store's own
//! database, and only the operator may read any of it.

use reqwest::StatusCode;
use serde_json::Value;
use trackout_tests::{TestApp, fixtures};

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn every_route_in_the_document_has_its_own_series_by_pattern() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            // Any value fills a parameter: a 401, 404 or 422 is still an answer of that route.
            let concrete = path
                .replace("{kind}", "master")
                .replace("{handle}", "nobody")
                .replace("{file}", "cover.webp")
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        "00000000-0000-0000-0000-000000000000"
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let status = client
                .request(method.clone(), app.url(&concrete))
                .send()
                .await
                .unwrap()
                .status();
            assert!(!status.is_server_error(), "{method} {concrete}: {status}");
            routes.push((method, path.clone()));
        }
    }
    assert!(routes.len() > 40, "{routes:?}");

    let text = scrape(&app).await;
    for (method, path) in &routes {
        let series = format!("route=\"{path}\"");
        assert!(
            text.lines()
                .any(|l| l.starts_with("trackout_http_requests_total")
                    && l.contains(&series)
                    && l.contains(&format!("method=\"{method}\""))),
            "no requests series for {method} {path}"
        );
        assert!(
            text.lines().any(
                |l| l.starts_with("trackout_http_request_duration_seconds_bucket")
                    && l.contains(&series)
            ),
            "no latency histogram for {path}"
        );
    }
    // Raw paths never become series: a token or an id would make one each.
    assert!(!text.contains("00000000-0000-0000-0000-000000000000"));
}

#[tokio::test]
async fn the_queue_figures_are_this_stores_jobs() {
    let app = TestApp::builder().without_worker().spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let response = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            fixtures::good_trackout(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    let text = scrape(&app).await;
    assert!(
        text.lines()
            .any(|l| l == "trackout_jobs{kind=\"check_trackout\",state=\"queued\"} 1"),
        "{text}"
    );
    let depth = text
        .lines()
        .find_map(|l| l.strip_prefix("trackout_queue_depth "))
        .unwrap();
    // The upload's check, and whatever sign-up queued (its verification mail).
    assert!(depth.parse::<i64>().unwrap() >= 1, "{depth}");
    assert!(text.contains("# TYPE trackout_queue_oldest_wait_seconds gauge"));
}

#[tokio::test]
async fn only_the_operator_reads_the_metrics() {
    // Without a token: loopback clients that came through no proxy.
    let open = TestApp::spawn().await;
    scrape(&open).await;
    let proxied = reqwest::Client::new()
        .get(open.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), StatusCode::NOT_FOUND);

    // With a token: that bearer token, and nothing else.
    let app = TestApp::builder()
        .config(|c| c.metrics.token = Some("a scraper's long token".to_owned().into()))
        .spawn()
        .await;
    assert_eq!(
        app.get("/metrics", None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/metrics", Some("a scraper's long tokeN"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let ok = app.get("/metrics", Some("a scraper's long token")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.text().await.unwrap().contains("trackout_queue_depth"));
}
