use std::time::Duration;

use entity::deliverable;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_core::jobs::{JobPayload, SweepBase};
use trackout_core::queue::JobState;
use trackout_tests::app::Account;
use trackout_tests::faults::failing_writes;
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

use crate::beats::objects;

const KINDS: [&str; 5] = ["preview", "peaks", "mp3_lease", "wav_lease", "bundle"];

fn all_done(p: &Value) -> bool {
    let d = p["deliverables"].as_array().unwrap();
    KINDS
        .iter()
        .all(|k| d.iter().any(|x| x["kind"] == *k && x["state"] == "done"))
}

/// Every deliverable done and no job left to run: what is stored now is what stays.
fn settled(p: &Value) -> bool {
    all_done(p)
        && p["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["state"] != "queued" && j["state"] != "running")
}

async fn upload_everything(app: &TestApp, producer: &Account, beat: Uuid, voice_tag: bool) {
    let mut uploads = vec![
        ("master", "audio/wav", fixtures::master_of(3.0)),
        (
            "trackout",
            "application/zip",
            fixtures::good_trackout_of(3.0),
        ),
    ];
    if voice_tag {
        uploads.push(("voice-tag", "audio/wav", fixtures::voice_tag()));
    }
    for (what, content_type, body) in uploads {
        let response = app.upload(producer, beat, what, content_type, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
    }
}

#[tokio::test]
async fn every_deliverable_renders_and_the_preview_streams_with_ranges() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    upload_everything(&app, &producer, beat, true).await;

    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(60), all_done)
        .await;
    let preview = processing["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "preview")
        .unwrap();
    assert_eq!(preview["details"]["default_tag_used"], false, "{preview:#}");
    // A draft's preview is its producer's alone.
    assert_eq!(
        app.get(&format!("/api/v1/beats/{beat}/preview"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let published = app
        .post(
            &format!("/api/v1/beats/{beat}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    let view: Value = app
        .get(&format!("/api/v1/beats/{beat}"), None)
        .await
        .json()
        .await
        .unwrap();
    let preview_url = view["preview_url"]
        .as_str()
        .expect("a published beat links its preview")
        .to_owned();
    let peaks_url = view["peaks_url"].as_str().unwrap().to_owned();

    let whole = app.get(&preview_url, None).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "audio/mpeg");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = whole.bytes().await.unwrap();
    assert!(bytes.len() > 10_000, "three seconds of 128 kbps MP3");

    let part = app
        .client
        .get(app.url(&preview_url))
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", bytes.len())
    );
    assert_eq!(part.bytes().await.unwrap(), bytes.slice(100..200));

    let tail = app
        .client
        .get(app.url(&preview_url))
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.bytes().await.unwrap(), bytes.slice(bytes.len() - 10..));
    let beyond = app
        .client
        .get(app.url(&preview_url))
        .header("range", format!("bytes={}-", bytes.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let cached = app
        .client
        .get(app.url(&preview_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    let peaks: Value = app.get(&peaks_url, None).await.json().await.unwrap();
    assert_eq!(peaks["version"], 2);
    assert!(
        peaks["data"].as_array().is_some_and(|d| !d.is_empty()),
        "{peaks:#}"
    );
}

#[tokio::test]
async fn without_a_voice_tag_the_default_one_is_used_and_the_producer_told() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    upload_everything(&app, &producer, beat, false).await;
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(60), all_done)
        .await;
    let preview = processing["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "preview")
        .unwrap();
    assert_eq!(preview["details"]["default_tag_used"], true, "{preview:#}");
}

#[tokio::test]
async fn a_render_interrupted_half_way_reruns_to_exactly_one_set_of_files() {
    let app = TestApp::builder()
        // The first write of a lease file fails, as a crash half way through the render would:
        // some outputs stored, the rest not.
        .wrap_storage(|inner| {
            failing_writes(inner, 1, "the disk vanished mid-render", |key| {
                key.as_str().contains("/deliverables/wav_lease/")
            })
        })
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    upload_everything(&app, &producer, beat, true).await;
    // Settled, not just done: a bundle or preview job still running would store its file
    // after the listing below.
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(60), settled)
        .await;
    // And the purge of a superseded render's file (a preview made before the voice tag came).
    app.wait_for_idle_queue(Duration::from_secs(30)).await;

    let jobs = processing["jobs"].as_array().unwrap();
    let leases = jobs.iter().find(|j| j["kind"] == "render_leases").unwrap();
    assert_eq!(
        leases["attempts"], 2,
        "the first attempt failed half way: {leases:#}"
    );

    // One object per deliverable, each the one its row points at; no strays from the failed run.
    let rows = deliverable::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    let mut expected: Vec<String> = rows
        .iter()
        .map(|d| d.storage_key.clone().unwrap())
        .collect();
    expected.sort();
    let stored: Vec<String> = objects(&app)
        .into_iter()
        .map(|p| {
            p.strip_prefix(app.dir.path().join("objects"))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|p| p.contains("/deliverables/"))
        .collect();
    let mut stored = stored;
    stored.sort();
    // A preview or peaks file stored by a render that newer uploads cancelled before it
    // recorded the file is left for a sweep scheduled later (the same key may be written
    // again meanwhile); every other file is one a row names.
    let sweeps: Vec<String> = entity::job::Entity::find()
        .filter(entity::job::Column::Kind.eq(<SweepBase as JobPayload>::KIND))
        .filter(entity::job::Column::State.eq(JobState::Queued.as_str()))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.payload["key"].as_str().unwrap().to_owned())
        .collect();
    let strays: Vec<&String> = stored.iter().filter(|k| !expected.contains(k)).collect();
    for stray in &strays {
        assert!(
            sweeps.contains(stray),
            "{stray} is neither named by a row nor due to be swept: {stored:#?}"
        );
    }
    let named: Vec<String> = stored
        .into_iter()
        .filter(|k| expected.contains(k))
        .collect();
    assert_eq!(named, expected);
    for row in rows {
        let bytes = std::fs::read(
            app.dir
                .path()
                .join("objects")
                .join(row.storage_key.unwrap()),
        )
        .unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            row.sha256.unwrap(),
            "the stored bytes are the recorded ones"
        );
    }
}
