use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::assert_problem;

use super::{patch_me, producer_with_handle};
use crate::commerce::catalog_beat;

#[tokio::test]
async fn a_producer_sets_up_their_page_and_anyone_reads_it() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let response = patch_me(
        &app,
        &producer,
        &json!({"display_name": "Night Shift", "handle": "@NightShift",
                "bio": "Dark trap from Rotterdam.\nStems on every lease above MP3.",
                "links": ["https://www.instagram.com/nightshift", "https://nightshift.studio"]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["handle"], "nightshift", "lower-cased, without the @");
    assert_eq!(me["display_name"], "Night Shift");
    assert_eq!(me["page_url"], "/p/nightshift");

    // Any case of the handle finds the page; so does the id.
    for key in ["NIGHTSHIFT", "nightshift", &producer.id.to_string()] {
        let page = app.get(&format!("/api/v1/producers/{key}"), None).await;
        assert_eq!(page.status(), StatusCode::OK, "{key}");
        let page: Value = page.json().await.unwrap();
        assert_eq!(page["display_name"], "Night Shift");
        assert_eq!(
            page["bio"],
            "Dark trap from Rotterdam.\nStems on every lease above MP3."
        );
        assert_eq!(page["links"][0]["label"], "Instagram");
        assert_eq!(page["links"][1]["label"], "nightshift.studio");
        assert_eq!(page["published_beats"], 0);
    }

    // Their published beats, through the catalog's own filter; a draft stays out.
    let beat = catalog_beat(&app, &producer).await;
    app.new_beat(&producer).await;
    let other = app.register("producer").await;
    catalog_beat(&app, &other).await;
    let listed: Value = app
        .get("/api/v1/beats?producer=NightShift", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], beat.to_string());
    assert_eq!(listed["items"][0]["producer"]["handle"], "nightshift");
    let none: Value = app
        .get("/api/v1/beats?producer=nobody-here", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
    let page: Value = app
        .get("/api/v1/producers/nightshift", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["published_beats"], 1);
}

#[tokio::test]
async fn handles_are_unique_ignoring_case() {
    let app = TestApp::spawn().await;
    producer_with_handle(&app, "Metro").await;
    let second = app.register("producer").await;
    for taken in ["metro", "METRO", "MeTrO"] {
        let response = patch_me(&app, &second, &json!({"handle": taken})).await;
        let body = assert_problem(response, StatusCode::CONFLICT, "handle_taken").await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("another producer")
        );
    }
    // Keeping your own handle, in another case, is not a conflict.
    let first = producer_with_handle(&app, "metro-2").await;
    let again = patch_me(&app, &first, &json!({"handle": "METRO-2", "bio": "hi"})).await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_producer_gets_a_handle_from_their_name_with_their_first_beat() {
    let app = TestApp::spawn().await;
    let first = app.register("producer").await; // "Test producer"
    let second = app.register("producer").await; // the same name
    let a = app.new_beat(&first).await;
    let b = app.new_beat(&second).await;
    let view = |id| {
        let app = &app;
        let first = first.clone();
        async move {
            let v: Value = app
                .get(&format!("/api/v1/beats/{id}"), Some(&first.token))
                .await
                .json()
                .await
                .unwrap();
            v
        }
    };
    assert_eq!(view(a).await["producer"]["handle"], "test-producer");
    let b: Value = app
        .get(&format!("/api/v1/beats/{b}"), Some(&second.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b["producer"]["handle"], "test-producer-2");
}

#[tokio::test]
async fn bad_profiles_are_refused_by_field() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    for (body, field) in [
        (json!({"handle": "x"}), "handle"),
        (json!({"handle": "admin"}), "handle"),
        (json!({"handle": "no spaces"}), "handle"),
        (json!({"links": ["javascript:alert(1)"]}), "links[0]"),
        (json!({"bio": "x".repeat(501)}), "bio"),
        (json!({"display_name": "  "}), "display_name"),
    ] {
        let response = patch_me(&app, &producer, &body).await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert_eq!(problem["field"], field, "{body}");
    }
    let seven: Vec<String> = (0..7)
        .map(|i| format!("https://site{i}.example.com"))
        .collect();
    let response = patch_me(&app, &producer, &json!({"links": seven})).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    let response = patch_me(&app, &producer, &json!({"role": "admin"})).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );

    // Artists have a name, not a page.
    let artist = app.register("artist").await;
    let response = patch_me(&app, &artist, &json!({"handle": "luna"})).await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    let renamed = patch_me(&app, &artist, &json!({"display_name": "Luna Ray"})).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let me: Value = app
        .get("/api/v1/me", Some(&artist.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Luna Ray");
    // An artist has no page, whatever id is tried; nor does a handle nobody holds.
    assert_eq!(
        app.get(&format!("/api/v1/producers/{}", artist.id), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/producers/nobody", None).await.status(),
        StatusCode::NOT_FOUND
    );
    let anonymous = app
        .send_json(
            reqwest::Method::PATCH,
            "/api/v1/me",
            None,
            &json!({"bio": "x"}),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
