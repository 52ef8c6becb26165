use entity::stripe_event;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use trackout_tests::app::assert_problem;
use trackout_tests::database;

use super::*;

#[tokio::test]
async fn checkout_opens_a_stripe_session_for_the_tier() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase_id, url) = started(&app, &artist, beat, "wav_lease").await;
    assert!(url.starts_with("https://checkout.stripe.test/"), "{url}");

    let sessions = stripe.sessions().await;
    assert_eq!(sessions.len(), 1);
    let (form, idempotency) = &sessions[0];
    let field = |k| decoded(form, k).unwrap_or_else(|| panic!("{k} missing from {form}"));
    assert_eq!(field("mode"), "payment");
    assert_eq!(field("client_reference_id"), purchase_id.to_string());
    assert_eq!(field("metadata[purchase_id]"), purchase_id.to_string());
    assert_eq!(field("line_items[0][price_data][unit_amount]"), "4999");
    assert_eq!(field("line_items[0][price_data][currency]"), "usd");
    assert_eq!(
        field("line_items[0][price_data][product_data][name]"),
        "Midnight Run — WAV Lease"
    );
    assert_eq!(field("line_items[0][quantity]"), "1");
    assert_eq!(field("customer_email"), artist.email);
    assert!(field("success_url").contains(&purchase_id.to_string()));
    assert!(field("cancel_url").contains(&beat.to_string()));
    assert_eq!(
        idempotency.as_deref(),
        Some(format!("trackout-checkout-{purchase_id}").as_str())
    );
    assert_eq!(status_of(&app, purchase_id).await, "pending");
}

#[tokio::test]
async fn a_paid_checkout_fulfils_once_however_often_the_event_arrives() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;

    // The same event three times in a row…
    let (first, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event(
        "evt_seq",
        "checkout.session.completed",
        session_of(&app, first, "paid", "pi_seq").await,
        now(),
    );
    for _ in 0..3 {
        assert_eq!(
            post_webhook(&app, &body, Some(&header)).await.status(),
            StatusCode::OK
        );
    }
    // …and three times at once.
    // Another tier: the MP3 lease is owned now, and would not be sold again.
    let (second, _) = started(&app, &artist, beat, "wav_lease").await;
    let (body, header) = stripe_event(
        "evt_par",
        "checkout.session.completed",
        session_of(&app, second, "paid", "pi_par").await,
        now(),
    );
    let sends = (0..3).map(|_| post_webhook(&app, &body, Some(&header)));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), StatusCode::OK);
    }

    for id in [first, second] {
        assert_eq!(status_of(&app, id).await, "paid");
    }
    assert_eq!(
        jobs_of_kind(&app, "fulfill_purchase").await,
        2,
        "one fulfillment per purchase"
    );
    assert_eq!(
        stripe_event::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        2
    );
    let library = licensed(&app, &artist, first).await;
    assert!(library["license_id"].as_str().unwrap().starts_with("TRK-"));
}

#[tokio::test]
async fn forged_or_damaged_webhooks_are_refused_and_change_nothing() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase_id, _) = started(&app, &artist, beat, "mp3_lease").await;
    let object = session_of(&app, purchase_id, "paid", "pi_forged").await;
    let (body, good) = stripe_event(
        "evt_forged",
        "checkout.session.completed",
        object.clone(),
        now(),
    );

    let wrong_secret =
        trackout_core::payments::signature::sign(body.as_bytes(), "whsec_someone_else", now());
    let mut flipped = body.clone().into_bytes();
    flipped[20] ^= 0x01;
    let flipped = String::from_utf8(flipped).unwrap();
    let reserialized =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&body).unwrap()).unwrap();
    let (old_body, old) = stripe_event(
        "evt_forged",
        "checkout.session.completed",
        object.clone(),
        now() - 301,
    );
    // 302 s ahead rather than 301: the server reads its clock a moment after the test, and a
    // tick in between would make 301 s exactly the 300 s allowed. The exact boundaries are
    // unit-tested with a fixed clock (payments::signature).
    let (new_body, ahead) = stripe_event(
        "evt_forged",
        "checkout.session.completed",
        object,
        now() + 302,
    );
    for (body, header) in [
        (body.as_str(), Some(wrong_secret.as_str())),
        (flipped.as_str(), Some(good.as_str())),
        (body.as_str(), None),
        (body.as_str(), Some("t=abc,v1=zz")),
        (body.as_str(), Some("garbage")),
        (old_body.as_str(), Some(old.as_str())),
        (new_body.as_str(), Some(ahead.as_str())),
        (reserialized.as_str(), Some(good.as_str())),
    ] {
        let response = post_webhook(&app, body, header).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad_signature").await;
    }
    assert_eq!(
        stripe_event::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0,
        "nothing recorded"
    );
    assert_eq!(
        status_of(&app, purchase_id).await,
        "pending",
        "nothing completed"
    );
    assert_eq!(jobs_of_kind(&app, "fulfill_purchase").await, 0);
}

#[tokio::test]
async fn a_delayed_payment_completes_once_it_succeeds_and_a_failed_one_cancels() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;

    let (slow, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event(
        "evt_unpaid",
        "checkout.session.completed",
        session_of(&app, slow, "unpaid", "pi_slow").await,
        now(),
    );
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, slow).await, "pending", "not paid yet");
    let (body, header) = stripe_event(
        "evt_ok",
        "checkout.session.async_payment_succeeded",
        session_of(&app, slow, "paid", "pi_slow").await,
        now(),
    );
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, slow).await, "paid");
    assert_eq!(jobs_of_kind(&app, "fulfill_purchase").await, 1);

    // Another tier: the MP3 lease is owned now, and would not be sold again.
    let (failed, _) = started(&app, &artist, beat, "wav_lease").await;
    let (body, header) = stripe_event(
        "evt_fail",
        "checkout.session.async_payment_failed",
        session_of(&app, failed, "unpaid", "pi_fail").await,
        now(),
    );
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, failed).await, "cancelled");
    assert_eq!(
        jobs_of_kind(&app, "fulfill_purchase").await,
        1,
        "nothing delivered for a failed payment"
    );
}

#[tokio::test]
async fn a_refund_or_dispute_revokes_whether_it_comes_before_or_after_completion() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    // A refund of all of it, as Stripe reports one.
    let charge = |pi: &str| {
        json!({"id": format!("ch_{pi}"), "object": "charge", "payment_intent": pi,
               "amount": 2999, "amount_refunded": 2999, "refunded": true})
    };

    // After: paid, then refunded.
    let (after, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event(
        "evt_a1",
        "checkout.session.completed",
        session_of(&app, after, "paid", "pi_after").await,
        now(),
    );
    post_webhook(&app, &body, Some(&header)).await;
    let (body, header) = stripe_event("evt_a2", "charge.refunded", charge("pi_after"), now());
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, after).await, "revoked");

    // Before: the refund overtakes the completion.
    let (before, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event("evt_b1", "charge.refunded", charge("pi_before"), now());
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    let (body, header) = stripe_event(
        "evt_b2",
        "checkout.session.completed",
        session_of(&app, before, "paid", "pi_before").await,
        now(),
    );
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, before).await, "revoked");

    // A dispute revokes too.
    let (disputed, _) = started(&app, &artist, beat, "mp3_lease").await;
    let (body, header) = stripe_event(
        "evt_d1",
        "checkout.session.completed",
        session_of(&app, disputed, "paid", "pi_dispute").await,
        now(),
    );
    post_webhook(&app, &body, Some(&header)).await;
    let dispute = json!({"id": "dp_1", "object": "dispute", "charge": "ch_x", "payment_intent": "pi_dispute"});
    let (body, header) = stripe_event("evt_d2", "charge.dispute.created", dispute, now());
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    assert_eq!(status_of(&app, disputed).await, "revoked");

    let library: Value = app
        .get(&format!("/api/v1/purchases/{after}"), Some(&artist.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        library["files"],
        json!([]),
        "a revoked purchase offers no files"
    );
    let license = library["license_id"].as_str().unwrap();
    let check: Value = app
        .get(&format!("/api/v1/licenses/{license}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["valid"], false);
    assert_eq!(check["status"], "revoked");
}

#[tokio::test]
async fn unknown_events_are_acknowledged_and_ignored() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let (body, header) = stripe_event(
        "evt_customer",
        "customer.created",
        json!({"id": "cus_1", "object": "customer"}),
        now(),
    );
    assert_eq!(
        post_webhook(&app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn when_the_database_fails_stripe_is_told_to_retry_and_the_retry_fulfils_once() {
    let stripe = Stripe::start().await;
    let app = stripe_app(&stripe).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (purchase_id, _) = started(&app, &artist, beat, "mp3_lease").await;
    let db = &app.state.db;
    let break_db = if database::is_postgres() {
        vec![
            "CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_events BEFORE INSERT ON stripe_events FOR EACH ROW EXECUTE FUNCTION refuse_events()",
        ]
    } else {
        vec![
            "CREATE TRIGGER refuse_events BEFORE INSERT ON stripe_events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        ]
    };
    for sql in break_db {
        db.execute_unprepared(sql).await.unwrap();
    }
    let (body, header) = stripe_event(
        "evt_retry",
        "checkout.session.completed",
        session_of(&app, purchase_id, "paid", "pi_retry").await,
        now(),
    );
    let response = post_webhook(&app, &body, Some(&header)).await;
    assert!(response.status().is_server_error(), "{}", response.status());
    assert_eq!(status_of(&app, purchase_id).await, "pending");

    db.execute_unprepared("DROP TRIGGER refuse_events ON stripe_events")
        .await
        .ok();
    db.execute_unprepared("DROP TRIGGER IF EXISTS refuse_events")
        .await
        .ok();
    for _ in 0..2 {
        assert_eq!(
            post_webhook(&app, &body, Some(&header)).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(status_of(&app, purchase_id).await, "paid");
    assert_eq!(jobs_of_kind(&app, "fulfill_purchase").await, 1);
}
