use chrono::{Duration, Utc};
use entity::beat;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};
use uuid::Uuid;

/// Publishing needs uploads and a passing check (covered in `check`); here we only arrange
/// which beats are in the catalog, and when they were published.
async fn put_in_catalog(app: &TestApp, id: Uuid, minutes_ago: i64) {
    let row = beat::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: beat::ActiveModel = row.into();
    row.status = Set("published".into());
    row.published_at = Set(Some(Utc::now() - Duration::minutes(minutes_ago)));
    row.update(&app.state.db).await.unwrap();
}

/// A beat with `listing` (title, bpm, key, genre, moods, tags) whose MP3 lease costs `price`.
async fn beat(app: &TestApp, producer: &Account, listing: Value, price: i64) -> Uuid {
    let created = app.create_beat(producer, &listing).await;
    let id: Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let response = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/beats/{id}/tiers"),
            Some(&producer.token),
            &json!([{"kind": "mp3_lease", "price_cents": price, "enabled": true, "terms": {}}]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    id
}

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/v1/beats?{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_catalog_filters_sorts_and_pages_published_beats_only() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let a = beat(&app, &producer, json!({"title": "Ashes", "bpm": 140, "key": "A min", "genre": "Trap", "moods": ["dark"], "tags": ["808", "night"]}), 2500)
    .await;
    let b = beat(&app, &producer, json!({"title": "Bloom", "bpm": 92, "key": "C maj", "genre": "Boom Bap", "moods": ["chill"], "tags": ["jazzy"]}), 1500)
    .await;
    let c = beat(&app, &producer, json!({"title": "Cinder 100%", "bpm": 150, "key": "Am", "genre": "trap", "moods": ["dark", "hype"], "tags": ["drill"]}), 3500)
    .await;
    let _draft = beat(&app, &producer, json!({"title": "Draft Dark", "bpm": 140, "key": "A min", "genre": "trap", "moods": ["dark"], "tags": []}), 100)
    .await;
    put_in_catalog(&app, a, 30).await;
    put_in_catalog(&app, b, 20).await;
    put_in_catalog(&app, c, 10).await;

    assert_eq!(
        titles(&app, "").await,
        ["Cinder 100%", "Bloom", "Ashes"],
        "newest first; drafts never shown"
    );
    assert_eq!(titles(&app, "genre=TRAP").await, ["Cinder 100%", "Ashes"]);
    assert_eq!(
        titles(&app, "mood=dark&sort=bpm_asc").await,
        ["Ashes", "Cinder 100%"]
    );
    assert_eq!(titles(&app, "tag=jazzy").await, ["Bloom"]);
    assert_eq!(
        titles(&app, "key=Am").await,
        ["Cinder 100%", "Ashes"],
        "any spelling of a key matches"
    );
    assert_eq!(titles(&app, "bpm_min=100&bpm_max=145").await, ["Ashes"]);
    assert_eq!(
        titles(&app, "q=night").await,
        ["Ashes"],
        "free text finds tags"
    );
    assert_eq!(
        titles(&app, "q=BLOOM").await,
        ["Bloom"],
        "and titles, ignoring case"
    );
    assert_eq!(
        titles(&app, "q=100%25").await,
        ["Cinder 100%"],
        "LIKE wildcards are literal"
    );
    assert_eq!(titles(&app, "q=%25").await, ["Cinder 100%"]);
    assert_eq!(
        titles(&app, "sort=price_asc").await,
        ["Bloom", "Ashes", "Cinder 100%"]
    );
    assert_eq!(
        titles(&app, "sort=price_desc").await,
        ["Cinder 100%", "Ashes", "Bloom"]
    );
    assert_eq!(
        titles(&app, "sort=bpm_desc").await,
        ["Cinder 100%", "Ashes", "Bloom"]
    );

    let page: Value = app
        .get("/api/v1/beats?per_page=2&page=2", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["title"], "Ashes");
    assert_eq!(page["items"][0]["lowest_price_cents"], 2500);
    assert_eq!(
        page["items"][0]["producer"]["display_name"],
        "Test producer"
    );
}

#[tokio::test]
async fn bad_catalog_queries_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("bpm_min=150&bpm_max=100", "bpm_min"),
        ("bpm_min=5", "bpm"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("page=9223372036854775808", "page"),
        ("page=18446744073709551615&per_page=100", "page"),
        ("page=99999999999999999999999", "query"),
        ("page=-1", "query"),
        ("per_page=0", "per_page"),
        ("bpm_min=9223372036854775807", "bpm"),
        ("bpm_max=-9223372036854775808", "bpm"),
        ("key=Zm", "key"),
        ("sort=random", "query"),
    ] {
        let response = app.get(&format!("/api/v1/beats?{query}"), None).await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert_eq!(problem["field"], field, "{query}");
    }
}

#[tokio::test]
async fn a_published_beat_is_public_and_its_draft_siblings_are_not() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let published = beat(&app, &producer, json!({"title": "Out", "bpm": 140, "key": "A min", "genre": "trap", "moods": [], "tags": []}), 2000).await;
    let draft = beat(&app, &producer, json!({"title": "Not yet", "bpm": 140, "key": "A min", "genre": "trap", "moods": [], "tags": []}), 2000)
    .await;
    put_in_catalog(&app, published, 1).await;
    assert_eq!(
        app.get(&format!("/api/v1/beats/{published}"), None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/beats/{published}/tiers"), None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/beats/{draft}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/beats/{draft}/tiers"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
