use reqwest::StatusCode;
use serde_json::json;
use trackout_tests::TestApp;
use trackout_tests::app::{PASSWORD, assert_problem};

use super::{MAIL_WAIT, me, open_page, sign_up, token_in, with_smtp};
use crate::commerce::published_beat;

#[tokio::test]
async fn the_mailed_link_verifies_the_email_once_and_then_the_producer_may_publish() {
    let (app, smtp) = with_smtp().await;
    let email = sign_up(&app, "producer").await;
    let producer = app.login(&email, PASSWORD).await;
    assert_eq!(me(&app, &producer).await["email_verified"], false);

    // Unverified: publishing is refused with a code the page can explain.
    let beat = app.new_beat(&producer).await;
    let refused = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "email_unverified").await;

    let mail = smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
    assert!(
        mail.subject().contains("Trackout"),
        "the store's name: {}",
        mail.subject()
    );
    assert!(mail.html().contains("Confirm my email"), "an HTML part too");
    let link = mail.link("/verify-email").expect("a verify link");
    assert!(
        link.starts_with(&format!("{}/verify-email?token=", app.address)),
        "{link}"
    );
    open_page(&app, &link).await;
    let token = token_in(&mail, "/verify-email");
    let verified = app
        .post("/api/v1/auth/verify", None, &json!({"token": token}))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);
    assert_eq!(me(&app, &producer).await["email_verified"], true);

    // Single use.
    let again = app
        .post("/api/v1/auth/verify", None, &json!({"token": token}))
        .await;
    assert_problem(again, StatusCode::BAD_REQUEST, "link_used").await;

    // A verified producer publishes (a whole beat, rendered).
    published_beat(&app, &producer).await;
}

#[tokio::test]
async fn a_new_link_can_be_asked_for_and_unverified_artists_can_still_buy() {
    let app = TestApp::spawn().await;
    let artist = app.register_unverified("artist").await;
    let resent = app
        .post(
            "/api/v1/auth/verify/resend",
            Some(&artist.token),
            &json!({}),
        )
        .await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    // Two mails: the one at sign-up and the one asked for; both links work until one is used.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let mails = loop {
        let mails: Vec<_> = trackout_tests::mail::eml_files(&app.outbox_dir())
            .into_iter()
            .filter(|m| m.to() == artist.email)
            .collect();
        if mails.len() == 2 || tokio::time::Instant::now() > deadline {
            break mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(mails.len(), 2);
    let token = token_in(&mails[1], "/verify-email");
    let ok = app
        .post("/api/v1/auth/verify", None, &json!({"token": token}))
        .await;
    assert_eq!(ok.status(), StatusCode::OK);

    let producer = app.register("producer").await;
    let beat = crate::commerce::catalog_beat(&app, &producer).await;
    let unverified = app.register_unverified("artist").await;
    let (_, url) = crate::commerce::started(&app, &unverified, beat, "mp3_lease").await;
    assert!(url.contains("/pay/dev/"));
}
