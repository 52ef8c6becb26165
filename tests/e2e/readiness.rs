//! The processing route's `publish`: every reason the beat cannot be published yet, in the
//! order publishing checks them (publishing refuses with the first), and whether waiting for
//! processing can clear it.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::{Account, assert_problem};
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

const PROCESSING: Duration = Duration::from_secs(60);

fn codes(p: &Value) -> Vec<&str> {
    p["publish"]["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect()
}

/// Publishing refuses with the first reason the processing route gives.
async fn publish_refuses_with_the_first(app: &TestApp, producer: &Account, beat: Uuid, p: &Value) {
    let first = codes(p)[0].to_owned();
    let response = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_problem(response, StatusCode::CONFLICT, &first).await;
}

#[tokio::test]
async fn the_processing_route_says_what_stands_between_a_beat_and_the_catalog() {
    let app = TestApp::spawn().await;
    let producer = app.register_unverified("producer").await;
    let beat = app.new_beat(&producer).await;

    // Nothing uploaded, email unconfirmed: nothing processing can clear.
    let p = app
        .wait_for_processing(&producer, beat, PROCESSING, |_| true)
        .await;
    assert_eq!(p["publish"]["publishable"], false);
    assert_eq!(
        codes(&p),
        [
            "email_unverified",
            "missing_upload",
            "missing_upload",
            "deliverables_pending"
        ],
        "{p:#}"
    );
    assert!(
        p["publish"]["blocking"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["waiting"] == false),
        "nothing is processing: {p:#}"
    );
    assert!(
        p["publish"]["blocking"][3]["message"]
            .as_str()
            .unwrap()
            .starts_with("not rendered"),
        "{p:#}"
    );
    publish_refuses_with_the_first(&app, &producer, beat, &p).await;

    // A flawed trackout: its check fails, which only the producer can fix.
    trackout_core::services::verification::mark_verified_without_mail(&app.state.db, producer.id)
        .await
        .unwrap();
    let master = app
        .upload(&producer, beat, "master", "audio/wav", fixtures::master())
        .await;
    assert_eq!(master.status(), StatusCode::ACCEPTED);
    let flawed = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            fixtures::trackout_with_short_stem(),
        )
        .await;
    assert_eq!(flawed.status(), StatusCode::ACCEPTED);
    let p = app
        .wait_for_processing(&producer, beat, PROCESSING, |p| {
            codes(p).contains(&"trackout_has_errors")
        })
        .await;
    let errors = &p["publish"]["blocking"][0];
    assert_eq!(errors["code"], "trackout_has_errors", "{p:#}");
    assert_eq!(errors["waiting"], false);
    assert!(
        errors["details"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "length_mismatch"),
        "{p:#}"
    );
    publish_refuses_with_the_first(&app, &producer, beat, &p).await;

    // The fixed trackout: pending while it is checked and rendered, then publishable.
    let fixed = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            fixtures::good_trackout(),
        )
        .await;
    assert_eq!(fixed.status(), StatusCode::ACCEPTED);
    let p = app
        .wait_for_processing(&producer, beat, PROCESSING, |_| true)
        .await;
    if p["publish"]["publishable"] == false {
        assert!(
            p["publish"]["blocking"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["waiting"] == true),
            "right after the upload, processing can clear everything left: {p:#}"
        );
    }
    let p = app
        .wait_for_processing(&producer, beat, PROCESSING, |p| {
            p["publish"]["publishable"] == true
        })
        .await;
    assert_eq!(p["publish"]["blocking"], json!([]));
    let published = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
}
