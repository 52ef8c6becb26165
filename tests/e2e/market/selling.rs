//! Who may sell: on a single-seller store (the default) producers sign up only with the
//! operator's invitation; on a marketplace anyone may.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::PASSWORD;

async fn sign_up(app: &TestApp, email: &str, role: &str, invitation: Option<&str>) -> StatusCode {
    app.post(
        "/api/v1/auth/register",
        None,
        &json!({"email": email, "password": PASSWORD, "display_name": "Someone", "role": role, "invitation": invitation}),
    )
    .await
    .status()
}

async fn can_log_in(app: &TestApp, email: &str) -> Option<Value> {
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    (response.status() == StatusCode::OK).then_some(response.json().await.unwrap())
}

fn fresh_email() -> String {
    format!("p-{}@example.com", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn a_single_seller_store_takes_producers_only_by_invitation() {
    let app = TestApp::spawn().await;

    let uninvited = fresh_email();
    assert_eq!(
        sign_up(&app, &uninvited, "producer", None).await,
        StatusCode::FORBIDDEN
    );
    assert!(
        can_log_in(&app, &uninvited).await.is_none(),
        "no account was made"
    );
    assert_eq!(
        sign_up(&app, &uninvited, "producer", Some("not-a-real-invitation")).await,
        StatusCode::FORBIDDEN
    );

    // An invitation is for the address it was made for.
    let invited = fresh_email();
    let token = app.invite_producer(&invited).await;
    assert_eq!(
        sign_up(&app, &uninvited, "producer", Some(&token)).await,
        StatusCode::FORBIDDEN
    );
    assert!(can_log_in(&app, &uninvited).await.is_none());

    assert_eq!(
        sign_up(&app, &invited.to_uppercase(), "producer", Some(&token)).await,
        StatusCode::ACCEPTED
    );
    let session = can_log_in(&app, &invited)
        .await
        .expect("the invited producer");
    assert_eq!(session["user"]["role"], "producer");

    // Used once: the same link does not open another producer account.
    let again = fresh_email();
    assert_eq!(
        sign_up(&app, &invited, "producer", Some(&token)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sign_up(&app, &again, "producer", Some(&token)).await,
        StatusCode::FORBIDDEN
    );

    // Buyers need nothing.
    let artist = fresh_email();
    assert_eq!(
        sign_up(&app, &artist, "artist", None).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        can_log_in(&app, &artist).await.unwrap()["user"]["role"],
        "artist"
    );
}

#[tokio::test]
async fn one_invitation_used_by_racing_sign_ups_makes_one_account() {
    let app = TestApp::spawn().await;
    let email = fresh_email();
    let token = app.invite_producer(&email).await;
    let (a, b, c) = tokio::join!(
        sign_up(&app, &email, "producer", Some(&token)),
        sign_up(&app, &email, "producer", Some(&token)),
        sign_up(&app, &email, "producer", Some(&token)),
    );
    let statuses = [a, b, c];
    assert!(statuses.contains(&StatusCode::ACCEPTED), "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::FORBIDDEN),
        "{statuses:?}"
    );
    let accounts = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email.as_str()))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn a_marketplace_takes_any_producer() {
    let app = super::marketplace_app("10", 0).await;
    let email = fresh_email();
    assert_eq!(
        sign_up(&app, &email, "producer", None).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        can_log_in(&app, &email).await.unwrap()["user"]["role"],
        "producer"
    );
}
