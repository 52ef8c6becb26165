use reqwest::StatusCode;
use serde_json::json;
use trackout_core::config::{Cidr, Rate};
use trackout_tests::TestApp;
use trackout_tests::app::{PASSWORD, assert_problem};

/// A client whose requests come from another loopback address.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn login(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header")
}

#[tokio::test]
async fn failed_logins_lock_that_account_out_from_everywhere_and_no_other() {
    let app = TestApp::builder()
        .config(|c| {
            c.limits.rate.failures_before_lockout = 3;
            c.limits.rate.lockout_seconds = 30;
        })
        .spawn()
        .await;
    let victim = app.register("artist").await;
    let bystander = app.register("artist").await;
    let here = reqwest::Client::new();
    for _ in 0..3 {
        let wrong = login(&here, &app, &victim.email, "guessing the password").await;
        assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Locked: even the right password waits, and from another address too.
    for client in [&here, &client_from("127.0.0.2")] {
        let locked = login(client, &app, &victim.email, PASSWORD).await;
        let wait = retry_after(&locked);
        assert!((1..=30).contains(&wait), "{wait}");
        let body = assert_problem(locked, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        assert!(
            body["detail"].as_str().unwrap().contains("try again in"),
            "{body}"
        );
    }
    // The next failure (recorded as a wrong password would be) doubles the lock-out.
    app.state.limits.failed(&victim.email);
    let longer = login(&here, &app, &victim.email, PASSWORD).await;
    assert!(retry_after(&longer) > 30, "{}", retry_after(&longer));
    // Another account is unaffected.
    assert_eq!(
        login(&here, &app, &bystander.email, PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_and_a_forged_forwarded_for_changes_nothing() {
    let app = TestApp::builder()
        .config(|c| c.limits.rate.signup_per_address = Rate::per_hour(3))
        .spawn()
        .await;
    let sign_up = |client: reqwest::Client, forwarded: Option<&'static str>| {
        let url = app.url("/api/v1/auth/register");
        async move {
            let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
            let mut request = client.post(url).json(&json!({"email": email, "password": PASSWORD, "display_name": "X", "role": "artist"}));
            if let Some(f) = forwarded {
                request = request.header("x-forwarded-for", f);
            }
            request.send().await.unwrap()
        }
    };
    let here = reqwest::Client::new();
    for _ in 0..3 {
        assert_eq!(
            sign_up(here.clone(), None).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = sign_up(here.clone(), None).await;
    assert!(retry_after(&limited) >= 1);
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Writing any X-Forwarded-For does not buy a new bucket: 127.0.0.1 is no trusted proxy.
    for forged in ["1.2.3.4", "5.6.7.8, 9.9.9.9"] {
        assert_eq!(
            sign_up(here.clone(), Some(forged)).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    // Another address has its own.
    assert_eq!(
        sign_up(client_from("127.0.0.2"), None).await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_hop_it_added_is_the_client() {
    let app = TestApp::builder()
        .config(|c| {
            c.limits.rate.password_per_address = Rate::per_hour(2);
            c.limits.server.trusted_proxies = vec!["127.0.0.1/32".into()];
        })
        .spawn()
        .await;
    assert!(Cidr::parse("127.0.0.1/32").is_ok());
    let forgot = |forwarded: &'static str| {
        let request = app
            .client
            .post(app.url("/api/v1/auth/password/forgot"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"email": format!("{}@example.com", uuid::Uuid::new_v4().simple())}));
        async move { request.send().await.unwrap().status() }
    };
    // The proxy (127.0.0.1) says the client is 198.51.100.7; what the client itself wrote to
    // the left of it does not matter.
    assert_eq!(forgot("198.51.100.7").await, StatusCode::ACCEPTED);
    assert_eq!(forgot("6.6.6.6, 198.51.100.7").await, StatusCode::ACCEPTED);
    assert_eq!(
        forgot("7.7.7.7, 198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is not held back.
    assert_eq!(forgot("203.0.113.50").await, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn reset_mails_and_guest_checkouts_are_limited_per_account_too() {
    let app = TestApp::builder()
        .config(|c| {
            c.limits.rate.password_per_account = Rate::per_hour(2);
            c.limits.rate.checkout_per_account = Rate::per_hour(1);
        })
        .spawn()
        .await;
    let target = "inbox@example.com";
    for _ in 0..2 {
        let ok = app
            .post(
                "/api/v1/auth/password/forgot",
                None,
                &json!({"email": target}),
            )
            .await;
        assert_eq!(ok.status(), StatusCode::ACCEPTED);
    }
    let flooded = app
        .post(
            "/api/v1/auth/password/forgot",
            None,
            &json!({"email": target.to_uppercase()}),
        )
        .await;
    assert_problem(flooded, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let other = app
        .post(
            "/api/v1/auth/password/forgot",
            None,
            &json!({"email": "other@example.com"}),
        )
        .await;
    assert_eq!(other.status(), StatusCode::ACCEPTED);

    let producer = app.register("producer").await;
    let beat = crate::commerce::catalog_beat(&app, &producer).await;
    let body = json!({"beat_id": beat, "tier": "mp3_lease", "email": "guest@example.com"});
    assert_eq!(
        app.post("/api/v1/checkout", None, &body).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.post("/api/v1/checkout", None, &body).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
}
