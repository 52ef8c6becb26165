//! Bulk deals and coupons: priced on the server, shown line by line before payment, charged,
//! licensed and shared to the cent; a coupon's uses counted once per paid order.

use entity::{coupon, purchase};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};
use uuid::Uuid;

use super::ledger::{jobs_settle, ledger, webhook};
use crate::commerce::{
    Stripe, catalog_beat, decoded, licensed, link, pay_dev, session_charging, started,
};

async fn put_deals(app: &TestApp, producer: &Account, deals: Value) -> reqwest::Response {
    app.send_json(
        reqwest::Method::PUT,
        "/api/v1/deals",
        Some(&producer.token),
        &deals,
    )
    .await
}

async fn make_coupon(app: &TestApp, producer: &Account, body: Value) -> Value {
    let response = app
        .post("/api/v1/coupons", Some(&producer.token), &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

async fn quote(app: &TestApp, buyer: &Account, body: Value) -> Value {
    let response = app
        .post("/api/v1/checkout/quote", Some(&buyer.token), &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

async fn checkout(app: &TestApp, buyer: &Account, body: &Value) -> reqwest::Response {
    app.post("/api/v1/checkout", Some(&buyer.token), body).await
}

async fn ids_of(response: reqwest::Response) -> (Vec<Uuid>, Value) {
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let body: Value = response.json().await.unwrap();
    let ids = body["purchase_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    (ids, body)
}

async fn row(app: &TestApp, id: Uuid) -> purchase::Model {
    purchase::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn uses(app: &TestApp, code: &str) -> i32 {
    coupon::Entity::find()
        .filter(coupon::Column::Code.eq(code))
        .filter(coupon::Column::RetiredAt.is_null())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .uses
}

async fn retire(app: &TestApp, producer: &Account, code: &str) -> StatusCode {
    app.send_json(
        reqwest::Method::DELETE,
        &format!("/api/v1/coupons/{code}"),
        Some(&producer.token),
        &json!({}),
    )
    .await
    .status()
}

async fn purchases_of(app: &TestApp, buyer: &Account) -> u64 {
    purchase::Entity::find()
        .filter(purchase::Column::BuyerId.eq(buyer.id))
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn license_text(app: &TestApp, buyer: &Account, id: Uuid) -> String {
    let p = licensed(app, buyer, id).await;
    app.get(link(&p, "license.txt"), None)
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cart_with_a_deal_and_a_coupon_is_quoted_charged_licensed_and_shared_to_the_cent() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder()
        .config(stripe.configure())
        .config(super::marketplace("10", 30))
        .spawn()
        .await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let artist = app.register("artist").await;
    let (a, b, c) = (
        catalog_beat(&app, &metro).await,
        catalog_beat(&app, &metro).await,
        catalog_beat(&app, &metro).await,
    );
    let d = catalog_beat(&app, &wheezy).await;
    let deals = json!([{"buy": 2, "free": 1, "tiers": ["mp3_lease", "wav_lease"]}]);
    assert_eq!(
        put_deals(&app, &metro, deals.clone()).await.status(),
        StatusCode::OK
    );
    let listed: Value = app
        .get("/api/v1/deals", Some(&metro.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, deals);
    make_coupon(&app, &metro, json!({"code": "Metro15", "percent_off": 15})).await;

    let body = json!({"items": [
        {"beat_id": a, "tier": "wav_lease"}, {"beat_id": b, "tier": "mp3_lease"},
        {"beat_id": c, "tier": "mp3_lease"}, {"beat_id": d, "tier": "wav_lease"},
    ], "coupon": "metro15"});
    // Metro's three items form one group: the cheapest (the later 29.99) is free. The coupon
    // takes 15% of metro's 79.98 still paid, 11.997 rounded once to 12.00, shared 7.50 : 4.50
    // by largest remainder; wheezy's item is not the coupon's.
    let q = quote(&app, &artist, body.clone()).await;
    let parts: Vec<(i64, i64, i64, i64)> = q["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["list_price_cents"].as_i64().unwrap(),
                l["deal_cents"].as_i64().unwrap(),
                l["coupon_cents"].as_i64().unwrap(),
                l["price_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (4999, 0, 750, 4249),
            (2999, 0, 450, 2549),
            (2999, 2999, 0, 0),
            (4999, 0, 0, 4999)
        ]
    );
    assert_eq!(
        (
            &q["list_total_cents"],
            &q["deal_cents"],
            &q["coupon_cents"],
            &q["total_cents"]
        ),
        (&json!(15996), &json!(2999), &json!(1200), &json!(11797))
    );
    assert_eq!(
        q["coupon"],
        json!({"code": "METRO15", "applied": true, "reason": null, "message": null})
    );
    assert_eq!(uses(&app, "METRO15").await, 0, "a quote takes no use");

    let (ids, started) = ids_of(checkout(&app, &artist, &body).await).await;
    assert_eq!(started["paid"], false);
    let order = ids[0];
    assert_eq!(uses(&app, "METRO15").await, 1, "the checkout holds a use");
    let sessions = stripe.sessions().await;
    assert_eq!(sessions.len(), 1);
    let form = &sessions[0].0;
    for (i, amount) in ["4249", "2549", "0", "4999"].iter().enumerate() {
        assert_eq!(
            decoded(form, &format!("line_items[{i}][price_data][unit_amount]")).as_deref(),
            Some(*amount),
            "{form}"
        );
    }
    for (id, (deal, coupon, price)) in
        ids.iter()
            .zip([(0, 750, 4249), (0, 450, 2549), (2999, 0, 0), (0, 0, 4999)])
    {
        let r = row(&app, *id).await;
        assert_eq!(
            (r.deal_cents, r.coupon_cents, r.price_cents),
            (deal, coupon, price)
        );
    }

    webhook(
        &app,
        "evt_deal_paid",
        "checkout.session.completed",
        session_charging(order, "paid", "pi_deal", 11_797, "usd"),
    )
    .await;
    for (id, printed) in ids.iter().zip(["42.49", "25.49", "0.00", "49.99"]) {
        let r = row(&app, *id).await;
        assert_eq!(r.status, "paid", "a free item is its own paid purchase");
        assert_eq!(r.amount_paid_cents, Some(r.price_cents));
        let text = license_text(&app, &artist, *id).await;
        assert!(
            text.contains(&format!("Fee paid: {printed} USD")),
            "{printed}: {text}"
        );
    }
    jobs_settle(&app).await;
    assert_eq!(
        uses(&app, "METRO15").await,
        1,
        "one use for the order, not per line"
    );

    // 10 % + 30 cents of each item paid: 4249 → 455, 2549 → 285, 0 → 0; 4999 → 530.
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let of = |payee: Uuid| {
        rows.iter()
            .find(|r| r.payee_id == payee)
            .map(|r| (r.amount_cents, r.fee_cents))
            .unwrap()
    };
    assert_eq!(of(metro.id), (6_798 - 740, 740));
    assert_eq!(of(wheezy.id), (4_469, 530));
    assert_eq!(
        rows.iter()
            .map(|r| r.amount_cents + r.fee_cents)
            .sum::<i64>(),
        11_797,
        "every cent paid is someone's, and no cent of the discount is"
    );
}

#[tokio::test]
async fn refused_coupons_say_why_in_the_quote_and_stop_the_checkout() {
    let app = TestApp::spawn().await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let artist = app.register("artist").await;
    let other = app.register("artist").await;
    let a = catalog_beat(&app, &metro).await;
    let w = catalog_beat(&app, &wheezy).await;
    make_coupon(
        &app,
        &metro,
        json!({"code": "LATE", "percent_off": 50, "expires_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    coupon::Entity::update_many()
        .col_expr(
            coupon::Column::ExpiresAt,
            Expr::value(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
        )
        .filter(coupon::Column::Code.eq("LATE"))
        .exec(&app.state.db)
        .await
        .unwrap();
    make_coupon(
        &app,
        &metro,
        json!({"code": "ONCE", "amount_off_cents": 500, "max_uses": 1}),
    )
    .await;
    make_coupon(&app, &wheezy, json!({"code": "WHEEZY", "percent_off": 20})).await;
    make_coupon(&app, &metro, json!({"code": "GONE", "percent_off": 20})).await;
    make_coupon(
        &app,
        &metro,
        json!({"code": "WAVONLY", "percent_off": 20, "tiers": ["wav_lease"]}),
    )
    .await;
    assert_eq!(retire(&app, &metro, "gone").await, StatusCode::NO_CONTENT);
    // Someone else's order takes the only use of ONCE.
    let once = json!({"items": [{"beat_id": a, "tier": "mp3_lease"}], "coupon": "once"});
    let (_, first) = ids_of(checkout(&app, &other, &once).await).await;
    pay_dev(&app, first["checkout_url"].as_str().unwrap()).await;
    assert_eq!(uses(&app, "ONCE").await, 1);

    for (code, reason) in [
        ("LATE", "expired"),
        ("ONCE", "used_up"),
        ("WHEEZY", "not_applicable"),
        ("WAVONLY", "not_applicable"),
        ("GONE", "retired"),
        ("NOPE", "unknown"),
    ] {
        let body = json!({"items": [{"beat_id": a, "tier": "mp3_lease"}], "coupon": code});
        let q = quote(&app, &artist, body.clone()).await;
        assert_eq!(q["coupon"]["applied"], false, "{code}");
        assert_eq!(q["coupon"]["reason"], reason, "{code}");
        assert_eq!(q["total_cents"], 2999, "{code}: the quote is at full price");
        let response = checkout(&app, &artist, &body).await;
        if reason == "unknown" {
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        } else {
            assert_eq!(response.status(), StatusCode::CONFLICT, "{code}");
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "coupon_refused");
            assert_eq!(problem["reason"], reason, "{code}");
        }
    }
    assert_eq!(purchases_of(&app, &artist).await, 0, "no checkout started");
    // A guest sees the same quote without a session.
    let guest = app
        .post(
            "/api/v1/checkout/quote",
            None,
            &json!({"items": [{"beat_id": a, "tier": "mp3_lease"}], "coupon": "wheezy"}),
        )
        .await;
    assert_eq!(guest.status(), StatusCode::OK);
    let guest: Value = guest.json().await.unwrap();
    assert_eq!(guest["coupon"]["reason"], "not_applicable");
    // Wheezy's code on a cart holding a beat of wheezy's applies to that beat only.
    let q = quote(
        &app,
        &artist,
        json!({"items": [{"beat_id": a, "tier": "mp3_lease"}, {"beat_id": w, "tier": "mp3_lease"}], "coupon": "wheezy"}),
    )
    .await;
    assert_eq!(q["coupon"]["applied"], true);
    assert_eq!(q["lines"][0]["coupon_cents"], 0);
    assert_eq!(q["lines"][1]["coupon_cents"], 600);
}

#[tokio::test]
async fn two_orders_racing_for_the_last_use_one_gets_it_and_an_expired_checkout_gives_it_back() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder().config(stripe.configure()).spawn().await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    make_coupon(
        &app,
        &producer,
        json!({"code": "LAST", "percent_off": 50, "max_uses": 1}),
    )
    .await;
    let body = json!({"items": [{"beat_id": beat, "tier": "wav_lease"}], "coupon": "LAST"});
    for round in 0..3 {
        let buyers = [app.register("artist").await, app.register("artist").await];
        let answers =
            futures_util::future::join_all(buyers.iter().map(|b| checkout(&app, b, &body))).await;
        let mut won = Vec::new();
        for (buyer, response) in buyers.iter().zip(answers) {
            match response.status() {
                StatusCode::OK => won.push((buyer, response.json::<Value>().await.unwrap())),
                StatusCode::CONFLICT => {
                    let problem: Value = response.json().await.unwrap();
                    assert_eq!(problem["reason"], "used_up");
                    assert_eq!(
                        purchases_of(&app, buyer).await,
                        0,
                        "the loser has nothing half made"
                    );
                }
                other => panic!("{other}"),
            }
        }
        assert_eq!(
            won.len(),
            1,
            "round {round}: exactly one order gets the last use"
        );
        assert_eq!(uses(&app, "LAST").await, 1);
        // The winner's session expires unpaid: the use goes back, once, however often told.
        let order: Uuid = won[0].1["purchase_id"].as_str().unwrap().parse().unwrap();
        for _ in 0..2 {
            webhook(
                &app,
                &format!("evt_expired_{round}"),
                "checkout.session.expired",
                session_charging(order, "unpaid", "", 0, "usd"),
            )
            .await;
        }
        assert_eq!(row(&app, order).await.status, "cancelled");
        assert_eq!(uses(&app, "LAST").await, 0);
    }
    // A payment arriving for the expired checkout after all is refunded, as any payment for a
    // closed checkout is: its use stays given back.
    let buyer = app.register("artist").await;
    let (ids, _) = ids_of(checkout(&app, &buyer, &body).await).await;
    webhook(
        &app,
        "evt_late_expiry",
        "checkout.session.expired",
        session_charging(ids[0], "unpaid", "", 0, "usd"),
    )
    .await;
    assert_eq!(uses(&app, "LAST").await, 0);
    webhook(
        &app,
        "evt_late_paid",
        "checkout.session.completed",
        session_charging(ids[0], "paid", "pi_late", 2_499, "usd"),
    )
    .await;
    assert_eq!(row(&app, ids[0]).await.status, "refunded");
    assert_eq!(uses(&app, "LAST").await, 0);
}

#[tokio::test]
async fn an_order_that_costs_nothing_is_paid_without_the_payment_provider() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder()
        .config(stripe.configure())
        .config(super::marketplace("10", 30))
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let (a, b) = (
        catalog_beat(&app, &producer).await,
        catalog_beat(&app, &producer).await,
    );
    put_deals(
        &app,
        &producer,
        json!([{"buy": 1, "free": 1, "tiers": ["mp3_lease"]}]),
    )
    .await;
    make_coupon(&app, &producer, json!({"code": "ONUS", "percent_off": 100})).await;
    let (ids, started) = ids_of(
        checkout(
            &app,
            &artist,
            &json!({"items": [{"beat_id": a, "tier": "mp3_lease"}, {"beat_id": b, "tier": "mp3_lease"}], "coupon": "onus"}),
        )
        .await,
    )
    .await;
    assert_eq!(started["paid"], true);
    assert!(
        started["checkout_url"]
            .as_str()
            .unwrap()
            .contains("/library?checkout=success"),
        "{started}"
    );
    assert!(
        stripe.sessions().await.is_empty(),
        "Stripe is not asked to charge 0"
    );
    for id in &ids {
        let r = row(&app, *id).await;
        assert_eq!(
            (r.status.as_str(), r.price_cents, r.amount_paid_cents),
            ("paid", 0, Some(0))
        );
        assert!(
            license_text(&app, &artist, *id)
                .await
                .contains("Fee paid: 0.00 USD")
        );
    }
    assert_eq!(
        (
            row(&app, ids[0]).await.coupon_cents,
            row(&app, ids[1]).await.deal_cents
        ),
        (2999, 2999)
    );
    jobs_settle(&app).await;
    assert_eq!(uses(&app, "ONUS").await, 1);
    assert!(
        ledger(&app)
            .await
            .iter()
            .all(|r| r.amount_cents == 0 && r.fee_cents == 0)
    );
    assert!(
        stripe.requests_to("/v1/transfers").await.is_empty(),
        "no transfer of 0"
    );
}

#[tokio::test]
async fn the_development_page_charges_the_discounted_total() {
    let app = super::marketplace_app("0", 0).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    make_coupon(
        &app,
        &producer,
        json!({"code": "TENOFF", "amount_off_cents": 1000}),
    )
    .await;
    let (ids, started) = ids_of(
        checkout(
            &app,
            &artist,
            &json!({"items": [{"beat_id": beat, "tier": "wav_lease"}], "coupon": "tenoff"}),
        )
        .await,
    )
    .await;
    let url = started["checkout_url"].as_str().unwrap();
    let page = app
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("39.99 USD"), "{page}");
    pay_dev(&app, url).await;
    assert!(
        license_text(&app, &artist, ids[0])
            .await
            .contains("Fee paid: 39.99 USD")
    );
    jobs_settle(&app).await;
    let rows = ledger(&app).await;
    assert_eq!((rows.len(), rows[0].amount_cents), (1, 3_999));
}

#[tokio::test]
async fn a_single_item_checkout_is_unchanged_by_deals_that_do_not_apply() {
    let stripe = Stripe::start().await;
    let app = TestApp::builder().config(stripe.configure()).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    put_deals(
        &app,
        &producer,
        json!([{"buy": 1, "free": 1, "tiers": ["wav_lease"]}]),
    )
    .await;
    let (id, _) = started(&app, &artist, beat, "wav_lease").await;
    let form = &stripe.sessions().await[0].0;
    assert_eq!(
        decoded(form, "line_items[0][price_data][unit_amount]").as_deref(),
        Some("4999")
    );
    assert!(decoded(form, "line_items[1][quantity]").is_none());
    let r = row(&app, id).await;
    assert_eq!((r.price_cents, r.deal_cents, r.coupon_cents), (4999, 0, 0));
}

#[tokio::test]
async fn deals_and_coupons_are_the_producers_own_and_bounded() {
    let app = TestApp::spawn().await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let artist = app.register("artist").await;
    let theirs = catalog_beat(&app, &wheezy).await;
    for deals in [
        json!([{"buy": 0, "free": 1, "tiers": ["mp3_lease"]}]),
        json!([{"buy": 1, "free": 0, "tiers": ["mp3_lease"]}]),
        json!([{"buy": 4_000_000_000u32, "free": 1_000_000_000u32, "tiers": ["mp3_lease"]}]),
        json!([{"buy": 20, "free": 1, "tiers": ["mp3_lease"]}]),
        json!([{"buy": 1, "free": 1, "tiers": []}]),
        json!([{"buy": 1, "free": 1, "tiers": ["mp3_lease", "mp3_lease"]}]),
        json!([{"buy": 1, "free": 1, "tiers": ["vinyl"]}]),
        json!(
            (0..11)
                .map(|_| json!({"buy": 1, "free": 1, "tiers": ["mp3_lease"]}))
                .collect::<Vec<_>>()
        ),
    ] {
        assert_eq!(
            put_deals(&app, &metro, deals.clone()).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{deals}"
        );
    }
    assert_eq!(
        put_deals(&app, &artist, json!([])).await.status(),
        StatusCode::FORBIDDEN
    );
    for body in [
        json!({"code": "X", "percent_off": 10}),
        json!({"code": "SPACE BAR", "percent_off": 10}),
        json!({"code": "ZERO", "percent_off": 0}),
        json!({"code": "MORE", "percent_off": 101}),
        json!({"code": "BOTH", "percent_off": 10, "amount_off_cents": 100}),
        json!({"code": "NONE"}),
        json!({"code": "NEG", "amount_off_cents": -5}),
        json!({"code": "HUGE", "amount_off_cents": i64::MAX}),
        json!({"code": "PAST", "percent_off": 10, "expires_at": "2001-01-01T00:00:00Z"}),
        json!({"code": "USES", "percent_off": 10, "max_uses": 0}),
        json!({"code": "FOREIGN", "percent_off": 10, "beat_ids": [theirs]}),
        json!({"code": "NOBEAT", "percent_off": 10, "beat_ids": [Uuid::new_v4()]}),
        json!({"code": "NOTIER", "percent_off": 10, "tiers": []}),
    ] {
        let response = app.post("/api/v1/coupons", Some(&metro.token), &body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    make_coupon(&app, &metro, json!({"code": "Summer", "percent_off": 10})).await;
    // Codes are store-wide and ignore case: wheezy cannot take "summer" while it is live.
    assert_problem(
        app.post(
            "/api/v1/coupons",
            Some(&wheezy.token),
            &json!({"code": "SUMMER", "percent_off": 5}),
        )
        .await,
        StatusCode::CONFLICT,
        "coupon_code_taken",
    )
    .await;
    // Nobody retires another producer's code; once metro retires it, the code is free again.
    assert_eq!(retire(&app, &wheezy, "summer").await, StatusCode::NOT_FOUND);
    assert_eq!(retire(&app, &metro, "summer").await, StatusCode::NO_CONTENT);
    assert_eq!(retire(&app, &metro, "summer").await, StatusCode::NOT_FOUND);
    make_coupon(&app, &wheezy, json!({"code": "summer", "percent_off": 5})).await;
    let listed: Value = app
        .get("/api/v1/coupons", Some(&metro.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["code"], "SUMMER");
    assert!(listed[0]["retired_at"].is_string());
    assert_eq!(
        app.get("/api/v1/coupons", Some(&artist.token))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_checkout_the_buyer_cancels_gives_its_coupon_use_back() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let (first, second) = (app.register("artist").await, app.register("artist").await);
    let beat = catalog_beat(&app, &producer).await;
    make_coupon(
        &app,
        &producer,
        json!({"code": "SOLO", "percent_off": 10, "max_uses": 1}),
    )
    .await;
    let body = json!({"items": [{"beat_id": beat, "tier": "mp3_lease"}], "coupon": "solo"});
    let (ids, _) = ids_of(checkout(&app, &first, &body).await).await;
    let refused = checkout(&app, &second, &body).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    for _ in 0..2 {
        app.post(
            &format!("/api/v1/purchases/{}/cancel", ids[0]),
            Some(&first.token),
            &json!({}),
        )
        .await;
    }
    assert_eq!(row(&app, ids[0]).await.status, "cancelled");
    assert_eq!(uses(&app, "SOLO").await, 0, "given back once");
    let (_, started) = ids_of(checkout(&app, &second, &body).await).await;
    pay_dev(&app, started["checkout_url"].as_str().unwrap()).await;
    assert_eq!(uses(&app, "SOLO").await, 1);
}

#[tokio::test]
async fn a_guests_order_that_costs_nothing_is_licensed_to_the_guest_and_claimable() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    make_coupon(&app, &producer, json!({"code": "GIFT", "percent_off": 100})).await;
    let email = format!("guest-{}@example.com", Uuid::new_v4().simple());
    let (ids, started) = ids_of(
        app.post(
            "/api/v1/checkout",
            None,
            &json!({"items": [{"beat_id": beat, "tier": "mp3_lease"}], "coupon": "gift",
                    "email": email, "name": "Luna Ray"}),
        )
        .await,
    )
    .await;
    assert_eq!(started["paid"], true);
    assert_eq!(row(&app, ids[0]).await.status, "paid");
    assert!(
        entity::guest_checkout::Entity::find_by_id(ids[0])
            .one(&app.state.db)
            .await
            .unwrap()
            .is_some(),
        "claimable"
    );
    jobs_settle(&app).await;
    // The receipt, sent by the fulfilment, carries the claim link: the guest's rows were
    // written before the free order was completed.
    let receipts: Vec<Value> = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Recipient.eq(email.as_str()))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.payload)
        .collect();
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert!(
        receipts[0].to_string().contains("claim_token_id\":\""),
        "{receipts:?}"
    );
    assert_eq!(row(&app, ids[0]).await.buyer_name, "Luna Ray");
}
