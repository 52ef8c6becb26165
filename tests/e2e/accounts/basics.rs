use base64::Engine;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use trackout_core::auth::{SessionClaims, TokenKind, Tokens};
use trackout_tests::TestApp;
use trackout_tests::app::assert_problem;

#[tokio::test]
async fn register_login_and_me() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;

    let me: Value = app
        .get("/api/v1/me", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], producer.email.as_str());
    assert_eq!(me["role"], "producer");

    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": producer.email.to_uppercase(), "password": "a long enough password"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["user"]["id"], producer.id.to_string());

    let stored: String = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            format!(
                "SELECT password_hash FROM users WHERE email = '{}'",
                producer.email
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "password_hash")
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$"),
        "passwords are stored as argon2id hashes"
    );
}
#[tokio::test]
async fn bad_input_names_the_problem() {
    let app = TestApp::spawn().await;
    let short = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "new@example.com", "password": "short", "display_name": "X", "role": "artist"}),
        )
        .await;
    let body = assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("at least 10 characters")
    );

    let role = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "new@example.com", "password": "long enough pass", "display_name": "X", "role": "admin"}),
        )
        .await;
    assert_problem(role, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let artist = app.register("artist").await;
    for (email, password) in [
        (artist.email.as_str(), "not the password at all"),
        ("nobody@example.com", "a long enough password"),
        ("not an email", "a long enough password"),
    ] {
        let response = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
}

fn tamper_payload(token: &str, change: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    change(&mut claims);
    format!(
        "{}.{}.{}",
        parts[0],
        engine.encode(claims.to_string()),
        parts[2]
    )
}

#[tokio::test]
async fn bad_tokens_are_refused_with_a_precise_code() {
    let app = TestApp::spawn().await;
    let artist = app.register("artist").await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;

    assert_problem(
        app.get("/api/v1/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // The signature no longer matches once the payload changes (here: promoted to producer).
    let promoted = tamper_payload(&artist.token, |c| c["role"] = json!("producer"));
    assert_problem(
        app.get("/api/v1/me", Some(&promoted)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // `alg: none` with no signature.
    let parts: Vec<&str> = artist.token.split('.').collect();
    let none_header = engine.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{none_header}.{}.", parts[1]);
    assert_problem(
        app.get("/api/v1/me", Some(&unsigned)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    let tokens = Tokens::new(
        secrecy::SecretString::from("a test secret that is long enough"),
        std::time::Duration::from_secs(60),
    );
    let claims: SessionClaims = tokens.verify_session(&artist.token).unwrap();

    // Expired (beyond the few seconds of leeway).
    let mut old = claims.clone();
    old.exp = claims.iat - 120;
    let expired = tokens.sign(TokenKind::Session, &old);
    assert_problem(
        app.get("/api/v1/me", Some(&expired)).await,
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;

    // A download token with the same claims cannot open a session.
    let download = tokens.sign(TokenKind::Download, &claims);
    assert_problem(
        app.get("/api/v1/me", Some(&download)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // The right key but another audience.
    let mut wrong_aud = claims.clone();
    wrong_aud.aud = "somebody-else".into();
    let wrong = tokens.sign(TokenKind::Session, &wrong_aud);
    assert_problem(
        app.get("/api/v1/me", Some(&wrong)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Signed by another store.
    let other = Tokens::new(
        secrecy::SecretString::from("another store's secret"),
        std::time::Duration::from_secs(60),
    );
    let foreign = other.sign(TokenKind::Session, &claims);
    assert_problem(
        app.get("/api/v1/me", Some(&foreign)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // And the genuine token still works.
    assert_eq!(
        app.get("/api/v1/me", Some(&artist.token)).await.status(),
        StatusCode::OK
    );
}
