//! A guest buys with an email and no account, pays on the development page, gets the receipt
//! over SMTP, claims the purchase with its link, and downloads the stems — no password ever.

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::{Account, assert_problem};

use super::{MAIL_WAIT, open_page, token_in, with_smtp};
use crate::commerce::{catalog_beat, fulfilled, link, pay_dev, published_beat};

async fn guest_checkout(
    app: &trackout_tests::TestApp,
    beat: uuid::Uuid,
    tier: &str,
    email: &str,
) -> Value {
    let response = app
        .post(
            "/api/v1/checkout",
            None,
            &json!({"beat_id": beat, "tier": tier, "email": email}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

async fn claim(app: &trackout_tests::TestApp, token: &str) -> reqwest::Response {
    app.post("/api/v1/auth/claim", None, &json!({"token": token}))
        .await
}

#[tokio::test]
async fn a_guest_pays_gets_the_receipt_claims_and_downloads_the_bundle() {
    let (app, smtp) = with_smtp().await;
    let producer = app.register("producer").await;
    let beat = published_beat(&app, &producer).await;
    let email = format!("guest-{}@example.com", uuid::Uuid::new_v4().simple());

    let started = guest_checkout(&app, beat, "trackout_lease", &email).await;
    let url = started["checkout_url"].as_str().unwrap();
    assert!(
        url.contains("/pay/dev/") && url.contains("?t="),
        "the pay page carries the guest's proof: {url}"
    );
    let purchase_id = started["purchase_id"].as_str().unwrap();
    pay_dev(&app, url).await;

    let receipt = smtp.wait_for(&email, "Your receipt", MAIL_WAIT).await;
    let text = receipt.text();
    for fact in ["Midnight Run", "Trackout Lease", "99.99 USD", "TRK-"] {
        assert!(text.contains(fact), "the receipt names {fact}:\n{text}");
    }
    let license = link_to(&receipt, "/licenses/");
    open_page(&app, &license).await;
    let license_id = license.rsplit('/').next().unwrap();
    let check: Value = app
        .get(&format!("/api/v1/licenses/{license_id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["valid"], true, "{check:#}");
    assert!(
        !receipt.links().iter().any(|l| l.contains("/d/")),
        "no bearer download link in a mail: {:?}",
        receipt.links()
    );
    open_page(&app, &receipt.link("/claim").expect("a claim link")).await;
    let token = token_in(&receipt, "/claim");

    let claimed = claim(&app, &token).await;
    assert_eq!(claimed.status(), StatusCode::OK);
    let session: Value = claimed.json().await.unwrap();
    assert_eq!(session["purchase_id"], purchase_id);
    assert_eq!(session["user"]["email"], email.as_str());
    assert_eq!(
        session["user"]["email_verified"], true,
        "the claim proved the inbox"
    );
    let buyer = Account {
        token: session["token"].as_str().unwrap().to_owned(),
        id: session["user"]["id"].as_str().unwrap().parse().unwrap(),
        email: email.clone(),
    };
    let purchase = fulfilled(&app, &buyer, purchase_id.parse().unwrap()).await;
    let bundle = app
        .client
        .get(app.url(link(&purchase, "bundle")))
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), StatusCode::OK);
    assert!(bundle.bytes().await.unwrap().starts_with(b"PK"), "a zip");

    // The claim link works once.
    assert_problem(
        claim(&app, &token).await,
        StatusCode::BAD_REQUEST,
        "link_used",
    )
    .await;
    // The producer heard of the sale.
    smtp.wait_for(&producer.email, "You made a sale", MAIL_WAIT)
        .await;
}

fn link_to(mail: &trackout_tests::MailMessage, path: &str) -> String {
    mail.link(path)
        .unwrap_or_else(|| panic!("no {path} link in\n{}", mail.text()))
}

#[tokio::test]
async fn a_guest_checkout_with_an_existing_email_answers_the_same_and_the_owner_gets_it() {
    let (app, smtp) = with_smtp().await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    let owner = app.register("artist").await;
    let stranger = format!("new-{}@example.com", uuid::Uuid::new_v4().simple());

    let for_owner = guest_checkout(&app, beat, "mp3_lease", &owner.email).await;
    let for_stranger = guest_checkout(&app, beat, "mp3_lease", &stranger).await;
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&for_owner),
        keys(&for_stranger),
        "the same answer either way"
    );

    pay_dev(&app, for_owner["checkout_url"].as_str().unwrap()).await;
    let receipt = smtp.wait_for(&owner.email, "Your receipt", MAIL_WAIT).await;
    assert!(receipt.link("/claim").is_some());
    // It is in the owner's own library, signed in as before.
    let library: Vec<Value> = app
        .get("/api/v1/purchases", Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        library.iter().any(|p| p["id"] == for_owner["purchase_id"]),
        "{library:#?}"
    );
}

#[tokio::test]
async fn a_guest_checkout_needs_an_email_and_the_pay_page_proof_is_its_own_kind() {
    let app = trackout_tests::TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    let missing = app
        .post(
            "/api/v1/checkout",
            None,
            &json!({"beat_id": beat, "tier": "mp3_lease"}),
        )
        .await;
    assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;

    let started = guest_checkout(&app, beat, "mp3_lease", "buyer@example.com").await;
    let url = started["checkout_url"].as_str().unwrap();
    let proof = url.split("?t=").nth(1).unwrap();
    let purchase: uuid::Uuid = started["purchase_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        app.client.get(url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let bare = app.url(&format!("/pay/dev/{purchase}"));
    assert_eq!(
        app.client.post(&bare).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "a guessed purchase id pays nothing"
    );
    let other = guest_checkout(&app, beat, "wav_lease", "other@example.com").await;
    let other_id = other["purchase_id"].as_str().unwrap();
    let borrowed = app.url(&format!("/pay/dev/{other_id}?t={proof}"));
    assert_eq!(
        app.client.post(&borrowed).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "the proof is bound to its purchase"
    );
    // Not a session, not a claim.
    assert_eq!(
        app.get("/api/v1/me", Some(proof)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_problem(
        claim(&app, proof).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
}
