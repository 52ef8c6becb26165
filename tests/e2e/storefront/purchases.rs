use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::assert_problem;
use uuid::Uuid;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::commerce::{Stripe, catalog_beat, checkout, pay_dev, started, status_of, stripe_app};

#[tokio::test]
async fn a_license_already_owned_is_not_sold_again() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (_, url) = started(&app, &buyer, beat, "mp3_lease").await;
    // An unpaid checkout does not own anything: a second one may start.
    let (_, url2) = started(&app, &buyer, beat, "mp3_lease").await;
    pay_dev(&app, &url).await;
    let again = checkout(&app, &buyer, beat, "mp3_lease").await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "already_owned").await;
    assert!(problem["detail"].as_str().unwrap().contains("library"));
    // Another tier is another license.
    started(&app, &buyer, beat, "wav_lease").await;
    // Another buyer is not refused.
    let other = app.register("artist").await;
    started(&app, &other, beat, "mp3_lease").await;
    drop(url2);
}

#[tokio::test]
async fn a_buyer_cancels_their_abandoned_checkout_and_the_exclusive_is_free_again() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, url) = started(&app, &buyer, beat, "exclusive").await;
    let rival = app.register("artist").await;
    assert_problem(
        checkout(&app, &rival, beat, "exclusive").await,
        StatusCode::CONFLICT,
        "exclusive_on_hold",
    )
    .await;

    // Someone else's purchase: not found.
    let path = format!("/api/v1/purchases/{purchase}/cancel");
    assert_problem(
        app.post(&path, Some(&rival.token), &json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let cancelled = app.post(&path, Some(&buyer.token), &json!({})).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    // Gone from the library list, the hold released, the test checkout no longer payable.
    let library: Value = app
        .get("/api/v1/purchases", Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(library.as_array().unwrap().is_empty(), "{library:#}");
    started(&app, &rival, beat, "exclusive").await;
    let page = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("id=\"pay\""), "{page}");
    app.client.post(&url).send().await.unwrap();
    assert_eq!(
        status_of(&app, purchase).await,
        "cancelled",
        "Pay after Cancel changes nothing"
    );
    // Twice: refused, saying why.
    let again = app.post(&path, Some(&buyer.token), &json!({})).await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "not_pending").await;
    assert!(problem["detail"].as_str().unwrap().contains("cancelled"));
    assert_problem(
        app.post(
            &format!("/api/v1/purchases/{}/cancel", Uuid::new_v4()),
            Some(&buyer.token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_paid_purchase_cannot_be_cancelled() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, url) = started(&app, &buyer, beat, "mp3_lease").await;
    pay_dev(&app, &url).await;
    let response = app
        .post(
            &format!("/api/v1/purchases/{purchase}/cancel"),
            Some(&buyer.token),
            &json!({}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "not_pending").await;
    assert!(problem["detail"].as_str().unwrap().contains("paid"));
    assert_eq!(status_of(&app, purchase).await, "paid");
}

#[tokio::test]
async fn cancelling_a_stripe_checkout_expires_its_session_first() {
    let stripe = Stripe::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/v1/checkout/sessions/cs_test_[0-9a-f]+/expire$"))
        .respond_with(|req: &wiremock::Request| {
            let id = req.url.path().split('/').nth(4).unwrap_or_default().to_owned();
            ResponseTemplate::new(200).set_body_json(json!({
                "id": id, "object": "checkout.session", "automatic_tax": {"enabled": false},
                "created": 1_795_000_000, "custom_fields": [], "custom_text": {}, "expires_at": 1_795_086_400,
                "livemode": false, "mode": "payment", "payment_method_types": ["card"],
                "payment_status": "unpaid", "shipping_options": [], "status": "expired",
            }))
        })
        .mount(&stripe.server)
        .await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, _) = started(&app, &buyer, beat, "wav_lease").await;
    let response = app
        .post(
            &format!("/api/v1/purchases/{purchase}/cancel"),
            Some(&buyer.token),
            &json!({}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let expired: Vec<_> = stripe
        .server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path().ends_with("/expire"))
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(
        expired[0].url.path(),
        format!("/v1/checkout/sessions/cs_test_{}/expire", purchase.simple())
    );
    assert_eq!(status_of(&app, purchase).await, "cancelled");
}

#[tokio::test]
async fn when_stripe_cannot_expire_the_session_nothing_changes() {
    let stripe = Stripe::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"/expire$"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"type": "api_error", "message": "down"}})),
        )
        // Before the stand-in's own answer, which expires sessions.
        .with_priority(1)
        .mount(&stripe.server)
        .await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, _) = started(&app, &buyer, beat, "mp3_lease").await;
    let response = app
        .post(
            &format!("/api/v1/purchases/{purchase}/cancel"),
            Some(&buyer.token),
            &json!({}),
        )
        .await;
    assert_problem(response, StatusCode::BAD_GATEWAY, "unavailable").await;
    assert_eq!(status_of(&app, purchase).await, "pending");
}
