//! The storefront's own routes: producer pages, cover art, the stems a trackout holds,
//! cancelling a checkout and refusing a license already owned, the pages people see instead
//! of JSON, link previews and the embeddable player.

mod covers;
mod pages;
mod profiles;
mod purchases;

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::Account;

pub async fn patch_me(app: &TestApp, account: &Account, body: &Value) -> reqwest::Response {
    app.send_json(
        reqwest::Method::PATCH,
        "/api/v1/me",
        Some(&account.token),
        body,
    )
    .await
}

/// A producer with a chosen handle.
pub async fn producer_with_handle(app: &TestApp, handle: &str) -> Account {
    let producer = app.register("producer").await;
    let response = patch_me(app, &producer, &json!({"handle": handle})).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    producer
}
