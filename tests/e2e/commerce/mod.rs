//! Selling: checkout, Stripe webhooks signed as Stripe signs them, the development provider,
//! fulfillment, downloads, shares and exclusive sales.

mod downloads;
mod exact_money;
mod exclusive;
mod share_limits;
mod shares;
pub mod stand_in_connect;
mod webhooks;

use std::time::Duration;

use entity::{beat, job};
use reqwest::{Response, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use secrecy::SecretString;
use serde_json::{Value, json};
use trackout_core::config::Config;
use trackout_core::payments::signature;
use trackout_tests::app::Account;
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const WEBHOOK_SECRET: &str = "whsec_trackout_test_secret";
pub const CONNECT_WEBHOOK_SECRET: &str = "whsec_trackout_connect_test_secret";

/// A local server standing in for Stripe's API: it answers Checkout Session creation the way
/// Stripe does (the fields async-stripe requires), Connect's accounts, links, transfers and
/// reversals (`stand_in_connect`), and keeps every request for inspection.
pub struct Stripe {
    pub server: MockServer,
    pub connect: stand_in_connect::Shared,
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = percent_encoding::percent_decode_str(k).decode_utf8().ok()?;
        (k == key).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

impl Stripe {
    pub async fn start() -> Stripe {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .respond_with(|req: &Request| {
                let body = String::from_utf8_lossy(&req.body).into_owned();
                let purchase = form_value(&body, "client_reference_id").unwrap_or_default();
                let id = format!("cs_test_{}", purchase.replace('-', ""));
                ResponseTemplate::new(200).set_body_json(json!({
                    "id": id, "object": "checkout.session", "automatic_tax": {"enabled": false},
                    "created": 1_795_000_000, "custom_fields": [], "custom_text": {}, "expires_at": 1_795_086_400,
                    "livemode": false, "mode": "payment", "payment_method_types": ["card"],
                    "payment_status": "unpaid", "shipping_options": [], "status": "open",
                    "client_reference_id": purchase,
                    "url": format!("https://checkout.stripe.test/c/pay/{id}"),
                }))
            })
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(wiremock::matchers::path_regex(r"^/v1/checkout/sessions/[^/]+/expire$"))
            .respond_with(|req: &Request| {
                let id = req.url.path().split('/').nth(4).unwrap_or_default().to_owned();
                ResponseTemplate::new(200).set_body_json(json!({
                    "id": id, "object": "checkout.session", "automatic_tax": {"enabled": false},
                    "created": 1_795_000_000, "custom_fields": [], "custom_text": {}, "expires_at": 1_795_086_400,
                    "livemode": false, "mode": "payment", "payment_method_types": ["card"],
                    "payment_status": "unpaid", "shipping_options": [], "status": "expired",
                }))
            })
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/refunds"))
            .respond_with(|req: &Request| {
                let body = String::from_utf8_lossy(&req.body).into_owned();
                let pi = form_value(&body, "payment_intent").unwrap_or_default();
                ResponseTemplate::new(200).set_body_json(json!({
                    "id": format!("re_{pi}"), "object": "refund", "amount": 0, "created": 1_795_000_000,
                    "currency": "usd", "payment_intent": pi, "status": "succeeded",
                }))
            })
            .mount(&server)
            .await;
        let connect = stand_in_connect::Shared::default();
        stand_in_connect::mount(&server, connect.clone()).await;
        Stripe { server, connect }
    }

    /// Every request to `path` so far: its form body and idempotency key.
    pub async fn requests_to(&self, wanted: &str) -> Vec<(String, Option<String>)> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == wanted)
            .map(|r| {
                let key = r
                    .headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                (String::from_utf8_lossy(&r.body).into_owned(), key)
            })
            .collect()
    }

    pub fn configure(&self) -> impl FnOnce(&mut Config) + Send + 'static {
        let base = self.server.uri();
        move |c: &mut Config| {
            c.commerce.stripe_secret_key = Some(SecretString::from("sk_test_trackout"));
            c.commerce.stripe_webhook_secrets = vec![SecretString::from(WEBHOOK_SECRET)];
            c.commerce.stripe_connect_webhook_secrets =
                vec![SecretString::from(CONNECT_WEBHOOK_SECRET)];
            c.commerce.stripe_api_base = Some(base);
        }
    }

    /// The form bodies of every Checkout Session created so far.
    pub async fn sessions(&self) -> Vec<(String, Option<String>)> {
        self.requests_to("/v1/checkout/sessions").await
    }
}

pub fn decoded(body: &str, key: &str) -> Option<String> {
    form_value(body, key)
}

/// An event as Stripe sends it, and its `Stripe-Signature` header at `timestamp`.
pub fn stripe_event(id: &str, kind: &str, object: Value, timestamp: i64) -> (String, String) {
    let body = json!({"id": id, "object": "event", "type": kind, "api_version": "2025-10-29", "data": {"object": object}}).to_string();
    let header = signature::sign(body.as_bytes(), WEBHOOK_SECRET, timestamp);
    (body, header)
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub async fn post_webhook(app: &TestApp, body: &str, header: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(header) = header {
        request = request.header("stripe-signature", header);
    }
    request.send().await.unwrap()
}

/// The checkout session object of `purchase`, as the webhook carries it, charging `amount`
/// in `currency`.
pub fn session_charging(
    purchase: Uuid,
    payment_status: &str,
    payment_intent: &str,
    amount: i64,
    currency: &str,
) -> Value {
    json!({
        "id": format!("cs_test_{}", purchase.simple()), "object": "checkout.session",
        "client_reference_id": purchase.to_string(), "metadata": {"purchase_id": purchase.to_string()},
        "payment_status": payment_status, "payment_intent": payment_intent,
        "amount_total": amount, "currency": currency,
    })
}

/// The checkout session of `purchase`, charging exactly its price.
pub async fn session_of(
    app: &TestApp,
    purchase: Uuid,
    payment_status: &str,
    payment_intent: &str,
) -> Value {
    let row = entity::purchase::Entity::find_by_id(purchase)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the purchase");
    session_charging(
        purchase,
        payment_status,
        payment_intent,
        row.price_cents,
        &row.currency,
    )
}

/// A beat in the catalog without rendering anything: enough for purchases whose files are
/// not the point of the test.
pub async fn catalog_beat(app: &TestApp, producer: &Account) -> Uuid {
    let id = app.new_beat(producer).await;
    let row = beat::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: beat::ActiveModel = row.into();
    row.status = Set("published".into());
    row.published_at = Set(Some(chrono::Utc::now()));
    row.update(&app.state.db).await.unwrap();
    id
}

/// A beat taken all the way: uploads, check, renders, publish.
pub async fn published_beat(app: &TestApp, producer: &Account) -> Uuid {
    let beat = processed_beat(app, producer).await;
    let published = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    beat
}

/// A beat ready to publish: uploaded, checked and rendered.
pub async fn processed_beat(app: &TestApp, producer: &Account) -> Uuid {
    let beat = app.new_beat(producer).await;
    for (what, content_type, body) in [
        ("master", "audio/wav", fixtures::master_of(2.0)),
        (
            "trackout",
            "application/zip",
            fixtures::good_trackout_of(2.0),
        ),
        ("voice-tag", "audio/wav", fixtures::voice_tag()),
    ] {
        assert_eq!(
            app.upload(producer, beat, what, content_type, body)
                .await
                .status(),
            StatusCode::ACCEPTED
        );
    }
    app.wait_for_processing(producer, beat, Duration::from_secs(60), |p| {
        p["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["state"] == "done")
            .count()
            == 5
    })
    .await;
    beat
}

pub async fn checkout(app: &TestApp, buyer: &Account, beat: Uuid, tier: &str) -> Response {
    app.post(
        "/api/v1/checkout",
        Some(&buyer.token),
        &json!({"beat_id": beat, "tier": tier}),
    )
    .await
}

pub async fn started(app: &TestApp, buyer: &Account, beat: Uuid, tier: &str) -> (Uuid, String) {
    let response = checkout(app, buyer, beat, tier).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let body: Value = response.json().await.unwrap();
    (
        body["purchase_id"].as_str().unwrap().parse().unwrap(),
        body["checkout_url"].as_str().unwrap().to_owned(),
    )
}

/// Pays through the development provider's page, as a browser would.
pub async fn pay_dev(app: &TestApp, checkout_url: &str) {
    let page = app.client.get(checkout_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("TEST PAYMENT"));
    let paid = app.client.post(checkout_url).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
}

pub async fn purchase(app: &TestApp, buyer: &Account, id: Uuid) -> Value {
    let response = app
        .get(&format!("/api/v1/purchases/{id}"), Some(&buyer.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Waits until the purchase's license is made (and, with `everything`, every other file
/// too), and returns the purchase.
pub async fn fulfilled(app: &TestApp, buyer: &Account, id: Uuid) -> Value {
    fulfilled_with(app, buyer, id, true).await
}

pub async fn licensed(app: &TestApp, buyer: &Account, id: Uuid) -> Value {
    fulfilled_with(app, buyer, id, false).await
}

async fn fulfilled_with(app: &TestApp, buyer: &Account, id: Uuid, everything: bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let p = purchase(app, buyer, id).await;
        let files = p["files"].as_array().unwrap();
        let ready = |f: &&Value| f["ready"] == true;
        let done = if everything {
            !files.is_empty() && files.iter().all(|f| ready(&f))
        } else {
            files
                .iter()
                .filter(|f| f["file"].as_str().unwrap().starts_with("license"))
                .filter(ready)
                .count()
                == 2
        };
        if done {
            return p;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not fulfilled: {p:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn link<'a>(purchase: &'a Value, file: &str) -> &'a str {
    purchase["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .and_then(|f| f["url"].as_str())
        .unwrap_or_else(|| panic!("no link to {file} in {purchase:#}"))
}

pub async fn jobs_of_kind(app: &TestApp, kind: &str) -> u64 {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .count(&app.state.db)
        .await
        .unwrap()
}

pub async fn status_of(app: &TestApp, purchase: Uuid) -> String {
    entity::purchase::Entity::find_by_id(purchase)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

pub async fn stripe_app(stripe: &Stripe) -> TestApp {
    TestApp::builder().config(stripe.configure()).spawn().await
}
