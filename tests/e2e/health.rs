use reqwest::StatusCode;
use serde_json::Value;
use trackout_tests::TestApp;

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["storage"], "ok");
}

#[tokio::test]
async fn readyz_reports_storage_that_is_gone() {
    let app = TestApp::spawn().await;
    std::fs::remove_dir_all(app.dir.path().join("objects")).unwrap();
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["storage"], "unavailable");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me/beats", "get"),
        ("/api/v1/beats", "get"),
        ("/api/v1/beats", "post"),
        ("/api/v1/beats/{id}", "get"),
        ("/api/v1/beats/{id}", "patch"),
        ("/api/v1/beats/{id}", "delete"),
        ("/api/v1/beats/{id}/tiers", "get"),
        ("/api/v1/beats/{id}/tiers", "put"),
        ("/api/v1/beats/{id}/{kind}", "put"),
        ("/api/v1/beats/{id}/uploads", "post"),
        ("/api/v1/uploads/{session}", "head"),
        ("/api/v1/uploads/{session}", "patch"),
        ("/api/v1/uploads/{session}", "delete"),
        ("/api/v1/beats/{id}/processing", "get"),
        ("/api/v1/beats/{id}/publish", "post"),
        ("/api/v1/beats/{id}/unpublish", "post"),
        ("/api/v1/beats/{id}/relist", "post"),
        ("/api/v1/beats/{id}/preview", "get"),
        ("/api/v1/beats/{id}/peaks", "get"),
        ("/api/v1/checkout", "post"),
        ("/api/v1/webhooks/stripe", "post"),
        ("/api/v1/licenses/{license_id}", "get"),
        ("/api/v1/purchases", "get"),
        ("/api/v1/purchases/{id}", "get"),
        ("/api/v1/purchases/{id}/shares", "post"),
        ("/api/v1/purchases/{id}/shares", "get"),
        ("/api/v1/purchases/{id}/shares/{share_id}", "delete"),
        ("/api/v1/sales", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/producers/{handle}", "get"),
        ("/api/v1/beats/{id}/cover", "put"),
        ("/api/v1/beats/{id}/cover", "get"),
        ("/api/v1/beats/{id}/cover/{file}", "get"),
        ("/api/v1/beats/{id}/stems", "get"),
        ("/api/v1/purchases/{id}/cancel", "post"),
        ("/d/{token}", "get"),
        ("/s/{token}", "get"),
        ("/pay/dev/{id}", "get"),
        ("/pay/dev/{id}", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/beats/00000000-0000-0000-0000-000000000000",
        "/api/v1/beats",
        "/api/v1/beats/not-a-uuid",
        "/d/not-a-token",
        "/s/not-a-token",
        "/healthz",
        "/js/app.js",
    ] {
        let response = app.get(path, None).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'self'"),
            "{path}: {csp:?}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(
            header("strict-transport-security"),
            "",
            "{path}: no HSTS for a plain-http store"
        );
    }
}

#[tokio::test]
async fn a_store_on_https_tells_browsers_to_insist_on_it() {
    let app = TestApp::builder()
        .config(|c| c.public_url = Some("https://beats.example.com".into()))
        .spawn()
        .await;
    let response = app.get("/api/v1/beats", None).await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

/// The links a client (and the stateful fuzzer in `.ci/fuzz-api`) follows from a new beat and a
/// checkout to the purchase and its shares are there, and each points at a real operation.
#[tokio::test]
async fn openapi_links_lead_from_a_checkout_to_its_purchase_and_shares() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for response in responses.values() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    let target = link["operationRef"].as_str().unwrap();
                    let pointer = target.strip_prefix('#').unwrap();
                    assert!(
                        doc.pointer(pointer).is_some(),
                        "{method} {path}: link {name} points at {target}, which is not in the document"
                    );
                    found.push(name.clone());
                }
            }
        }
    }
    for name in [
        "GetBeat",
        "UploadToBeat",
        "GetPurchase",
        "ShareStems",
        "ListShares",
        "RevokeShare",
        "UploadSessionBytes",
    ] {
        assert!(found.iter().any(|f| f == name), "no link {name}: {found:?}");
    }
}
