//! Accounts people can trust: sign-up that reveals nothing, email verification, password
//! reset, revocable sessions, two-factor sign-in, guest checkout with a claim link, and the
//! mail behind them, sent over SMTP to a real server in the test (or written as `.eml`).

mod basics;
mod enumeration;
mod guest;
mod mail;
mod reset;
mod sessions;
mod two_factor;
mod verify;

use std::time::Duration;

use serde_json::{Value, json};
use trackout_tests::app::{Account, PASSWORD};
use trackout_tests::{MailMessage, SmtpServer, TestApp};

pub const MAIL_WAIT: Duration = Duration::from_secs(20);

/// Signs up through the API (`202`) and returns the email.
pub async fn sign_up(app: &TestApp, role: &str) -> String {
    let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
    // A single-seller store (the default) takes producers by the operator's invitation.
    let invitation = if role == "producer" {
        Some(app.invite_producer(&email).await)
    } else {
        None
    };
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD, "display_name": format!("Test {role}"), "role": role, "invitation": invitation}),
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
    email
}

/// The app sending its mail to a fresh SMTP server.
pub async fn with_smtp() -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::builder().smtp(&smtp).spawn().await;
    (app, smtp)
}

/// Follows `link` (a page of the store) over HTTP, as a mail client's click would: the page
/// is the storefront's shell, which then calls the API with the token.
pub async fn open_page(app: &TestApp, link: &str) {
    assert!(
        link.starts_with(&app.address),
        "{link} is not on {}",
        app.address
    );
    let page = app.client.get(link).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK, "{link}");
    assert!(page.text().await.unwrap().contains("<main id=\"app\""));
}

pub async fn me(app: &TestApp, account: &Account) -> Value {
    let response = app.get("/api/v1/me", Some(&account.token)).await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    response.json().await.unwrap()
}

pub fn token_in(mail: &MailMessage, path: &str) -> String {
    mail.token(path)
        .unwrap_or_else(|| panic!("no {path} link in:\n{}", mail.text()))
}
