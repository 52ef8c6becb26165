use chrono::Utc;
use entity::account_token;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use trackout_core::auth::{TokenKind, now_seconds};
use trackout_tests::app::{PASSWORD, assert_problem};

use super::{MAIL_WAIT, open_page, token_in, with_smtp};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn reset(app: &trackout_tests::TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/password/reset",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

#[tokio::test]
async fn forgot_then_reset_once_ends_every_session_and_the_new_password_works() {
    let (app, smtp) = with_smtp().await;
    let artist = app.register("artist").await;
    let other_device = app.login(&artist.email, PASSWORD).await;

    let asked = app
        .post(
            "/api/v1/auth/password/forgot",
            None,
            &json!({"email": artist.email.to_uppercase()}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .wait_for(&artist.email, "Reset your password", MAIL_WAIT)
        .await;
    let link = mail.link("/reset-password").expect("a reset link");
    open_page(&app, &link).await;
    let token = token_in(&mail, "/reset-password");

    // A password that is too short changes nothing and leaves the link usable.
    let short = reset(&app, &token, "short").await;
    assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;

    assert_eq!(
        reset(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    // Used: refused.
    assert_problem(
        reset(&app, &token, "yet another password").await,
        StatusCode::BAD_REQUEST,
        "link_used",
    )
    .await;

    // Every session of the account ended, on every device.
    for session in [&artist, &other_device] {
        assert_problem(
            app.get("/api/v1/me", Some(&session.token)).await,
            StatusCode::UNAUTHORIZED,
            "session_ended",
        )
        .await;
    }
    let old = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": artist.email, "password": PASSWORD}),
        )
        .await;
    assert_problem(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    app.login(&artist.email, NEW_PASSWORD).await;
    smtp.wait_for(&artist.email, "Your password was changed", MAIL_WAIT)
        .await;
}

#[tokio::test]
async fn expired_tampered_and_other_kinds_of_token_are_refused() {
    let (app, smtp) = with_smtp().await;
    let artist = app.register_unverified("artist").await;
    app.post(
        "/api/v1/auth/password/forgot",
        None,
        &json!({"email": artist.email}),
    )
    .await;
    let mail = smtp
        .wait_for(&artist.email, "Reset your password", MAIL_WAIT)
        .await;
    let token = token_in(&mail, "/reset-password");

    // Tampered: one character of the signature changed.
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_problem(
        reset(&app, &tampered, NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
    assert_problem(
        reset(&app, "not a token at all", NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;

    // Another kind: the verification link's token, and a session token.
    let verify_mail = smtp
        .wait_for(&artist.email, "Confirm your email", MAIL_WAIT)
        .await;
    let verify_token = token_in(&verify_mail, "/verify-email");
    assert_problem(
        reset(&app, &verify_token, NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
    assert_problem(
        reset(&app, &artist.token, NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
    // And the reset token is no verification token either.
    let as_verify = app
        .post("/api/v1/auth/verify", None, &json!({"token": token}))
        .await;
    assert_problem(as_verify, StatusCode::BAD_REQUEST, "link_invalid").await;

    // Signed right, but its row says it expired (30 minutes are up).
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(account_token::Column::Kind.eq("password_reset"))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_problem(
        reset(&app, &token, NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_expired",
    )
    .await;

    // A token whose own `exp` has passed, signed with the store's reset key.
    let row = account_token::Entity::find()
        .filter(account_token::Column::Kind.eq("password_reset"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let now = now_seconds();
    let stale = app.state.tokens.issue_bearer(
        TokenKind::PasswordReset,
        row.user_id,
        row.id,
        now - 3600,
        now - 1800,
    );
    assert_problem(
        reset(&app, &stale, NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "link_expired",
    )
    .await;

    // None of it changed the password.
    app.login(&artist.email, PASSWORD).await;
}
