use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::{PASSWORD, assert_problem};

async fn status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/v1/me", Some(token)).await.status()
}

#[tokio::test]
async fn logout_ends_this_session_only_and_logout_all_ends_every_one() {
    let app = TestApp::spawn().await;
    let laptop = app.register("artist").await;
    let phone = app.login(&laptop.email, PASSWORD).await;
    let tablet = app.login(&laptop.email, PASSWORD).await;

    let sessions: Vec<Value> = app
        .client
        .get(app.url("/api/v1/me/sessions"))
        .bearer_auth(&laptop.token)
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 3, "{sessions:#?}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(
        sessions
            .iter()
            .all(|s| s["address"] == "127.0.0.1" && s["last_seen_at"].is_string())
    );

    let out = app
        .post("/api/v1/auth/logout", Some(&phone.token), &json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/api/v1/me", Some(&phone.token)).await,
        StatusCode::UNAUTHORIZED,
        "session_ended",
    )
    .await;
    assert_eq!(status(&app, &laptop.token).await, StatusCode::OK);
    assert_eq!(status(&app, &tablet.token).await, StatusCode::OK);

    let all = app
        .post("/api/v1/auth/logout-all", Some(&tablet.token), &json!({}))
        .await;
    assert_eq!(all.status(), StatusCode::NO_CONTENT);
    for token in [&laptop.token, &tablet.token] {
        assert_eq!(status(&app, token).await, StatusCode::UNAUTHORIZED);
    }
    // A new login works as before.
    let again = app.login(&laptop.email, PASSWORD).await;
    assert_eq!(status(&app, &again.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_needs_the_current_password() {
    let app = TestApp::spawn().await;
    let here = app.register("producer").await;
    let elsewhere = app.login(&here.email, PASSWORD).await;

    let wrong = app
        .post(
            "/api/v1/me/password",
            Some(&here.token),
            &json!({"current_password": "not my password", "new_password": "a new long password"}),
        )
        .await;
    assert_problem(wrong, StatusCode::BAD_REQUEST, "wrong_password").await;
    assert_eq!(
        status(&app, &elsewhere.token).await,
        StatusCode::OK,
        "a refused change ends nothing"
    );

    let changed = app
        .post(
            "/api/v1/me/password",
            Some(&here.token),
            &json!({"current_password": PASSWORD, "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        status(&app, &here.token).await,
        StatusCode::OK,
        "this session stays"
    );
    assert_problem(
        app.get("/api/v1/me", Some(&elsewhere.token)).await,
        StatusCode::UNAUTHORIZED,
        "session_ended",
    )
    .await;
    app.login(&here.email, "a new long password").await;
}

#[tokio::test]
async fn a_session_revoked_by_another_process_ends_within_the_cache_bound() {
    let app = TestApp::spawn().await;
    let artist = app.register("artist").await;
    assert_eq!(status(&app, &artist.token).await, StatusCode::OK);
    // Another API machine revokes it: the row changes, this process's cache does not know.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::session::Entity::update_many()
        .col_expr(
            entity::session::Column::RevokedAt,
            Expr::value(Some(chrono::Utc::now())),
        )
        .filter(entity::session::Column::UserId.eq(artist.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let bound = std::time::Duration::from_secs(trackout_core::services::sessions::CACHE_SECONDS);
    // Generous: this proves the revocation reaches this process, not the exact timing.
    let deadline = tokio::time::Instant::now() + bound + std::time::Duration::from_secs(10);
    loop {
        if status(&app, &artist.token).await == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still signed in after {bound:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
