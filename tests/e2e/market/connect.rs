//! Stripe Connect: a producer connects an Express account (made once), the Connect webhook
//! keeps its flags, nobody sells before they can be paid, and each paid order moves money
//! once: one transfer per payee from the order's charge, each refund reversing all of them,
//! accrued shares paid once a payee onboards.

use entity::{ledger_entry, payout_account};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use trackout_core::auth::{now_seconds, totp};
use trackout_core::payments::signature;
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};
use uuid::Uuid;

use super::ledger::{jobs_settle, ledger, refunded, webhook};
use crate::commerce::{
    CONNECT_WEBHOOK_SECRET, Stripe, catalog_beat, decoded, now, post_webhook, processed_beat,
    session_charging, status_of, stripe_event,
};

pub(super) async fn stripe_marketplace(stripe: &Stripe) -> TestApp {
    TestApp::builder()
        .config(stripe.configure())
        .config(super::marketplace("10", 30))
        .spawn()
        .await
}

pub(super) async fn onboard(app: &TestApp, who: &Account) -> reqwest::Response {
    app.post("/api/v1/payouts/onboarding", Some(&who.token), &json!({}))
        .await
}

pub(super) async fn payouts(app: &TestApp, who: &Account) -> Value {
    let response = app.get("/api/v1/payouts", Some(&who.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A Connect event as Stripe sends it to the Connect endpoint, signed with `secret`.
pub(super) fn connect_event(
    id: &str,
    created: i64,
    account: &str,
    payouts: bool,
    secret: &str,
) -> (String, String) {
    let body = json!({
        "id": id, "object": "event", "type": "account.updated", "created": created,
        "account": account, "api_version": "2025-10-29",
        "data": {"object": {"id": account, "object": "account", "charges_enabled": payouts,
                            "payouts_enabled": payouts, "details_submitted": payouts}},
    })
    .to_string();
    let header = signature::sign(body.as_bytes(), secret, now());
    (body, header)
}

pub(super) async fn post_connect(app: &TestApp, body: &str, header: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/webhooks/stripe-connect"))
        .header("content-type", "application/json")
        .header("stripe-signature", header)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// Stripe says `account` can (or can no longer) be paid, as of `created`.
pub(super) async fn account_updated(
    app: &TestApp,
    id: &str,
    created: i64,
    account: &str,
    payouts: bool,
) {
    let (body, header) = connect_event(id, created, account, payouts, CONNECT_WEBHOOK_SECRET);
    assert_eq!(
        post_connect(app, &body, &header).await.status(),
        StatusCode::OK
    );
}

/// Onboards `who` and has Stripe enable their payouts; returns the account id.
pub(super) async fn connected(app: &TestApp, who: &Account) -> String {
    let response = onboard(app, who).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let account = body["account_id"].as_str().unwrap().to_owned();
    account_updated(
        app,
        &format!("evt_enable_{}", who.id.simple()),
        now(),
        &account,
        true,
    )
    .await;
    account
}

async fn enable_two_factor(app: &TestApp, who: &Account) {
    let started: Value = app
        .post("/api/v1/me/two-factor", Some(&who.token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let code = totp::code_at(started["secret"].as_str().unwrap(), now_seconds()).unwrap();
    let confirmed = app
        .post(
            "/api/v1/me/two-factor/confirm",
            Some(&who.token),
            &json!({"code": code}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
}

pub(super) async fn transfers(stripe: &Stripe) -> Vec<Value> {
    stripe.connect.lock().unwrap().transfers.clone()
}

pub(super) async fn reversals(stripe: &Stripe) -> Vec<Value> {
    stripe.connect.lock().unwrap().reversals.clone()
}

/// A paid cart: `metro`'s WAV lease (49.99) and `wheezy`'s MP3 lease (29.99), charged on
/// `pi`, the payment's events all handled. Returns the order.
pub(super) async fn paid_cart(app: &TestApp, metro: &Account, wheezy: &Account, pi: &str) -> Uuid {
    let order = open_cart(app, metro, wheezy).await;
    pay_cart(app, order, pi).await;
    jobs_settle(app).await;
    order
}

/// `metro`'s WAV lease and `wheezy`'s MP3 lease in one checkout, not paid yet.
pub(super) async fn open_cart(app: &TestApp, metro: &Account, wheezy: &Account) -> Uuid {
    let artist = app.register("artist").await;
    let a = catalog_beat(app, metro).await;
    let b = catalog_beat(app, wheezy).await;
    let response = app
        .post(
            "/api/v1/checkout",
            Some(&artist.token),
            &json!({"items": [{"beat_id": a, "tier": "wav_lease"}, {"beat_id": b, "tier": "mp3_lease"}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["purchase_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Stripe says the cart's 79.98 was paid on `pi`: three times in a row, then three at once.
pub(super) async fn pay_cart(app: &TestApp, order: Uuid, pi: &str) {
    let (body, header) = stripe_event(
        &format!("evt_paid_{pi}"),
        "checkout.session.completed",
        session_charging(order, "paid", pi, 7_998, "usd"),
        now(),
    );
    for _ in 0..3 {
        assert_eq!(
            post_webhook(app, &body, Some(&header)).await.status(),
            StatusCode::OK
        );
    }
    let sends = (0..3).map(|_| post_webhook(app, &body, Some(&header)));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn onboarding_makes_one_express_account_however_many_ask_at_once() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let producer = app.register("producer").await;
    let asks = (0..6).map(|_| onboard(&app, &producer));
    let mut accounts = Vec::new();
    for response in futures_util::future::join_all(asks).await {
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["simulated"], false);
        assert_eq!(body["payouts_enabled"], false);
        let account = body["account_id"].as_str().unwrap().to_owned();
        assert_eq!(
            body["url"],
            format!("https://connect.stripe.test/setup/e/{account}/onboard")
        );
        accounts.push(account);
    }
    accounts.dedup();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(stripe.connect.lock().unwrap().accounts.len(), 1);
    assert_eq!(
        payout_account::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
    for (form, key) in stripe.requests_to("/v1/accounts").await {
        assert_eq!(decoded(&form, "type").as_deref(), Some("express"));
        assert_eq!(
            decoded(&form, "email").as_deref(),
            Some(producer.email.as_str())
        );
        assert_eq!(
            decoded(&form, "capabilities[transfers][requested]").as_deref(),
            Some("true")
        );
        assert_eq!(key, Some(format!("trackout-account-{}", producer.id)));
    }
    let links = stripe.requests_to("/v1/account_links").await;
    assert_eq!(links.len(), 6, "a fresh link each time");
    let public = app.state.config.public_url();
    for (form, _) in links {
        assert_eq!(
            decoded(&form, "account").as_deref(),
            Some(accounts[0].as_str())
        );
        assert_eq!(
            decoded(&form, "type").as_deref(),
            Some("account_onboarding")
        );
        assert_eq!(
            decoded(&form, "return_url"),
            Some(format!("{public}/payouts?onboarding=done"))
        );
        assert_eq!(
            decoded(&form, "refresh_url"),
            Some(format!("{public}/payouts?onboarding=refresh"))
        );
    }
    let status = payouts(&app, &producer).await;
    assert_eq!(status["stripe_connect"], true);
    assert_eq!(status["account"]["account_id"], accounts[0]);
    assert_eq!(status["account"]["payouts_enabled"], false);
}

#[tokio::test]
async fn nobody_sells_before_payouts_are_enabled_and_two_factor_is_on() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let producer = app.register("producer").await;
    let beat = processed_beat(&app, &producer).await;
    let path = format!("/api/v1/beats/{beat}/publish");
    let nothing = json!({});
    let publish = || app.post(&path, Some(&producer.token), &nothing);

    let refused =
        assert_problem(publish().await, StatusCode::CONFLICT, "payouts_not_enabled").await;
    assert_eq!(refused["missing"], json!(["payouts", "two_factor"]));

    let started: Value = onboard(&app, &producer).await.json().await.unwrap();
    let account = started["account_id"].as_str().unwrap().to_owned();
    let t0 = now() - 100;

    // Signed with the platform's secret, or another: refused, and nothing changes.
    for secret in [crate::commerce::WEBHOOK_SECRET, "whsec_forged"] {
        let (body, header) = connect_event("evt_forged", t0, &account, true, secret);
        assert_problem(
            post_connect(&app, &body, &header).await,
            StatusCode::BAD_REQUEST,
            "bad_signature",
        )
        .await;
    }
    let (body, _) = connect_event("evt_unsigned", t0, &account, true, CONNECT_WEBHOOK_SECRET);
    let unsigned = app
        .client
        .post(app.url("/api/v1/webhooks/stripe-connect"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(unsigned, StatusCode::BAD_REQUEST, "bad_signature").await;
    assert_eq!(
        payouts(&app, &producer).await["account"]["payouts_enabled"],
        false
    );

    // Stripe enables payouts; the same event again, and an older one saying otherwise that
    // arrives late, change nothing. An account that is not ours is acknowledged.
    account_updated(&app, "evt_enabled", t0, &account, true).await;
    account_updated(&app, "evt_enabled", t0, &account, true).await;
    account_updated(&app, "evt_older", t0 - 10, &account, false).await;
    account_updated(&app, "evt_not_ours", t0 + 1, "acct_someone_else", false).await;
    let status = payouts(&app, &producer).await;
    assert_eq!(status["account"]["payouts_enabled"], true, "{status:#}");
    assert_eq!(status["account"]["charges_enabled"], true);

    let refused =
        assert_problem(publish().await, StatusCode::CONFLICT, "two_factor_required").await;
    assert_eq!(refused["missing"], json!(["two_factor"]));
    enable_two_factor(&app, &producer).await;
    let published = publish().await;
    assert_eq!(published.status(), StatusCode::OK);

    // A newer event can take payouts away again: the gate closes for what is not on sale yet.
    account_updated(&app, "evt_restricted", t0 + 5, &account, false).await;
    assert_eq!(
        payouts(&app, &producer).await["account"]["payouts_enabled"],
        false
    );
    let unpublished = app
        .post(
            &format!("/api/v1/beats/{beat}/unpublish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(unpublished.status(), StatusCode::OK);
    assert_problem(publish().await, StatusCode::CONFLICT, "payouts_not_enabled").await;
}

#[tokio::test]
async fn a_paid_order_makes_one_transfer_per_payee_and_a_refund_reverses_every_one() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let metro_account = connected(&app, &metro).await;
    let wheezy_account = connected(&app, &wheezy).await;
    let order = paid_cart(&app, &metro, &wheezy, "pi_connect").await;

    // The session grouped the charge with its transfers by the order.
    let sessions = stripe.sessions().await;
    assert_eq!(
        decoded(&sessions[0].0, "payment_intent_data[transfer_group]"),
        Some(order.to_string())
    );

    // 10 % + 30 cents of each item: 4999 → 530, 2999 → 330.
    let expected = [
        (&metro, &metro_account, 4_469),
        (&wheezy, &wheezy_account, 2_669),
    ];
    let sent = stripe.requests_to("/v1/transfers").await;
    assert_eq!(sent.len(), 2, "one request per payee: {sent:#?}");
    assert_eq!(transfers(&stripe).await.len(), 2);
    for (payee, account, amount) in expected {
        let (form, key) = sent
            .iter()
            .find(|(f, _)| decoded(f, "destination").as_deref() == Some(account.as_str()))
            .unwrap_or_else(|| panic!("no transfer to {account}: {sent:#?}"));
        let field = |k: &str| decoded(form, k);
        assert_eq!(field("amount"), Some(amount.to_string()));
        assert_eq!(field("currency").as_deref(), Some("usd"));
        assert_eq!(
            field("source_transaction").as_deref(),
            Some("ch_pi_connect")
        );
        assert_eq!(field("transfer_group"), Some(order.to_string()));
        assert_eq!(
            key.clone(),
            Some(format!("trackout-pay-{order}-{}", payee.id))
        );
    }
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r.kind, "transfer");
        assert!(!r.simulated);
        assert!(
            r.transfer_id.as_deref().unwrap().starts_with("tr_test_"),
            "{r:#?}"
        );
    }
    let mine = payouts(&app, &metro).await;
    assert_eq!(
        (mine["paid_cents"].as_i64(), mine["owed_cents"].as_i64()),
        (Some(4_469), Some(0))
    );
    let line = &mine["sales"][0];
    assert_eq!(mine["sales"].as_array().unwrap().len(), 1, "{mine:#}");
    assert_eq!(line["order_id"], order.to_string());
    assert_eq!(line["tier"], "wav_lease");
    assert_eq!(line["beat_title"], "Midnight Run");
    assert_eq!(
        (
            line["amount_cents"].as_i64(),
            line["fee_cents"].as_i64(),
            line["net_cents"].as_i64()
        ),
        (Some(4_999), Some(530), Some(4_469))
    );
    assert_eq!(line["state"], "paid");
    assert_eq!(
        line["transfer_id"],
        rows.iter()
            .find(|r| r.payee_id == metro.id)
            .unwrap()
            .transfer_id
            .clone()
            .unwrap()
    );

    // Payouts enabled again later (a new event) pays nobody twice.
    account_updated(&app, "evt_again", now() + 1, &metro_account, true).await;
    jobs_settle(&app).await;
    assert_eq!(transfers(&stripe).await.len(), 2);

    // Refunded in full, the event twice: each transfer is taken back whole, once.
    webhook(
        &app,
        "evt_connect_refund",
        "charge.refunded",
        refunded("pi_connect", 7_998),
    )
    .await;
    webhook(
        &app,
        "evt_connect_refund",
        "charge.refunded",
        refunded("pi_connect", 7_998),
    )
    .await;
    jobs_settle(&app).await;
    let reversed = reversals(&stripe).await;
    assert_eq!(reversed.len(), 2, "{reversed:#?}");
    for (payee, _, amount) in expected {
        let transfer = rows
            .iter()
            .find(|r| r.payee_id == payee.id)
            .unwrap()
            .transfer_id
            .clone()
            .unwrap();
        let requests = stripe
            .requests_to(&format!("/v1/transfers/{transfer}/reversals"))
            .await;
        assert_eq!(requests.len(), 1, "{requests:#?}");
        let (form, key) = &requests[0];
        assert_eq!(decoded(form, "amount"), Some(amount.to_string()));
        assert_eq!(
            key.clone(),
            Some(format!("trackout-reversal-{order}-{}", payee.id))
        );
    }
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 4);
    for r in rows.iter().filter(|r| r.kind == "reversal") {
        assert!(
            r.reversal_id.as_deref().unwrap().starts_with("trr_test_"),
            "{r:#?}"
        );
    }
    let mine = payouts(&app, &metro).await;
    assert_eq!(mine["reversed_cents"], 4_469);
    assert_eq!(mine["sales"][0]["state"], "reversed");
}

#[tokio::test]
async fn a_refund_before_anything_was_sent_sends_nothing_and_reverses_nothing() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    connected(&app, &metro).await;
    // Wheezy has not connected: their share only accrues.
    let order = paid_cart(&app, &metro, &wheezy, "pi_early").await;
    assert_eq!(transfers(&stripe).await.len(), 1);
    assert_eq!(payouts(&app, &wheezy).await["owed_cents"], 2_669);

    webhook(
        &app,
        "evt_early_refund",
        "charge.refunded",
        refunded("pi_early", 7_998),
    )
    .await;
    jobs_settle(&app).await;
    // Metro's transfer comes back; Wheezy's accrual is cancelled, with nothing at Stripe.
    assert_eq!(reversals(&stripe).await.len(), 1);
    let theirs = payouts(&app, &wheezy).await;
    assert_eq!(theirs["owed_cents"], 0, "{theirs:#}");
    assert_eq!(theirs["sales"][0]["state"], "cancelled");
    // Onboarding afterwards pays nothing for the refunded order.
    connected(&app, &wheezy).await;
    jobs_settle(&app).await;
    assert_eq!(transfers(&stripe).await.len(), 1);
    assert_eq!(reversals(&stripe).await.len(), 1);

    // A refund that arrives before the payment completes: nothing is sent at all.
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &metro).await;
    let started: Value = app
        .post(
            "/api/v1/checkout",
            Some(&artist.token),
            &json!({"beat_id": beat, "tier": "mp3_lease"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let purchase: Uuid = started["purchase_id"].as_str().unwrap().parse().unwrap();
    webhook(
        &app,
        "evt_refund_first",
        "charge.refunded",
        refunded("pi_refund_first", 2_999),
    )
    .await;
    webhook(
        &app,
        "evt_paid_after",
        "checkout.session.completed",
        session_charging(purchase, "paid", "pi_refund_first", 2_999, "usd"),
    )
    .await;
    jobs_settle(&app).await;
    assert_eq!(status_of(&app, purchase).await, "revoked");
    assert_eq!(transfers(&stripe).await.len(), 1);
    assert_eq!(reversals(&stripe).await.len(), 1);
    assert!(ledger(&app).await.iter().all(|r| r.order_id != purchase));
    let _ = order;
}

#[tokio::test]
async fn a_payee_who_onboards_later_is_paid_what_accrued_once() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let order = paid_cart(&app, &metro, &wheezy, "pi_later").await;
    assert!(transfers(&stripe).await.is_empty());
    let owed = payouts(&app, &wheezy).await;
    assert_eq!(owed["owed_cents"], 2_669);
    assert_eq!(owed["sales"][0]["state"], "owed");

    let started: Value = onboard(&app, &wheezy).await.json().await.unwrap();
    let account = started["account_id"].as_str().unwrap().to_owned();
    // Not enabled yet: still owed.
    account_updated(&app, "evt_pending", now() - 5, &account, false).await;
    jobs_settle(&app).await;
    assert!(transfers(&stripe).await.is_empty());
    // Enabled, announced by three events at once: one transfer.
    let sends = (0..3).map(|i| {
        let (body, header) = connect_event(
            &format!("evt_on_{i}"),
            now(),
            &account,
            true,
            CONNECT_WEBHOOK_SECRET,
        );
        let app = &app;
        async move { post_connect(app, &body, &header).await }
    });
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    jobs_settle(&app).await;
    let made = transfers(&stripe).await;
    assert_eq!(made.len(), 1, "{made:#?}");
    assert_eq!(made[0]["destination"], account);
    assert_eq!(made[0]["amount"], 2_669);
    assert_eq!(made[0]["source_transaction"], "ch_pi_later");
    assert_eq!(made[0]["transfer_group"], order.to_string());
    let keys: Vec<_> = stripe
        .requests_to("/v1/transfers")
        .await
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    assert!(!keys.is_empty());
    assert!(
        keys.iter()
            .all(|k| k.clone() == Some(format!("trackout-pay-{order}-{}", wheezy.id))),
        "{keys:?}"
    );
    let paid = payouts(&app, &wheezy).await;
    assert_eq!(
        (paid["owed_cents"].as_i64(), paid["paid_cents"].as_i64()),
        (Some(0), Some(2_669))
    );
    assert_eq!(paid["sales"][0]["state"], "paid");
}

#[tokio::test]
async fn a_transfer_stripe_refuses_is_recorded_on_the_ledger_and_shown() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    let account = connected(&app, &wheezy).await;
    stripe
        .connect
        .lock()
        .unwrap()
        .refuse_destinations
        .insert(account.clone());
    paid_cart(&app, &metro, &wheezy, "pi_refused").await;
    let rows = ledger(&app).await;
    let theirs = rows.iter().find(|r| r.payee_id == wheezy.id).unwrap();
    assert_eq!(theirs.kind, "accrual");
    assert!(
        theirs
            .payout_error
            .as_deref()
            .unwrap()
            .contains("cannot receive transfers"),
        "{theirs:#?}"
    );
    let shown = payouts(&app, &wheezy).await;
    assert_eq!(shown["sales"][0]["state"], "failed");
    assert!(
        shown["sales"][0]["error"]
            .as_str()
            .unwrap()
            .contains("cannot receive transfers")
    );
    assert_eq!(shown["owed_cents"], 2_669);

    // Fixed at Stripe; the next account.updated pays it.
    stripe.connect.lock().unwrap().refuse_destinations.clear();
    account_updated(&app, "evt_fixed", now() + 1, &account, true).await;
    jobs_settle(&app).await;
    let row = ledger_entry::Entity::find_by_id(theirs.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.kind, "transfer");
    assert_eq!(row.payout_error, None);
}

#[tokio::test]
async fn the_embedded_store_simulates_onboarding_and_single_seller_pays_nobody_out() {
    // The development provider: onboarding is simulated and enabled at once, said so.
    let app = super::marketplace_app("0", 0).await;
    let producer = app.register("producer").await;
    let response = onboard(&app, &producer).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["simulated"], true);
    assert_eq!(body["payouts_enabled"], true);
    assert_eq!(
        body["url"],
        format!("{}/payouts?onboarding=done", app.state.config.public_url())
    );
    let status = payouts(&app, &producer).await;
    assert_eq!(status["stripe_connect"], false);
    assert_eq!(status["account"]["simulated"], true);
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/payouts", "get"),
        ("/api/v1/payouts/onboarding", "post"),
        ("/api/v1/webhooks/stripe-connect", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{path} {method} is not documented"
        );
    }
    assert!(doc["components"]["schemas"]["Payouts"].is_object());

    // Single seller with Stripe: sales are the operator's; nothing is transferred.
    let stripe = Stripe::start().await;
    let app = TestApp::builder().config(stripe.configure()).spawn().await;
    let producer = app.register("producer").await;
    assert_problem(
        onboard(&app, &producer).await,
        StatusCode::CONFLICT,
        "not_a_marketplace",
    )
    .await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let started: Value = app
        .post(
            "/api/v1/checkout",
            Some(&artist.token),
            &json!({"beat_id": beat, "tier": "mp3_lease"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let purchase: Uuid = started["purchase_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        decoded(
            &stripe.sessions().await[0].0,
            "payment_intent_data[transfer_group]"
        ),
        None
    );
    webhook(
        &app,
        "evt_single_paid",
        "checkout.session.completed",
        session_charging(purchase, "paid", "pi_single", 2_999, "usd"),
    )
    .await;
    jobs_settle(&app).await;
    assert_eq!(status_of(&app, purchase).await, "paid");
    assert!(ledger(&app).await.is_empty());
    assert!(stripe.requests_to("/v1/transfers").await.is_empty());
    assert!(
        stripe
            .requests_to("/v1/payment_intents/pi_single")
            .await
            .is_empty()
    );
}
