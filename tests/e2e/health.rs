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
        ("/api/v1/beats/{id}/processing", "get"),
        ("/api/v1/beats/{id}/publish", "post"),
        ("/api/v1/beats/{id}/unpublish", "post"),
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
