//! Stripe's minimum charge, caught before Stripe: a cart whose deal or coupon leaves a few
//! cents is refused by the quote and the checkout alike with a precise 422, and nothing is
//! held, taken or sent to Stripe. A total of zero still completes without a payment; and a
//! refused item of a cart is named, so the storefront can offer to take it out.

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};

use super::purchases_of;
use crate::commerce::{Stripe, catalog_beat};

async fn coupon(app: &TestApp, producer: &Account, code: &str, cents: i64) {
    let response = app
        .post(
            "/api/v1/coupons",
            Some(&producer.token),
            &json!({"code": code, "amount_off_cents": cents}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_total_under_the_minimum_charge_is_refused_before_stripe_and_zero_still_completes() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder().config(stripe.configure()).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    // The MP3 lease lists at 29.99.
    coupon(&app, &producer, "NEARLY", 2979).await;
    coupon(&app, &producer, "JUST", 2949).await;
    coupon(&app, &producer, "ALL", 2999).await;
    let body =
        |code: &str| json!({"items": [{"beat_id": beat, "tier": "mp3_lease"}], "coupon": code});

    let refused = assert_problem(
        app.post(
            "/api/v1/checkout/quote",
            Some(&artist.token),
            &body("nearly"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "below_minimum_charge",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("0.20 USD") && detail.contains("0.50 USD"),
        "the total and the minimum, in money: {detail}"
    );
    assert_problem(
        app.post("/api/v1/checkout", Some(&artist.token), &body("nearly"))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "below_minimum_charge",
    )
    .await;
    assert!(stripe.sessions().await.is_empty(), "Stripe is never asked");
    assert_eq!(purchases_of(&app, &artist).await, 0, "nothing was started");

    // Exactly the minimum is a payment Stripe takes.
    let at_minimum: Value = app
        .post("/api/v1/checkout/quote", Some(&artist.token), &body("just"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(at_minimum["total_cents"], 50, "{at_minimum}");
    let started = app
        .post("/api/v1/checkout", Some(&artist.token), &body("just"))
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    assert_eq!(stripe.sessions().await.len(), 1);

    // Nothing to pay is no payment at all, as before.
    let other = catalog_beat(&app, &producer).await;
    let free: Value = app
        .post(
            "/api/v1/checkout",
            Some(&artist.token),
            &json!({"items": [{"beat_id": other, "tier": "mp3_lease"}], "coupon": "all"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(free["paid"], true, "{free}");
    assert_eq!(stripe.sessions().await.len(), 1, "still the one session");
}

#[tokio::test]
async fn a_refused_item_of_a_cart_is_named_in_the_quote() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let theirs = catalog_beat(&app, &producer).await;
    let other = app.register("producer").await;
    let beat = catalog_beat(&app, &other).await;
    // The producer's own beat, in a cart with somebody else's.
    let refused = assert_problem(
        app.post(
            "/api/v1/checkout/quote",
            Some(&producer.token),
            &json!({"items": [
                {"beat_id": beat, "tier": "mp3_lease"},
                {"beat_id": theirs, "tier": "wav_lease"},
            ]}),
        )
        .await,
        StatusCode::CONFLICT,
        "own_beat",
    )
    .await;
    assert_eq!(refused["beat_id"], theirs.to_string(), "{refused}");
    assert_eq!(refused["tier"], "wav_lease");
}
