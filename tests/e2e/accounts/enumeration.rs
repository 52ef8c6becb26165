//! What an attacker learns from sign-up and "forgot password": nothing about which emails
//! have accounts. Same status, same body; the owner of a taken email is mailed instead.

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::PASSWORD;

use super::{MAIL_WAIT, with_smtp};

async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn signing_up_with_a_taken_email_answers_exactly_like_a_new_one() {
    let (app, smtp) = with_smtp().await;
    let owner = app.register("producer").await;
    let new_email = format!("fresh-{}@example.com", uuid::Uuid::new_v4().simple());
    let body = |email: &str| json!({"email": email, "password": "another long password", "display_name": "Mallory", "role": "artist"});

    let taken = answer(
        app.post(
            "/api/v1/auth/register",
            None,
            &body(&owner.email.to_uppercase()),
        )
        .await,
    )
    .await;
    let fresh = answer(
        app.post("/api/v1/auth/register", None, &body(&new_email))
            .await,
    )
    .await;
    assert_eq!(taken, fresh);
    assert_eq!(taken.0, StatusCode::ACCEPTED);
    assert_eq!(taken.1, json!({"status": "verification_sent"}));

    // The owner is told; the account did not change (name, role, password).
    let notice = smtp
        .wait_for(&owner.email, "Someone tried to sign up", MAIL_WAIT)
        .await;
    assert!(
        notice.link("/forgot-password").is_some(),
        "{}",
        notice.text()
    );
    app.login(&owner.email, PASSWORD).await;
    let me: Value = app
        .get("/api/v1/me", Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "producer");
    assert_eq!(me["display_name"], "Test producer");
    // The new address got its verification mail, and only that.
    smtp.wait_for(&new_email, "Confirm your email", MAIL_WAIT)
        .await;
    assert!(
        !smtp
            .messages()
            .iter()
            .any(|m| m.envelope_to.contains(&new_email) && m.subject().contains("Someone tried"))
    );
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_any_email() {
    let (app, smtp) = with_smtp().await;
    let owner = app.register("artist").await;
    let mut answers = Vec::new();
    for email in [
        owner.email.as_str(),
        "nobody-here@example.com",
        "not an email",
    ] {
        answers.push(
            answer(
                app.post(
                    "/api/v1/auth/password/forgot",
                    None,
                    &json!({"email": email}),
                )
                .await,
            )
            .await,
        );
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    smtp.wait_for(&owner.email, "Reset your password", MAIL_WAIT)
        .await;
    assert!(
        !smtp
            .messages()
            .iter()
            .any(|m| m.envelope_to.iter().any(|t| t.contains("nobody-here")))
    );
}
