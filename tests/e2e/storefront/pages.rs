use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::{TestApp, images};
use uuid::Uuid;

use super::producer_with_handle;
use crate::commerce::{catalog_beat, fulfilled, link, pay_dev, published_beat, started};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn download(app: &TestApp, url: &str) -> Vec<u8> {
    let response = app.get(url, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.bytes().await.unwrap().to_vec()
}

async fn as_browser(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("accept", BROWSER)
        .send()
        .await
        .unwrap()
}

async fn html_error(app: &TestApp, path: &str, status: StatusCode, says: &str) -> String {
    let response = as_browser(app, path).await;
    assert_eq!(response.status(), status, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8",
        "{path}"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains(says), "{path} should say {says:?}:\n{page}");
    assert!(page.contains("/css/base.css"), "in the store's style");
    page
}

#[tokio::test]
async fn people_get_pages_that_say_what_happened_and_clients_still_get_problems() {
    let app = TestApp::spawn().await;
    html_error(
        &app,
        "/s/not-a-real-token",
        StatusCode::NOT_FOUND,
        "This share link doesn't work",
    )
    .await;
    html_error(
        &app,
        "/d/eyJhbGciOiJIUzI1NiJ9.e30.tampered",
        StatusCode::UNAUTHORIZED,
        "This download link has expired",
    )
    .await;
    // Without the proof its link carries, no checkout opens, whatever the id.
    let page = html_error(
        &app,
        &format!("/pay/dev/{}", Uuid::new_v4()),
        StatusCode::FORBIDDEN,
        "This checkout cannot be paid",
    )
    .await;
    assert!(page.contains("href=\"/\""), "a way back to the catalog");
    html_error(
        &app,
        "/pay/dev/not-a-uuid",
        StatusCode::NOT_FOUND,
        "This checkout does not exist",
    )
    .await;
    // A client asking for JSON (or anything) still gets problem+json.
    for path in ["/s/not-a-real-token", "/d/x.y.z"] {
        let response = app.get(path, None).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
    // The API itself never answers HTML.
    let response = as_browser(&app, &format!("/api/v1/beats/{}", Uuid::new_v4())).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn a_beat_and_a_producer_page_carry_link_previews_in_the_html() {
    let app = TestApp::spawn().await;
    let producer = producer_with_handle(&app, "nightshift").await;
    let beat = catalog_beat(&app, &producer).await;
    app.send_json(
        reqwest::Method::PATCH,
        &format!("/api/v1/beats/{beat}"),
        Some(&producer.token),
        &json!({"title": "Velvet \"Hours\" <b>"}),
    )
    .await;
    let html = as_browser(&app, &format!("/beats/{beat}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<meta property="og:title" content="Velvet &quot;Hours&quot; &lt;b&gt; by Test producer">"#), "{html}");
    assert!(
        html.contains(
            "<title>Velvet &quot;Hours&quot; &lt;b&gt; by Test producer · Trackout</title>"
        ),
        "{html}"
    );
    assert!(html.contains("140 BPM · A min · trap"), "{html}");
    assert!(html.contains(&format!(
        r#"<meta property="og:url" content="{}/beats/{beat}">"#,
        app.address
    )));
    assert!(
        html.contains(r#"<meta name="twitter:card" content="summary">"#),
        "no cover yet"
    );
    assert!(!html.contains("<b>"), "the title is escaped");

    // With a cover, the preview shows it, as an absolute URL.
    let put = app
        .upload(
            &producer,
            beat,
            "cover",
            "image/png",
            images::png(1000, 1000),
        )
        .await;
    assert_eq!(put.status(), StatusCode::ACCEPTED);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let html = loop {
        let html = as_browser(&app, &format!("/beats/{beat}"))
            .await
            .text()
            .await
            .unwrap();
        if html.contains("og:image") {
            break html;
        }
        assert!(tokio::time::Instant::now() < deadline, "no og:image");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        html.contains(&format!(
            r#"<meta property="og:image" content="{}/api/v1/beats/{beat}/cover/"#,
            app.address
        )),
        "{html}"
    );
    assert!(html.contains("summary_large_image"));

    let html = as_browser(&app, "/p/NightShift")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<meta property="og:title" content="Test producer · beats on Trackout">"#),
        "{html}"
    );
    assert!(html.contains("1 beat for lease"), "{html}");
    assert!(html.contains(r#"<meta property="og:type" content="profile">"#));
    // Pages that name nothing get the plain shell.
    let plain = as_browser(&app, "/p/nobody-at-all")
        .await
        .text()
        .await
        .unwrap();
    assert!(plain.contains("<title>Trackout</title>") && !plain.contains("og:title"));
    let draft = app.new_beat(&producer).await;
    let plain = as_browser(&app, &format!("/beats/{draft}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!plain.contains("og:title"), "a draft is not previewed");
}

#[tokio::test]
async fn only_the_embed_pages_may_be_framed_by_any_site() {
    let app = TestApp::spawn().await;
    let producer = producer_with_handle(&app, "nightshift").await;
    let beat = catalog_beat(&app, &producer).await;
    for path in [
        format!("/embed/beats/{beat}"),
        "/embed/p/nightshift".to_owned(),
    ] {
        let response = as_browser(&app, &path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors *"), "{path}: {csp}");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
            "the rest of the policy still holds: {csp}"
        );
        assert!(response.text().await.unwrap().contains("/js/embed.js"));
    }
    let store = as_browser(&app, &format!("/beats/{beat}")).await;
    let csp = store
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        csp.as_deref()
            .is_some_and(|c| c.contains("frame-ancestors 'self'")),
        "{csp:?}"
    );
}

#[tokio::test]
async fn an_engineer_reads_the_session_settings_and_gets_named_stems() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let beat = published_beat(&app, &producer).await;

    // The beat page's list of stems: public, with no link to any file.
    let stems: Value = app
        .get(&format!("/api/v1/beats/{beat}/stems"), None)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = stems
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Kick.wav") && names.contains(&"808.wav"),
        "{stems:#}"
    );
    assert_eq!(stems[0]["sample_rate"], 44_100);
    assert!(!stems.to_string().contains("/d/"), "no download links");
    let draft = app.new_beat(&producer).await;
    assert_eq!(
        app.get(&format!("/api/v1/beats/{draft}/stems"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let (purchase, url) = started(&app, &buyer, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    let bought = fulfilled(&app, &buyer, purchase).await;
    let text = String::from_utf8(download(&app, link(&bought, "license.txt")).await).unwrap();
    assert!(
        text.contains(&format!("{}/licenses/TRK-", app.address)),
        "{text}"
    );
    assert!(
        !text.contains("/api/v1/licenses"),
        "the verify link is the page, not the JSON"
    );

    let share: Value = app
        .post(
            &format!("/api/v1/purchases/{purchase}/shares"),
            Some(&buyer.token),
            &json!({"label": "Mix engineer — Sam", "expires_in": 86400, "max_downloads": 5}),
        )
        .await
        .json()
        .await
        .unwrap();
    let share_url = share["url"].as_str().unwrap();
    let json: Value = app.get(share_url, None).await.json().await.unwrap();
    assert!(
        json["stems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["file_name"] == "Kick.wav")
    );
    let page = as_browser(&app, share_url).await.text().await.unwrap();
    for needle in [
        "Mix engineer — Sam",
        "140 BPM",
        "A min",
        "44.1 kHz",
        "5 of 5 downloads left",
        "24-bit int · stereo",
        "/css/base.css",
    ] {
        assert!(
            page.contains(needle),
            "the share page should show {needle:?}:\n{page}"
        );
    }
    let kick = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "stem:Kick.wav")
        .unwrap();
    let response = app.get(kick["url"].as_str().unwrap(), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename=\"Midnight Run - Kick.wav\""),
        "{disposition}"
    );
    let page = as_browser(&app, share_url).await.text().await.unwrap();
    assert!(page.contains("4 of 5 downloads left"), "{page}");

    // Revoked: the engineer's browser is told, in words, what to do.
    app.client
        .delete(app.url(&format!(
            "/api/v1/purchases/{purchase}/shares/{}",
            share["id"].as_str().unwrap()
        )))
        .bearer_auth(&buyer.token)
        .send()
        .await
        .unwrap();
    html_error(
        &app,
        share_url,
        StatusCode::FORBIDDEN,
        "This share link has ended",
    )
    .await;
    html_error(
        &app,
        share_url,
        StatusCode::FORBIDDEN,
        "This link was revoked by the artist.",
    )
    .await;
}
