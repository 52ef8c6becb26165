//! Mail that fails is retried and ends `dead` with its reason, visible to the operator,
//! without holding up what caused it; with no SMTP every message is an `.eml` a person can
//! open; receipts, sale notices, "files ready" and share links.

use std::time::Duration;

use entity::outbox;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_tests::{SmtpMode, SmtpServer, TestApp};

use super::{MAIL_WAIT, sign_up, token_in};
use crate::commerce::{catalog_beat, fulfilled, licensed, link, pay_dev, started};

async fn row_of(app: &TestApp, kind: &str) -> Option<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .one(&app.state.db)
        .await
        .unwrap()
}

async fn wait_row(app: &TestApp, kind: &str, state: &str) -> outbox::Model {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(row) = row_of(app, kind).await.filter(|r| r.state == state) {
            return row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {kind} mail reached {state}: {:?}",
            row_of(app, kind).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_mail_refused_with_5xx_is_retried_then_dead_and_the_purchase_is_unaffected() {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(SmtpMode::Reject);
    let app = TestApp::builder()
        .smtp(&smtp)
        .config(|c| c.worker.max_attempts = 3)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    let buyer = app.register("artist").await;
    let (purchase, url) = started(&app, &buyer, beat, "mp3_lease").await;
    pay_dev(&app, &url).await;

    // The purchase completes and its license downloads while its receipt cannot be sent.
    let p = licensed(&app, &buyer, purchase).await;
    assert_eq!(p["status"], "paid");
    let license = app
        .client
        .get(app.url(link(&p, "license.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(license.status(), StatusCode::OK);

    let dead = wait_row(&app, "receipt", "dead").await;
    assert_eq!(dead.attempts, 3, "every attempt the queue allowed");
    let reason = dead.last_error.clone().unwrap_or_default();
    assert!(
        reason.contains("554"),
        "the server's answer is the reason: {reason}"
    );
    assert!(smtp.refused() >= 3);
    assert!(smtp.messages().is_empty());

    // The operator's listing (`trackout outbox`) shows it, with why.
    let listed = trackout_core::mail::list(&app.state.db, Some("dead"), 50)
        .await
        .unwrap();
    let receipt = listed.iter().find(|e| e.kind == "receipt").expect("listed");
    assert_eq!(receipt.recipient, buyer.email);
    assert!(
        receipt
            .subject
            .as_deref()
            .unwrap_or("")
            .contains("Your receipt")
    );
    assert!(receipt.last_error.as_deref().unwrap_or("").contains("554"));
}

#[tokio::test]
async fn a_mail_to_a_server_that_is_down_arrives_once_it_is_back() {
    let smtp = SmtpServer::start().await;
    smtp.down().await;
    let app = TestApp::builder()
        .smtp(&smtp)
        .config(|c| {
            c.worker.max_attempts = 8;
            c.worker.retry_backoff_ms = 400;
        })
        .spawn()
        .await;
    let email = sign_up(&app, "artist").await;
    let failing = wait_row(&app, "verify_email", "retrying").await;
    assert!(failing.last_error.unwrap_or_default().contains("SMTP"));
    smtp.up().await;
    let mail = smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
    token_in(&mail, "/verify-email");
    let sent = wait_row(&app, "verify_email", "sent").await;
    assert!(sent.sent_at.is_some());
}

#[tokio::test]
async fn without_smtp_every_mail_is_an_eml_file_a_person_can_follow() {
    let app = TestApp::spawn().await;
    let email = sign_up(&app, "producer").await;
    let mail = app.wait_for_eml(&email, "Confirm your email").await;
    assert!(mail.html().contains("<html"), "text and HTML");
    assert!(mail.header("from").unwrap_or_default().contains("Trackout"));
    let token = token_in(&mail, "/verify-email");
    let verified = app
        .post("/api/v1/auth/verify", None, &json!({"token": token}))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);
    let row = wait_row(&app, "verify_email", "sent").await;
    assert!(app.outbox_dir().join(format!("{}.eml", row.id)).is_file());
}

#[tokio::test]
async fn a_buyer_gets_a_receipt_the_producer_a_notice_and_an_engineer_the_share_link() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::builder()
        .smtp(&smtp)
        .config(|c| c.mail.store_name = "Night Shift Beats".into())
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = crate::commerce::published_beat(&app, &producer).await;
    let buyer = app.register("artist").await;
    let (purchase, url) = started(&app, &buyer, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    fulfilled(&app, &buyer, purchase).await;

    let receipt = smtp.wait_for(&buyer.email, "Your receipt", MAIL_WAIT).await;
    assert!(
        receipt.subject().ends_with("Night Shift Beats"),
        "{}",
        receipt.subject()
    );
    assert!(
        receipt.link(&format!("/library/{purchase}")).is_some(),
        "{}",
        receipt.text()
    );
    assert!(
        receipt.link("/claim").is_none(),
        "a signed-in buyer needs no claim link"
    );
    assert!(receipt.text().contains("ready in your library"));
    smtp.wait_for(&producer.email, "You made a sale", MAIL_WAIT)
        .await;

    let engineer = "sam@studio.example";
    let share = app
        .post(
            &format!("/api/v1/purchases/{purchase}/shares"),
            Some(&buyer.token),
            &json!({"label": "Mix — Sam", "expires_in": 86400, "email": engineer}),
        )
        .await;
    assert_eq!(share.status(), StatusCode::CREATED);
    let mail = smtp.wait_for(engineer, "shared the stems", MAIL_WAIT).await;
    let page = mail.link("/s/").expect("the share page");
    let opened: Value = app
        .client
        .get(&page)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(opened["beat_title"], "Midnight Run");
    assert!(!opened["files"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn files_ready_follows_a_receipt_sent_before_the_bundle_was() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::builder()
        .smtp(&smtp)
        .config(|c| {
            c.worker.max_attempts = 30;
            c.worker.retry_backoff_ms = 250;
        })
        .spawn()
        .await;
    let producer = app.register("producer").await;
    // In the catalog before its stems are rendered: the trackout's bundle comes later.
    let beat = catalog_beat(&app, &producer).await;
    let buyer = app.register("artist").await;
    let (purchase, url) = started(&app, &buyer, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    let receipt = smtp.wait_for(&buyer.email, "Your receipt", MAIL_WAIT).await;
    assert!(
        receipt.text().contains("still being prepared"),
        "{}",
        receipt.text()
    );

    for (what, content_type, body) in [
        (
            "master",
            "audio/wav",
            trackout_tests::fixtures::master_of(2.0),
        ),
        (
            "trackout",
            "application/zip",
            trackout_tests::fixtures::good_trackout_of(2.0),
        ),
    ] {
        assert_eq!(
            app.upload(&producer, beat, what, content_type, body)
                .await
                .status(),
            StatusCode::ACCEPTED
        );
    }
    let ready = smtp
        .wait_for(
            &buyer.email,
            "Your files are ready",
            Duration::from_secs(120),
        )
        .await;
    assert!(ready.link(&format!("/library/{purchase}")).is_some());
    fulfilled(&app, &buyer, purchase).await;
    assert_eq!(
        smtp.messages()
            .iter()
            .filter(|m| m.subject().contains("Your receipt"))
            .count(),
        1,
        "one receipt"
    );
}
