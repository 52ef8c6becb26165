use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::assert_problem;
use trackout_tests::{TestApp, fixtures};

fn checked(p: &Value) -> bool {
    matches!(p["check"]["state"].as_str(), Some("passed" | "failed"))
}

#[tokio::test]
async fn a_trackout_with_errors_cannot_be_published_until_it_is_fixed() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let publish = format!("/api/v1/beats/{beat}/publish");

    // Nothing uploaded yet.
    let response = app.post(&publish, Some(&producer.token), &json!({})).await;
    assert_problem(response, StatusCode::CONFLICT, "missing_upload").await;

    assert_eq!(
        app.upload(&producer, beat, "master", "audio/wav", fixtures::master())
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let response = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            fixtures::trackout_with_short_stem(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(20), checked)
        .await;
    assert_eq!(processing["check"]["state"], "failed", "{processing:#}");
    let report = &processing["check"]["report"];
    assert_eq!(report["passes"], false);
    let mismatch = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "length_mismatch")
        .unwrap_or_else(|| panic!("no length_mismatch in {report:#}"));
    assert_eq!(mismatch["level"], "error");
    assert_eq!(mismatch["stem"], "Piano.wav");
    assert_eq!(report["stems"].as_array().unwrap().len(), 3);
    assert!(
        report["master"]["integrated_lufs"].is_number(),
        "the master was measured: {report:#}"
    );

    let refused = app.post(&publish, Some(&producer.token), &json!({})).await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "trackout_has_errors").await;
    assert!(
        problem["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "length_mismatch")
    );
    assert_eq!(
        app.get(&format!("/api/v1/beats/{beat}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "still a draft"
    );

    // The producer exports the stems again and re-uploads.
    let response = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            fixtures::good_trackout(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(20), |p| {
            checked(p) && p["check"]["report"]["stems"].as_array().unwrap().len() == 4
        })
        .await;
    assert_eq!(processing["check"]["state"], "passed", "{processing:#}");
    app.wait_for_processing(&producer, beat, Duration::from_secs(60), |p| {
        p["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["state"] == "done")
            .count()
            == 5
    })
    .await;

    let published = app.post(&publish, Some(&producer.token), &json!({})).await;
    assert_eq!(published.status(), StatusCode::OK);
    let published: Value = published.json().await.unwrap();
    assert_eq!(published["status"], "published");
    let catalog: Value = app
        .get("/api/v1/beats?tag=808", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(catalog["items"][0]["id"], beat.to_string());
}

#[tokio::test]
async fn a_zip_that_is_not_a_trackout_is_reported_not_crashed_on() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let not_stems = fixtures::zip_of(&[("notes.txt", b"bounce these tomorrow".to_vec())]);
    assert_eq!(
        app.upload(&producer, beat, "trackout", "application/zip", not_stems)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(20), checked)
        .await;
    let codes: Vec<&str> = processing["check"]["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"no_stems"), "{codes:?}");

    let garbage = b"PK\x03\x04 this is not really a zip".to_vec();
    assert_eq!(
        app.upload(&producer, beat, "trackout", "application/zip", garbage)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(20), |p| {
            checked(p)
                && p["check"]["report"]["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["code"] == "corrupt_archive")
        })
        .await;
    assert_eq!(processing["check"]["state"], "failed");
}

#[tokio::test]
async fn a_trackout_with_a_late_stem_cannot_be_published_and_the_report_says_how_late() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    // A quarter of a second late: 11,025 samples at 44.1 kHz.
    let (trackout, master) = fixtures::trackout_with_late_stem(11_025);
    assert_eq!(
        app.upload(&producer, beat, "master", "audio/wav", master)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.upload(&producer, beat, "trackout", "application/zip", trackout)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(30), checked)
        .await;
    assert_eq!(processing["check"]["state"], "failed", "{processing:#}");
    let report = &processing["check"]["report"];
    let offset = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "stem_offset")
        .unwrap_or_else(|| panic!("no stem_offset in {report:#}"));
    assert_eq!(offset["level"], "error");
    assert_eq!(offset["stem"], "Chords.wav");
    // What the report page shows, word for word: how late, and what to do.
    let message = offset["message"].as_str().unwrap();
    assert!(
        message.contains("11,025 samples (250 ms) late"),
        "{message}"
    );
    assert!(
        message.contains("export every stem from bar 1"),
        "{message}"
    );
    let chords = report["sum"]["stems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "Chords.wav")
        .unwrap_or_else(|| panic!("no sum for the chords in {report:#}"));
    assert_eq!(chords["lag_samples"], 11_025);
    assert_eq!(chords["lag_ms"], 250.0);

    let refused = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "trackout_has_errors").await;
    assert!(
        problem["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "stem_offset" && f["stem"] == "Chords.wav"),
        "{problem:#}"
    );
}
