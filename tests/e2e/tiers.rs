use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::assert_problem;

#[tokio::test]
async fn a_producer_sets_prices_terms_and_availability() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let path = format!("/api/v1/beats/{beat}/tiers");

    let defaults: Value = app
        .get(&path, Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(defaults.as_array().unwrap().len(), 4);
    assert_eq!(defaults[3]["kind"], "exclusive");
    assert_eq!(
        defaults[3]["terms"]["distribution_copies"],
        Value::Null,
        "exclusive is unlimited"
    );
    assert_eq!(defaults[2]["includes"], json!(["trackout", "wav", "mp3"]));

    let response = app
        .send_json(Method::PUT, &path, Some(&producer.token), &json!([
            {"kind": "mp3_lease", "name": "Basic", "price_cents": 1999, "enabled": true,
             "terms": {"distribution_copies": 2000, "audio_streams": 50000, "music_videos": 1, "radio_stations": 0, "term_years": 2}},
            {"kind": "exclusive", "price_cents": 99900, "enabled": false, "terms": {}},
        ]))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tiers: Value = response.json().await.unwrap();
    assert_eq!(tiers[0]["name"], "Basic");
    assert_eq!(tiers[0]["price_cents"], 1999);
    assert_eq!(tiers[0]["terms"]["term_years"], 2);
    assert_eq!(
        tiers[1]["price_cents"], 4999,
        "tiers not mentioned keep their settings"
    );
    assert_eq!(tiers[3]["enabled"], false);

    let beat_view: Value = app
        .get(&format!("/api/v1/beats/{beat}"), Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beat_view["lowest_price_cents"], 1999);
}

#[tokio::test]
async fn impossible_tiers_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let path = format!("/api/v1/beats/{beat}/tiers");
    let before: Value = app
        .get(&path, Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();

    for body in [
        json!([{"kind": "mp3_lease", "price_cents": 10, "enabled": true, "terms": {}}]),
        json!([{"kind": "platinum", "price_cents": 1000, "enabled": true, "terms": {}}]),
        json!([{"kind": "mp3_lease", "price_cents": 1000, "enabled": true, "terms": {"streams": 5}}]),
        json!([{"kind": "mp3_lease", "price_cents": 1000, "enabled": true, "terms": {}},
               {"kind": "mp3_lease", "price_cents": 2000, "enabled": true, "terms": {}}]),
    ] {
        let response = app
            .send_json(Method::PUT, &path, Some(&producer.token), &body)
            .await;
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    }
    let after: Value = app
        .get(&path, Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
}
