//! The ledger: each paid order pays each payee once, less the platform fee; a refund in full
//! or a lost dispute takes it back in the step that revokes the license; the producer's sales
//! read it. On a single-seller store nothing changes.

use std::sync::Arc;
use std::time::Duration;

use entity::{job, ledger_entry};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use trackout_tests::TestApp;
use trackout_tests::app::Account;
use trackout_worker::{JobContext, Registry, Worker};

use crate::commerce::{
    Stripe, catalog_beat, now, pay_dev, post_webhook, session_of, started, status_of, stripe_event,
};

pub(super) async fn sales(app: &TestApp, producer: &Account) -> Value {
    let response = app.get("/api/v1/sales", Some(&producer.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub(super) async fn ledger(app: &TestApp) -> Vec<ledger_entry::Model> {
    ledger_entry::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

/// Waits until no job is waiting or running.
pub(super) async fn jobs_settle(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
        if jobs.iter().all(|j| j.state == "done" || j.state == "dead") {
            assert!(
                jobs.iter().all(|j| j.state == "done"),
                "a job died: {jobs:#?}"
            );
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{jobs:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub(super) async fn webhook(app: &TestApp, id: &str, kind: &str, object: Value) {
    let (body, header) = stripe_event(id, kind, object, now());
    assert_eq!(
        post_webhook(app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
}

pub(super) fn refunded(pi: &str, amount: i64) -> Value {
    json!({"object": "charge", "payment_intent": pi, "amount": amount,
           "amount_refunded": amount, "refunded": true})
}

fn stripe_marketplace(stripe: &Stripe, worker: bool) -> trackout_tests::app::TestAppBuilder {
    let builder = TestApp::builder()
        .config(stripe.configure())
        .config(super::marketplace("10", 30));
    if worker {
        builder
    } else {
        builder.without_worker()
    }
}

#[tokio::test]
async fn the_embedded_store_records_a_simulated_transfer_less_the_fee() {
    // 10 % and 30 cents of a 49.99 WAV lease: 499.9 rounds to 500, plus 30.
    let app = super::marketplace_app("10", 30).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, url) = started(&app, &artist, beat, "wav_lease").await;
    pay_dev(&app, &url).await;
    jobs_settle(&app).await;

    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    assert_eq!(row.kind, "transfer");
    assert_eq!(row.payee_id, producer.id);
    assert_eq!(row.order_id, purchase);
    assert_eq!((row.amount_cents, row.fee_cents), (4_469, 530));
    assert_eq!(row.amount_cents + row.fee_cents, 4_999, "to the cent");
    assert!(row.simulated);
    assert!(row.transfer_id.as_deref().unwrap().starts_with("tr_dev_"));
    assert_eq!(
        row.idempotency_key,
        format!("trackout-pay-{purchase}-{}", producer.id)
    );

    let sales = sales(&app, &producer).await;
    assert_eq!(sales["selling"], "marketplace");
    assert_eq!(
        sales["earnings"],
        json!({"paid_cents": 4469, "owed_cents": 0, "reversed_cents": 0, "fees_cents": 530, "net_cents": 4469})
    );
    let sale = &sales["sales"][0];
    assert_eq!(sale["purchase_id"], purchase.to_string());
    assert_eq!(sale["payout"]["kind"], "transfer");
    assert_eq!(sale["payout"]["amount_cents"], 4469);
    assert_eq!(sale["payout"]["fee_cents"], 530);
    assert_eq!(sale["payout"]["simulated"], true);
    // The buyer's price is untouched by the store's cut.
    assert_eq!(sales["revenue_cents"], 4999);

    // Another producer's sales show none of it.
    let other = app.register("producer").await;
    let theirs = self::sales(&app, &other).await;
    assert_eq!(theirs["earnings"]["net_cents"], 0);
}

#[tokio::test]
async fn a_completion_replayed_and_concurrent_pays_once_and_a_refund_takes_it_all_back() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe, true).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event(
        "evt_ledger_paid",
        "checkout.session.completed",
        session_of(&app, purchase, "paid", "pi_ledger").await,
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
    jobs_settle(&app).await;
    // The same payment told again under another event id is not paid again either.
    webhook(
        &app,
        "evt_ledger_paid_again",
        "checkout.session.completed",
        session_of(&app, purchase, "paid", "pi_ledger").await,
    )
    .await;
    jobs_settle(&app).await;

    // 10 % of 29.99 is 2.999, which rounds to 3.00; plus 30 cents.
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].kind, "accrual", "no connected account: owed");
    assert_eq!((rows[0].amount_cents, rows[0].fee_cents), (2_669, 330));
    assert!(!rows[0].simulated);
    let before = sales(&app, &producer).await;
    assert_eq!(before["earnings"]["owed_cents"], 2669);

    // A refund in full, told twice: revoked, and one reversal of all of it.
    for id in ["evt_ledger_refund", "evt_ledger_refund_2"] {
        webhook(&app, id, "charge.refunded", refunded("pi_ledger", 2_999)).await;
    }
    assert_eq!(status_of(&app, purchase).await, "revoked");
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let reversal = rows.iter().find(|r| r.kind == "reversal").unwrap();
    assert_eq!((reversal.amount_cents, reversal.fee_cents), (-2_669, -330));
    assert_eq!(
        reversal.idempotency_key,
        format!("trackout-reversal-{purchase}-{}", producer.id)
    );
    let after = sales(&app, &producer).await;
    assert_eq!(
        after["earnings"],
        json!({"paid_cents": 0, "owed_cents": 2669, "reversed_cents": -2669, "fees_cents": 0, "net_cents": 0})
    );
    assert_eq!(after["sales"][0]["payout"]["reversed_cents"], -2669);
}

fn start_worker(app: &TestApp, stop: &CancellationToken) -> tokio::task::JoinHandle<()> {
    let ctx = Arc::new(JobContext::new(
        app.state.db.clone(),
        app.state.storage.clone(),
        app.state.config.clone(),
        app.state.payments.clone(),
    ));
    tokio::spawn(Worker::new(ctx, Registry::store_jobs()).run(stop.clone()))
}

#[tokio::test]
async fn a_refund_before_the_payees_are_paid_pays_nobody() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe, false).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;

    // Paid, then refunded before any worker ran the payout.
    let (paid_first, _) = started(&app, &artist, beat, "mp3_lease").await;
    webhook(
        &app,
        "evt_early_paid",
        "checkout.session.completed",
        session_of(&app, paid_first, "paid", "pi_early").await,
    )
    .await;
    webhook(
        &app,
        "evt_early_refund",
        "charge.refunded",
        refunded("pi_early", 2_999),
    )
    .await;
    // The refund overtakes the completion altogether.
    let (refunded_first, _) = started(&app, &artist, beat, "wav_lease").await;
    webhook(
        &app,
        "evt_over_refund",
        "charge.refunded",
        refunded("pi_over", 4_999),
    )
    .await;
    webhook(
        &app,
        "evt_over_paid",
        "checkout.session.completed",
        session_of(&app, refunded_first, "paid", "pi_over").await,
    )
    .await;

    let stop = CancellationToken::new();
    let worker = start_worker(&app, &stop);
    jobs_settle(&app).await;
    stop.cancel();
    let _ = worker.await;
    for p in [paid_first, refunded_first] {
        assert_eq!(status_of(&app, p).await, "revoked");
    }
    assert!(ledger(&app).await.is_empty(), "{:#?}", ledger(&app).await);
    let sales = sales(&app, &producer).await;
    assert_eq!(sales["earnings"]["net_cents"], 0);
}

#[tokio::test]
async fn payouts_racing_a_refund_never_leave_money_out() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe, false).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase, _) = started(&app, &artist, beat, "mp3_lease").await;
    webhook(
        &app,
        "evt_race_paid",
        "checkout.session.completed",
        session_of(&app, purchase, "paid", "pi_race").await,
    )
    .await;
    // Four payouts of the order at once with the refund: whoever wins, the sum is zero.
    let commerce = app.state.config.commerce.clone();
    let settle =
        || trackout_core::services::commerce::ledger::settle(&app.state.db, &commerce, purchase);
    let (a, b, (), c, d) = tokio::join!(
        settle(),
        settle(),
        webhook(
            &app,
            "evt_race_refund",
            "charge.refunded",
            refunded("pi_race", 2_999)
        ),
        settle(),
        settle(),
    );
    let written: usize = [a, b, c, d].into_iter().map(|r| r.unwrap()).sum();
    assert!(written <= 1, "paid {written} times");
    let rows = ledger(&app).await;
    let total: i64 = rows.iter().map(|r| r.amount_cents).sum();
    assert_eq!(total, 0, "{rows:#?}");
    assert_eq!(status_of(&app, purchase).await, "revoked");
}

#[tokio::test]
async fn a_lost_dispute_reverses_and_a_won_one_pays_once() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe, true).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let mut orders = Vec::new();
    for (n, outcome, tier) in [(1, "won", "mp3_lease"), (2, "lost", "wav_lease")] {
        let (bought, _) = started(&app, &artist, beat, tier).await;
        let pi = format!("pi_ledger_dispute_{n}");
        webhook(
            &app,
            &format!("evt_ld_pay_{n}"),
            "checkout.session.completed",
            session_of(&app, bought, "paid", &pi).await,
        )
        .await;
        jobs_settle(&app).await;
        webhook(
            &app,
            &format!("evt_ld_open_{n}"),
            "charge.dispute.created",
            json!({"object": "dispute", "payment_intent": pi, "status": "needs_response"}),
        )
        .await;
        // Open, the dispute only suspends: nothing is reversed yet.
        assert!(ledger(&app).await.iter().all(|r| r.kind != "reversal"));
        webhook(
            &app,
            &format!("evt_ld_close_{n}"),
            "charge.dispute.closed",
            json!({"object": "dispute", "payment_intent": pi, "status": outcome}),
        )
        .await;
        jobs_settle(&app).await;
        orders.push((bought, outcome));
    }
    let rows = ledger(&app).await;
    for (order, outcome) in orders {
        let of: Vec<_> = rows.iter().filter(|r| r.order_id == order).collect();
        let kinds: Vec<&str> = of.iter().map(|r| r.kind.as_str()).collect();
        match outcome {
            "won" => assert_eq!(kinds, ["accrual"], "paid once"),
            _ => {
                assert_eq!(of.len(), 2, "{of:#?}");
                assert_eq!(of.iter().map(|r| r.amount_cents).sum::<i64>(), 0);
            }
        }
    }
}

#[tokio::test]
async fn a_dispute_opened_before_the_payout_and_won_pays_the_producer_then() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe, false).spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (bought, _) = started(&app, &artist, beat, "mp3_lease").await;
    webhook(
        &app,
        "evt_lw_pay",
        "checkout.session.completed",
        session_of(&app, bought, "paid", "pi_lw").await,
    )
    .await;
    webhook(
        &app,
        "evt_lw_open",
        "charge.dispute.created",
        json!({"object": "dispute", "payment_intent": "pi_lw", "status": "needs_response"}),
    )
    .await;
    let stop = CancellationToken::new();
    let worker = start_worker(&app, &stop);
    jobs_settle(&app).await;
    assert!(ledger(&app).await.is_empty(), "suspended: not paid");
    webhook(
        &app,
        "evt_lw_close",
        "charge.dispute.closed",
        json!({"object": "dispute", "payment_intent": "pi_lw", "status": "won"}),
    )
    .await;
    jobs_settle(&app).await;
    stop.cancel();
    let _ = worker.await;
    assert_eq!(status_of(&app, bought).await, "paid");
    let rows = ledger(&app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].payee_id, producer.id);
    assert_eq!(rows[0].amount_cents + rows[0].fee_cents, 2_999);
}

#[tokio::test]
async fn a_single_seller_store_sells_as_before_and_keeps_no_ledger() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (_, url) = started(&app, &artist, beat, "wav_lease").await;
    pay_dev(&app, &url).await;
    jobs_settle(&app).await;
    assert!(ledger(&app).await.is_empty());
    let sales = sales(&app, &producer).await;
    assert_eq!(sales["selling"], "single_seller");
    assert_eq!(sales["earnings"], Value::Null);
    assert_eq!(sales["revenue_cents"], 4999);
    assert_eq!(sales["sales"][0]["payout"], Value::Null);
}
