//! Stripe Connect when things go wrong: Stripe down for a while, a refund landing while a
//! transfer is on its way, a dispute lost after the payees were paid.

use std::time::Duration;

use serde_json::json;

use super::connect::{
    connected, open_cart, paid_cart, pay_cart, payouts, reversals, stripe_marketplace, transfers,
};
use super::ledger::{jobs_settle, ledger, refunded, webhook};
use crate::commerce::Stripe;

#[tokio::test]
async fn stripe_down_for_a_while_is_retried_and_still_pays_once() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    connected(&app, &metro).await;
    connected(&app, &wheezy).await;
    stripe.connect.lock().unwrap().transfer_outages = 3;
    let order = paid_cart(&app, &metro, &wheezy, "pi_outage").await;
    // Three 500s, then answers: every payee paid, once each.
    let sent = stripe.requests_to("/v1/transfers").await;
    assert!(
        sent.len() >= 5,
        "the failed attempts were retried: {sent:#?}"
    );
    let made = transfers(&stripe).await;
    assert_eq!(made.len(), 2, "{made:#?}");
    for r in ledger(&app).await {
        assert_eq!(r.kind, "transfer", "{r:#?}");
        assert_eq!(r.payout_error, None);
        assert_eq!(r.order_id, order);
    }
}

#[tokio::test]
async fn a_refund_landing_while_the_transfers_are_on_their_way_reverses_them() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    connected(&app, &metro).await;
    connected(&app, &wheezy).await;
    stripe.connect.lock().unwrap().transfer_delay = Some(Duration::from_millis(1500));
    let order = open_cart(&app, &metro, &wheezy).await;
    pay_cart(&app, order, "pi_inflight").await;
    // The first transfer has reached Stripe and its answer is on its way back.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while stripe.requests_to("/v1/transfers").await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no transfer was sent"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    webhook(
        &app,
        "evt_inflight_refund",
        "charge.refunded",
        refunded("pi_inflight", 7_998),
    )
    .await;
    jobs_settle(&app).await;
    // What was sent came back, whole; what was not yet sent never went.
    let made = transfers(&stripe).await;
    let back = reversals(&stripe).await;
    assert!(!made.is_empty());
    assert_eq!(back.len(), made.len(), "{made:#?} {back:#?}");
    for t in &made {
        let reversal = back
            .iter()
            .find(|r| r["transfer"] == t["id"])
            .unwrap_or_else(|| panic!("{t} was never reversed"));
        assert_eq!(reversal["amount"], t["amount"]);
    }
    for who in [&metro, &wheezy] {
        let status = payouts(&app, who).await;
        let state = status["sales"][0]["state"].as_str().unwrap();
        assert!(state == "reversed" || state == "cancelled", "{status:#}");
        assert_eq!(status["owed_cents"], 0);
        assert_eq!(status["paid_cents"], status["reversed_cents"]);
    }
}

#[tokio::test]
async fn a_dispute_lost_after_payouts_reverses_every_transfer_and_a_won_one_none() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let wheezy = app.register("producer").await;
    connected(&app, &metro).await;
    connected(&app, &wheezy).await;
    for (n, outcome, reversed) in [(1, "won", 0), (2, "lost", 2)] {
        let pi = format!("pi_dispute_{n}");
        paid_cart(&app, &metro, &wheezy, &pi).await;
        let before = reversals(&stripe).await.len();
        webhook(
            &app,
            &format!("evt_dispute_open_{n}"),
            "charge.dispute.created",
            json!({"object": "dispute", "payment_intent": pi, "status": "needs_response"}),
        )
        .await;
        jobs_settle(&app).await;
        assert_eq!(reversals(&stripe).await.len(), before, "open only suspends");
        webhook(
            &app,
            &format!("evt_dispute_closed_{n}"),
            "charge.dispute.closed",
            json!({"object": "dispute", "payment_intent": pi, "status": outcome}),
        )
        .await;
        jobs_settle(&app).await;
        assert_eq!(
            reversals(&stripe).await.len(),
            before + reversed,
            "{outcome}"
        );
    }
    assert_eq!(
        transfers(&stripe).await.len(),
        4,
        "two orders, two payees each"
    );
}
