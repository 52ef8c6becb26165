//! Money means what Stripe means: an exclusive sells once, a payment that lands on something
//! no longer for sale goes back in full, a partial refund keeps the license, a won dispute
//! gives it back, a payment of another amount is held, and a storage fault never strands a
//! paying buyer.

use entity::{job, purchase_file};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_tests::app::assert_problem;
use trackout_tests::faults::failing_writes;

use super::*;

/// Pays `purchase` through a signed webhook charging exactly its price.
async fn paid_by_webhook(app: &TestApp, purchase: Uuid, event: &str, pi: &str) -> Response {
    let (body, header) = stripe_event(
        event,
        "checkout.session.completed",
        session_of(app, purchase, "paid", pi).await,
        now(),
    );
    post_webhook(app, &body, Some(&header)).await
}

async fn webhook(app: &TestApp, id: &str, kind: &str, object: Value) {
    let (body, header) = stripe_event(id, kind, object, now());
    assert_eq!(
        post_webhook(app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
}

/// Waits until every job of `kind` is done.
async fn jobs_done(app: &TestApp, kind: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let jobs = job::Entity::find()
            .filter(job::Column::Kind.eq(kind))
            .all(&app.state.db)
            .await
            .unwrap();
        if !jobs.is_empty() && jobs.iter().all(|j| j.state == "done") {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{kind} jobs never finished: {jobs:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn purchase_row(app: &TestApp, id: Uuid) -> entity::purchase::Model {
    entity::purchase::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn when_the_exclusive_sells_other_checkouts_close_and_a_late_payment_is_refunded() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    let lessee = app.register("artist").await;
    let (lease, _) = started(&app, &lessee, beat, "wav_lease").await;
    let buyer = app.register("artist").await;
    let (exclusive, _) = started(&app, &buyer, beat, "exclusive").await;

    // The exclusive's session expires with a margin above Stripe's 30 minutes.
    let sessions = stripe.sessions().await;
    let expires: i64 = decoded(&sessions[1].0, "expires_at")
        .unwrap()
        .parse()
        .unwrap();
    let minutes = (expires - now()) as f64 / 60.0;
    assert!(
        (31.0..=35.1).contains(&minutes),
        "the checkout expires in {minutes:.1} minutes"
    );

    assert_eq!(
        paid_by_webhook(&app, exclusive, "evt_excl", "pi_excl")
            .await
            .status(),
        StatusCode::OK
    );
    jobs_done(&app, "close_checkouts").await;
    assert_eq!(status_of(&app, lease).await, "cancelled");
    let expired = stripe
        .requests_to(&format!(
            "/v1/checkout/sessions/cs_test_{}/expire",
            lease.simple()
        ))
        .await;
    assert_eq!(
        expired.len(),
        1,
        "the open lease checkout was expired at Stripe"
    );

    // The lessee had already paid at Stripe: the late completion is refunded, not fulfilled.
    for _ in 0..3 {
        assert_eq!(
            paid_by_webhook(&app, lease, "evt_late", "pi_late")
                .await
                .status(),
            StatusCode::OK
        );
    }
    jobs_done(&app, "refund_payment").await;
    let row = purchase_row(&app, lease).await;
    assert_eq!(row.status, "refunded");
    assert!(
        row.revoke_reason.as_deref().unwrap().contains("closed"),
        "{row:?}"
    );
    assert_eq!(row.amount_refunded_cents, row.price_cents);
    let refunds = stripe.requests_to("/v1/refunds").await;
    assert_eq!(refunds.len(), 1, "one refund, however often the event came");
    assert_eq!(decoded(&refunds[0].0, "payment_intent").unwrap(), "pi_late");
    assert_eq!(
        refunds[0].1.as_deref(),
        Some(format!("trackout-refund-{lease}").as_str())
    );
    assert_eq!(
        jobs_of_kind(&app, "fulfill_purchase").await,
        1,
        "only the exclusive"
    );
    let library = purchase(&app, &lessee, lease).await;
    assert_eq!(library["status"], "refunded");
    assert!(
        library["revoke_reason"]
            .as_str()
            .unwrap()
            .contains("closed")
    );
    assert_eq!(library["files"], json!([]));

    // A second exclusive can never sell: checkout and Publish refuse the sold beat.
    let other = app.register("artist").await;
    assert_problem(
        checkout(&app, &other, beat, "exclusive").await,
        StatusCode::CONFLICT,
        "sold_exclusively",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "sold_exclusively",
    )
    .await;
    let relist = format!("/api/v1/beats/{beat}/relist");
    assert_problem(
        app.post(&relist, Some(&producer.token), &json!({})).await,
        StatusCode::CONFLICT,
        "exclusive_still_valid",
    )
    .await;

    // Once the exclusive is refunded in full, the producer may relist, and is told what
    // became of the licenses.
    webhook(
        &app,
        "evt_excl_refund",
        "charge.refunded",
        json!({"object": "charge", "payment_intent": "pi_excl", "amount": 49999,
               "amount_refunded": 49999, "refunded": true}),
    )
    .await;
    assert_eq!(status_of(&app, exclusive).await, "revoked");
    let relisted = app.post(&relist, Some(&producer.token), &json!({})).await;
    assert_eq!(relisted.status(), StatusCode::OK);
    let relisted: Value = relisted.json().await.unwrap();
    assert_eq!(relisted["beat"]["status"], "published");
    assert_eq!(relisted["exclusive_status"], "revoked");
    assert_eq!(relisted["leases_still_valid"], 0);
    assert!(
        relisted["message"]
            .as_str()
            .unwrap()
            .contains("grants nothing")
    );
    assert_eq!(
        checkout(&app, &other, beat, "exclusive").await.status(),
        StatusCode::OK,
        "on sale again"
    );
}

#[tokio::test]
async fn a_buyer_holds_one_exclusive_at_a_time() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let first = catalog_beat(&app, &producer).await;
    let second = catalog_beat(&app, &producer).await;
    let buyer = app.register("artist").await;
    started(&app, &buyer, first, "exclusive").await;
    assert_problem(
        checkout(&app, &buyer, second, "exclusive").await,
        StatusCode::CONFLICT,
        "exclusive_hold_limit",
    )
    .await;
    assert_eq!(
        checkout(&app, &buyer, second, "wav_lease").await.status(),
        StatusCode::OK,
        "leases are not held"
    );
    let other = app.register("artist").await;
    assert_eq!(
        checkout(&app, &other, second, "exclusive").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_partial_refund_keeps_the_license_and_the_sales_show_net() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (bought, _) = started(&app, &artist, beat, "mp3_lease").await;
    paid_by_webhook(&app, bought, "evt_p", "pi_partial").await;
    let licensed_purchase = licensed(&app, &artist, bought).await;
    let license = licensed_purchase["license_id"].as_str().unwrap().to_owned();

    webhook(
        &app,
        "evt_partial",
        "charge.refunded",
        json!({"object": "charge", "payment_intent": "pi_partial", "amount": 2999,
               "amount_refunded": 1000, "refunded": false}),
    )
    .await;
    assert_eq!(status_of(&app, bought).await, "paid");
    let check: Value = app
        .get(&format!("/api/v1/licenses/{license}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["valid"], true, "a partial refund keeps the license");
    let p = purchase(&app, &artist, bought).await;
    assert_eq!(p["refunded_cents"], 1000);
    assert_eq!(
        app.get(link(&p, "license.pdf"), None).await.status(),
        StatusCode::OK
    );
    let sales: Value = app
        .get("/api/v1/sales", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sales["revenue_cents"], 1999, "net of the refund: {sales:#}");
    assert_eq!(sales["sales"][0]["refunded_cents"], 1000);

    // The rest of it: now the license ends.
    webhook(
        &app,
        "evt_rest",
        "charge.refunded",
        json!({"object": "charge", "payment_intent": "pi_partial", "amount": 2999,
               "amount_refunded": 2999, "refunded": true}),
    )
    .await;
    assert_eq!(status_of(&app, bought).await, "revoked");
}

#[tokio::test]
async fn a_won_dispute_gives_access_back_and_a_lost_one_does_not() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    for (n, outcome, after, tier) in [
        (1, "won", "paid", "mp3_lease"),
        (2, "lost", "revoked", "wav_lease"),
    ] {
        let (bought, _) = started(&app, &artist, beat, tier).await;
        let pi = format!("pi_dispute_{n}");
        paid_by_webhook(&app, bought, &format!("evt_pay_{n}"), &pi).await;
        licensed(&app, &artist, bought).await;
        webhook(
            &app,
            &format!("evt_open_{n}"),
            "charge.dispute.created",
            json!({"object": "dispute", "payment_intent": pi, "status": "needs_response"}),
        )
        .await;
        assert_eq!(
            status_of(&app, bought).await,
            "revoked",
            "an open dispute suspends"
        );
        webhook(
            &app,
            &format!("evt_close_{n}"),
            "charge.dispute.closed",
            json!({"object": "dispute", "payment_intent": pi, "status": outcome}),
        )
        .await;
        assert_eq!(status_of(&app, bought).await, after, "dispute {outcome}");
        let p = purchase(&app, &artist, bought).await;
        let pdf = p["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == "license.pdf")
            .and_then(|f| f["url"].as_str());
        assert_eq!(pdf.is_some(), outcome == "won", "{p:#}");
    }
}

#[tokio::test]
async fn a_payment_of_another_amount_is_held_for_the_producer_not_fulfilled() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    for (n, amount, currency) in [(1, 100, "usd"), (2, 4999, "eur")] {
        let (bought, _) = started(&app, &artist, beat, "wav_lease").await;
        let (body, header) = stripe_event(
            &format!("evt_amount_{n}"),
            "checkout.session.completed",
            session_charging(bought, "paid", &format!("pi_amount_{n}"), amount, currency),
            now(),
        );
        assert_eq!(
            post_webhook(&app, &body, Some(&header)).await.status(),
            StatusCode::OK
        );
        let row = purchase_row(&app, bought).await;
        assert_eq!(row.status, "held");
        assert_eq!(row.amount_paid_cents, Some(amount));
        assert!(row.hold_reason.unwrap().contains("priced 4999 USD"));
    }
    assert_eq!(jobs_of_kind(&app, "fulfill_purchase").await, 0);
    let sales: Value = app
        .get("/api/v1/sales", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sales["revenue_cents"], 0);
    let held: Vec<_> = sales["sales"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "held" && s["hold_reason"].is_string())
        .collect();
    assert_eq!(held.len(), 2, "the producer sees both: {sales:#}");
}

#[tokio::test]
async fn a_storage_fault_during_fulfilment_never_strands_a_paying_buyer() {
    let app = TestApp::builder()
        // The first three writes of a purchase's files fail.
        .wrap_storage(|inner| {
            failing_writes(inner, 3, "the bucket is unreachable", |key| {
                key.as_str().starts_with("purchases/")
            })
        })
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = published_beat(&app, &producer).await;
    let (bought, url) = started(&app, &artist, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;

    let p = fulfilled(&app, &artist, bought).await;
    for file in ["bundle", "license.pdf", "license.txt", "wav", "mp3"] {
        let response = app.get(link(&p, file), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert!(!response.bytes().await.unwrap().is_empty());
    }
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("fulfill_purchase"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1, "fulfilled by one job");
    assert_eq!(jobs[0].state, "done");
    assert!(jobs[0].attempts > 1, "the fault was retried: {:?}", jobs[0]);
    let files = purchase_file::Entity::find()
        .filter(purchase_file::Column::PurchaseId.eq(bought))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        files.len(),
        3,
        "the license twice over and the bundle, once each"
    );
}

#[tokio::test]
async fn unreadable_terms_never_become_an_unlimited_license() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (bought, url) = started(&app, &artist, beat, "mp3_lease").await;
    // The stored terms are damaged before the payment completes.
    let mut row: entity::purchase::ActiveModel = purchase_row(&app, bought).await.into();
    row.terms = Set(json!({"distribution_copies": "lots"}));
    row.update(&app.state.db).await.unwrap();
    pay_dev(&app, &url).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let job = loop {
        let job = job::Entity::find()
            .filter(job::Column::Kind.eq("fulfill_purchase"))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        if job.state == "dead" {
            break job;
        }
        assert!(tokio::time::Instant::now() < deadline, "{job:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(job.attempts, 1, "bad stored data is not retried");
    assert!(job.last_error.unwrap().contains("license terms"));
    let files = purchase_file::Entity::find()
        .filter(purchase_file::Column::PurchaseId.eq(bought))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(files.is_empty(), "no license was printed");
}
