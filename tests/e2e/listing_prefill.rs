//! A beat created without its tempo or key gets them from the trackout check, marked as
//! detected until the producer confirms; what the producer typed is kept and compared.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

fn checked(p: &Value) -> bool {
    matches!(p["check"]["state"].as_str(), Some("passed" | "failed"))
}

async fn create(app: &TestApp, producer: &Account, listing: Value) -> (Uuid, Value) {
    let mut body = json!({"title": "Heard Not Typed", "genre": "Trap"});
    body.as_object_mut()
        .unwrap()
        .extend(listing.as_object().unwrap().clone());
    let beat = app.create_beat(producer, &body).await;
    (beat["id"].as_str().unwrap().parse().unwrap(), beat)
}

/// Uploads the 20 s, 140 BPM beat in A minor and waits for its check.
async fn upload_and_check(app: &TestApp, producer: &Account, beat: Uuid) -> Value {
    let (trackout, master) = fixtures::beat_at_140_in_a_minor();
    for (kind, mime, body) in [
        ("master", "audio/wav", master),
        ("trackout", "application/zip", trackout),
    ] {
        let response = app.upload(producer, beat, kind, mime, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let processing = app
        .wait_for_processing(producer, beat, Duration::from_secs(60), checked)
        .await;
    processing["check"]["report"].clone()
}

async fn view(app: &TestApp, producer: &Account, beat: Uuid) -> Value {
    let response = app
        .get(&format!("/api/v1/beats/{beat}"), Some(&producer.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_beat_created_without_bpm_or_key_is_listed_with_what_the_check_heard() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let (beat, created) = create(&app, &producer, json!({})).await;
    assert_eq!(created["bpm"], Value::Null);
    assert_eq!(created["key"], Value::Null);
    assert_eq!(created["bpm_detected"], Value::Null);

    let report = upload_and_check(&app, &producer, beat).await;
    let detected = &report["detected"];
    // Nothing was typed, so nothing disagrees with the audio.
    let codes = codes(&report);
    assert!(
        !codes
            .iter()
            .any(|c| c == "bpm_mismatch" || c == "key_mismatch"),
        "{codes:?}"
    );

    let listed = view(&app, &producer, beat).await;
    assert_eq!(listed["bpm"], 140, "{listed:#}");
    assert_eq!(listed["key"], "A min", "{report:#}");
    assert_eq!(listed["key"], detected["key"]);
    assert_eq!(
        listed["bpm_detected"]["confidence"], detected["bpm_confidence"],
        "{listed:#}"
    );
    assert_eq!(
        listed["key_detected"]["confidence"], detected["key_confidence"],
        "{listed:#}"
    );
    // The producer's own list says the same.
    let mine: Value = app
        .get("/api/v1/me/beats", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["bpm"], 140);
    assert!(mine[0]["bpm_detected"].is_object());

    // Typing the value confirms it: it is no longer marked as detected.
    let response = app
        .send_json(
            reqwest::Method::PATCH,
            &format!("/api/v1/beats/{beat}"),
            Some(&producer.token),
            &json!({"bpm": 140}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let confirmed: Value = response.json().await.unwrap();
    assert_eq!(confirmed["bpm"], 140);
    assert_eq!(confirmed["bpm_detected"], Value::Null);
    assert!(confirmed["key_detected"].is_object(), "{confirmed:#}");
}

#[tokio::test]
async fn a_typed_bpm_is_kept_and_a_half_tempo_one_is_called_a_mismatch() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    // The producer counted half time: 70 for a 140 BPM beat. The key is left to the check.
    let (beat, _) = create(&app, &producer, json!({"bpm": 70})).await;
    let report = upload_and_check(&app, &producer, beat).await;
    let mismatch = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "bpm_mismatch")
        .unwrap_or_else(|| panic!("no bpm_mismatch in {report:#}"));
    assert_eq!(mismatch["level"], "warning");
    assert!(
        mismatch["message"]
            .as_str()
            .unwrap()
            .contains("double the listed 70"),
        "{mismatch:#}"
    );

    let listed = view(&app, &producer, beat).await;
    assert_eq!(
        listed["bpm"], 70,
        "what the producer typed stays: {listed:#}"
    );
    assert_eq!(listed["bpm_detected"], Value::Null);
    assert_eq!(listed["key"], report["detected"]["key"]);
    assert!(listed["key_detected"].is_object(), "{listed:#}");
}

#[tokio::test]
async fn a_beat_is_not_published_while_its_bpm_is_empty() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let (beat, _) = create(&app, &producer, json!({"key": "A min"})).await;
    // Half-second tones: too short for a tempo, so the check fills nothing in.
    for (kind, mime, body) in [
        ("master", "audio/wav", fixtures::master()),
        ("trackout", "application/zip", fixtures::good_trackout()),
    ] {
        assert_eq!(
            app.upload(&producer, beat, kind, mime, body).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(30), checked)
        .await;
    assert_eq!(processing["check"]["state"], "passed", "{processing:#}");
    let listed = view(&app, &producer, beat).await;
    assert_eq!(listed["bpm"], Value::Null, "{listed:#}");
    assert_eq!(listed["key"], "A min", "a typed key is kept: {listed:#}");

    let publish = format!("/api/v1/beats/{beat}/publish");
    let refused = app.post(&publish, Some(&producer.token), &json!({})).await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "listing_incomplete").await;
    assert_eq!(problem["missing"], json!(["bpm"]), "{problem:#}");
    assert!(
        problem["detail"]
            .as_str()
            .or(problem["message"].as_str())
            .is_some_and(|m| m.contains("BPM") || m.contains("bpm")),
        "{problem:#}"
    );
    // Drafts without a tempo stay out of the public catalog and its filters.
    let catalog: Value = app
        .get("/api/v1/beats?bpm_min=40", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !catalog.to_string().contains(&beat.to_string()),
        "{catalog:#}"
    );
}
