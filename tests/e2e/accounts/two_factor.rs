use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_core::auth::{now_seconds, totp};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, PASSWORD, assert_problem};

use super::me;

/// Enrols `account`, returning the secret and the recovery codes.
async fn enrol(app: &TestApp, account: &Account) -> (String, Vec<String>) {
    let started: Value = app
        .post("/api/v1/me/two-factor", Some(&account.token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let secret = started["secret"].as_str().unwrap().to_owned();
    assert!(
        started["qr_svg"].as_str().unwrap().contains("<svg"),
        "{started:#}"
    );
    assert!(
        started["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Trackout:"),
        "{started:#}"
    );
    let wrong = app
        .post(
            "/api/v1/me/two-factor/confirm",
            Some(&account.token),
            &json!({"code": "000000"}),
        )
        .await;
    assert_problem(wrong, StatusCode::BAD_REQUEST, "invalid_code").await;
    let code = totp::code_at(&secret, now_seconds()).unwrap();
    let confirmed = app
        .post(
            "/api/v1/me/two-factor/confirm",
            Some(&account.token),
            &json!({"code": code}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let body: Value = confirmed.json().await.unwrap();
    let codes: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn password_step(app: &TestApp, email: &str) -> String {
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["two_factor_required"], true, "{body:#}");
    assert!(
        body.get("token").is_none(),
        "no session before the second factor"
    );
    body["pending_token"].as_str().unwrap().to_owned()
}

async fn second_step(app: &TestApp, pending: &str, code: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/login/totp",
        None,
        &json!({"pending_token": pending, "code": code}),
    )
    .await
}

#[tokio::test]
async fn enrolment_then_login_asks_for_the_code_and_no_code_works_twice() {
    let app = TestApp::spawn().await;
    let artist = app.register("artist").await;
    assert_eq!(me(&app, &artist).await["two_factor_enabled"], false);
    let (secret, _) = enrol(&app, &artist).await;
    assert_eq!(me(&app, &artist).await["two_factor_enabled"], true);
    assert!(
        trackout_core::services::two_factor::two_factor_enabled(&app.state.db, artist.id)
            .await
            .unwrap()
    );

    let pending = password_step(&app, &artist.email).await;
    // The code that confirmed enrolment is spent: the same step is refused.
    let same = totp::code_at(&secret, now_seconds()).unwrap();
    assert_problem(
        second_step(&app, &pending, &same).await,
        StatusCode::UNAUTHORIZED,
        "invalid_code",
    )
    .await;
    assert_problem(
        second_step(&app, &pending, "123456").await,
        StatusCode::UNAUTHORIZED,
        "invalid_code",
    )
    .await;
    // The next step's code (one step of drift is allowed) opens a session, once.
    let next = totp::code_at(&secret, now_seconds() + 30).unwrap();
    let ok = second_step(&app, &pending, &next).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/me", Some(token)).await.status(),
        StatusCode::OK
    );
    let pending = password_step(&app, &artist.email).await;
    assert_problem(
        second_step(&app, &pending, &next).await,
        StatusCode::UNAUTHORIZED,
        "invalid_code",
    )
    .await;

    // A pending token is not a session, and a session is not a pending token.
    assert_eq!(
        app.get("/api/v1/me", Some(&pending)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_problem(
        second_step(&app, &artist.token, &next).await,
        StatusCode::UNAUTHORIZED,
        "second_factor_expired",
    )
    .await;
}

#[tokio::test]
async fn recovery_codes_work_once_each_and_turning_it_off_takes_a_code() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let (_, codes) = enrol(&app, &producer).await;

    let pending = password_step(&app, &producer.email).await;
    let used = second_step(&app, &pending, &codes[0].to_lowercase()).await;
    assert_eq!(
        used.status(),
        StatusCode::OK,
        "case and dashes do not matter"
    );
    let pending = password_step(&app, &producer.email).await;
    assert_problem(
        second_step(&app, &pending, &codes[0]).await,
        StatusCode::UNAUTHORIZED,
        "invalid_code",
    )
    .await;
    assert_eq!(
        second_step(&app, &pending, &codes[1]).await.status(),
        StatusCode::OK
    );

    let refused = app
        .post(
            "/api/v1/me/two-factor/disable",
            Some(&producer.token),
            &json!({"code": codes[1]}),
        )
        .await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_code").await;
    let off = app
        .post(
            "/api/v1/me/two-factor/disable",
            Some(&producer.token),
            &json!({"code": codes[2]}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &producer).await["two_factor_enabled"], false);
    app.login(&producer.email, PASSWORD).await;
}
