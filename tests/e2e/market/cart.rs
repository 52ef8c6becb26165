//! Carts: several beats, from several producers, in one checkout: one session with a line per
//! beat priced on the server, each item its own purchase and license, every exclusive held,
//! money split per producer to the cent.

use entity::purchase;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};
use uuid::Uuid;

use super::ledger::{jobs_settle, ledger, refunded, sales, webhook};
use super::purchases_of;
use crate::commerce::{
    Stripe, catalog_beat, checkout, decoded, licensed, link, now, pay_dev, post_webhook,
    session_charging, started, status_of, stripe_event,
};

async fn cart(app: &TestApp, buyer: &Account, items: Value) -> reqwest::Response {
    app.post(
        "/api/v1/checkout",
        Some(&buyer.token),
        &json!({ "items": items }),
    )
    .await
}

async fn cart_started(app: &TestApp, buyer: &Account, items: Value) -> (Vec<Uuid>, String) {
    let response = cart(app, buyer, items).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let body: Value = response.json().await.unwrap();
    let ids: Vec<Uuid> = body["purchase_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        body["purchase_id"],
        ids[0].to_string(),
        "the order is its first item"
    );
    (ids, body["checkout_url"].as_str().unwrap().to_owned())
}

async fn row(app: &TestApp, id: Uuid) -> purchase::Model {
    purchase::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_cart_across_producers_is_one_session_paid_once_and_split_per_producer() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder()
        .config(stripe.configure())
        .config(super::marketplace("10", 30))
        .spawn()
        .await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let artist = app.register("artist").await;
    let a = catalog_beat(&app, &metro).await;
    let b = catalog_beat(&app, &wheezy).await;
    let (ids, url) = cart_started(
        &app,
        &artist,
        json!([{"beat_id": a, "tier": "wav_lease"}, {"beat_id": b, "tier": "mp3_lease"}]),
    )
    .await;
    assert!(url.starts_with("https://checkout.stripe.test/"), "{url}");
    let order = ids[0];

    let sessions = stripe.sessions().await;
    assert_eq!(sessions.len(), 1, "one session for the cart");
    let (form, key) = &sessions[0];
    let field = |k: &str| decoded(form, k).unwrap_or_else(|| panic!("{k} missing from {form}"));
    assert_eq!(field("client_reference_id"), order.to_string());
    assert_eq!(field("line_items[0][price_data][unit_amount]"), "4999");
    assert_eq!(
        field("line_items[0][price_data][product_data][name]"),
        "Midnight Run — WAV Lease"
    );
    assert_eq!(field("line_items[1][price_data][unit_amount]"), "2999");
    assert_eq!(
        field("line_items[1][price_data][product_data][name]"),
        "Midnight Run — MP3 Lease"
    );
    assert_eq!(field("line_items[1][quantity]"), "1");
    assert!(decoded(form, "line_items[2][quantity]").is_none());
    assert_eq!(
        key.as_deref(),
        Some(format!("trackout-checkout-{order}").as_str())
    );
    for id in &ids {
        let r = row(&app, *id).await;
        assert_eq!(r.order_id, Some(order));
        assert_eq!(r.status, "pending");
        assert_eq!(
            r.checkout_session_id.as_deref(),
            Some(format!("cs_test_{}", order.simple()).as_str())
        );
    }

    // Paid: the event three times in a row and three times at once.
    let (body, header) = stripe_event(
        "evt_cart_paid",
        "checkout.session.completed",
        session_charging(order, "paid", "pi_cart", 7_998, "usd"),
        now(),
    );
    for _ in 0..3 {
        assert_eq!(
            post_webhook(&app, &body, Some(&header)).await.status(),
            StatusCode::OK
        );
    }
    let sends = (0..3).map(|_| post_webhook(&app, &body, Some(&header)));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let mut licenses = Vec::new();
    for (id, price) in ids.iter().zip(["49.99", "29.99"]) {
        let p = licensed(&app, &artist, *id).await;
        assert_eq!(p["status"], "paid");
        licenses.push(p["license_id"].as_str().unwrap().to_owned());
        let text = app
            .get(link(&p, "license.txt"), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(text.contains(price), "{text}");
    }
    assert_ne!(licenses[0], licenses[1], "each item its own license");
    jobs_settle(&app).await;

    // 10 % + 30 cents of each item: 4999 → 530, 2999 → 330.
    let mut rows = ledger(&app).await;
    rows.sort_by_key(|r| -r.amount_cents);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!(
        (rows[0].payee_id, rows[0].amount_cents, rows[0].fee_cents),
        (metro.id, 4_469, 530)
    );
    assert_eq!(
        (rows[1].payee_id, rows[1].amount_cents, rows[1].fee_cents),
        (wheezy.id, 2_669, 330)
    );
    assert_eq!(
        rows.iter()
            .map(|r| r.amount_cents + r.fee_cents)
            .sum::<i64>(),
        7_998,
        "every cent of the payment is someone's"
    );
    for r in &rows {
        assert_eq!(r.order_id, order);
        assert_eq!(
            r.idempotency_key,
            format!("trackout-pay-{order}-{}", r.payee_id)
        );
    }
    assert_eq!(sales(&app, &metro).await["earnings"]["owed_cents"], 4469);
    assert_eq!(sales(&app, &wheezy).await["earnings"]["owed_cents"], 2669);

    // Refunded in full: both licenses end and both producers give their share back.
    webhook(
        &app,
        "evt_cart_refund",
        "charge.refunded",
        refunded("pi_cart", 7_998),
    )
    .await;
    for id in &ids {
        assert_eq!(status_of(&app, *id).await, "revoked");
    }
    assert_eq!(row(&app, ids[0]).await.amount_refunded_cents, 4_999);
    assert_eq!(row(&app, ids[1]).await.amount_refunded_cents, 2_999);
    for producer in [&metro, &wheezy] {
        assert_eq!(sales(&app, producer).await["earnings"]["net_cents"], 0);
    }
    assert_eq!(ledger(&app).await.len(), 4);
}

#[tokio::test]
async fn a_cart_charged_another_amount_is_held_with_the_charge_shared_to_the_cent() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder().config(stripe.configure()).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let a = catalog_beat(&app, &producer).await;
    let b = catalog_beat(&app, &producer).await;
    let (ids, _) = cart_started(
        &app,
        &artist,
        json!([{"beat_id": a, "tier": "wav_lease"}, {"beat_id": b, "tier": "mp3_lease"}]),
    )
    .await;
    webhook(
        &app,
        "evt_cart_short",
        "checkout.session.completed",
        session_charging(ids[0], "paid", "pi_short", 5_000, "usd"),
    )
    .await;
    // 5000 over 4999 : 2999 is 3125.16 and 1874.84; the spare cent goes to the larger remainder.
    let (first, second) = (row(&app, ids[0]).await, row(&app, ids[1]).await);
    assert_eq!(
        (first.status.as_str(), second.status.as_str()),
        ("held", "held")
    );
    assert_eq!(
        (first.amount_paid_cents, second.amount_paid_cents),
        (Some(3_125), Some(1_875))
    );
    assert!(first.hold_reason.unwrap().contains("priced 7998 USD"));
}

#[tokio::test]
async fn the_development_page_takes_a_cart_for_its_total_and_records_each_producers_earnings() {
    let app = super::marketplace_app("0", 0).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let artist = app.register("artist").await;
    let a = catalog_beat(&app, &metro).await;
    let b = catalog_beat(&app, &wheezy).await;
    let (ids, url) = cart_started(
        &app,
        &artist,
        json!([{"beat_id": a, "tier": "mp3_lease"}, {"beat_id": b, "tier": "wav_lease"}]),
    )
    .await;
    let page = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("79.98 USD"), "the total: {page}");
    pay_dev(&app, &url).await;
    for id in &ids {
        licensed(&app, &artist, *id).await;
    }
    jobs_settle(&app).await;
    let earned = |s: Value| s["earnings"]["paid_cents"].as_i64().unwrap();
    assert_eq!(earned(sales(&app, &metro).await), 2_999);
    assert_eq!(earned(sales(&app, &wheezy).await), 4_999);
    assert!(
        ledger(&app)
            .await
            .iter()
            .all(|r| r.simulated && r.kind == "transfer")
    );
}

#[tokio::test]
async fn every_exclusive_in_a_cart_takes_its_hold_or_the_cart_takes_none() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let first = app.register("artist").await;
    let second = app.register("artist").await;
    let x = catalog_beat(&app, &producer).await;
    let y = catalog_beat(&app, &producer).await;
    let z = catalog_beat(&app, &producer).await;
    cart_started(
        &app,
        &first,
        json!([{"beat_id": x, "tier": "exclusive"}, {"beat_id": y, "tier": "exclusive"}]),
    )
    .await;
    for beat in [x, y] {
        assert_problem(
            checkout(&app, &second, beat, "exclusive").await,
            StatusCode::CONFLICT,
            "exclusive_on_hold",
        )
        .await;
    }
    // z is free, y is not: the cart fails whole, and z is not left held.
    assert_problem(
        cart(
            &app,
            &second,
            json!([{"beat_id": z, "tier": "exclusive"}, {"beat_id": y, "tier": "exclusive"}]),
        )
        .await,
        StatusCode::CONFLICT,
        "exclusive_on_hold",
    )
    .await;
    assert_eq!(purchases_of(&app, &second).await, 0, "nothing half made");
    started(&app, &second, z, "exclusive").await;

    // A cart cannot take a catalog off sale: at most three exclusives at once.
    let mut many = Vec::new();
    for _ in 0..4 {
        many.push(json!({"beat_id": catalog_beat(&app, &producer).await, "tier": "exclusive"}));
    }
    let third = app.register("artist").await;
    assert_problem(
        cart(&app, &third, json!(many)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    )
    .await;
    assert_eq!(purchases_of(&app, &third).await, 0);
}

#[tokio::test]
async fn a_cart_refuses_what_the_buyer_owns_and_anything_malformed() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let a = catalog_beat(&app, &producer).await;
    let b = catalog_beat(&app, &producer).await;
    let (_, url) = started(&app, &artist, a, "mp3_lease").await;
    pay_dev(&app, &url).await;
    let before = purchases_of(&app, &artist).await;

    assert_problem(
        cart(
            &app,
            &artist,
            json!([{"beat_id": b, "tier": "wav_lease"}, {"beat_id": a, "tier": "mp3_lease"}]),
        )
        .await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;
    for body in [
        json!({"items": [{"beat_id": b, "tier": "wav_lease"}, {"beat_id": b, "tier": "mp3_lease"}]}),
        json!({"items": []}),
        json!({"beat_id": a, "tier": "wav_lease", "items": [{"beat_id": b, "tier": "wav_lease"}]}),
        json!({"items": [{"beat_id": b, "tier": "wav_lease"}], "coupon": "FREE100"}),
        json!({"items": (0..21).map(|_| json!({"beat_id": Uuid::new_v4(), "tier": "mp3_lease"})).collect::<Vec<_>>()}),
    ] {
        let response = app
            .post("/api/v1/checkout", Some(&artist.token), &body)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    assert_eq!(
        purchases_of(&app, &artist).await,
        before,
        "nothing was started"
    );
    // Buying the other tier of an owned beat is still a sale.
    cart_started(&app, &artist, json!([{"beat_id": a, "tier": "wav_lease"}])).await;
}

#[tokio::test]
async fn a_guest_buys_a_cart_with_an_email_and_every_item_is_theirs() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let a = catalog_beat(&app, &producer).await;
    let b = catalog_beat(&app, &producer).await;
    let email = format!("guest-{}@example.com", Uuid::new_v4().simple());
    let response = app
        .post(
            "/api/v1/checkout",
            None,
            &json!({"items": [{"beat_id": a, "tier": "mp3_lease"}, {"beat_id": b, "tier": "wav_lease"}],
                    "email": email, "name": "Luna Ray"}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let body: Value = response.json().await.unwrap();
    let ids: Vec<Uuid> = body["purchase_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    pay_dev(&app, body["checkout_url"].as_str().unwrap()).await;
    let guest = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email.as_str()))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the guest's account");
    for id in ids {
        let r = row(&app, id).await;
        assert_eq!(r.buyer_id, guest.id);
        assert_eq!(r.buyer_name, "Luna Ray", "each license names the guest");
        assert_eq!(r.status, "paid");
        assert!(
            entity::guest_checkout::Entity::find_by_id(id)
                .one(&app.state.db)
                .await
                .unwrap()
                .is_some(),
            "each item can be claimed"
        );
    }
}
