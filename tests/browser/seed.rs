//! What the story starts from: the producer's files (generated, on disk for the file picker)
//! and another producer's published beat for the filters to leave out.

use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::Account;
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

use super::{PASSWORD, PROCESSING, readme_screenshots};

/// A trackout a mixing engineer would send back: one stem ends early (an error), one has a
/// default name and another bit depth (warnings).
pub(super) fn flawed_trackout() -> Vec<u8> {
    let stem = |seconds, freq| fixtures::sine_wav(44_100, 2, 24, seconds, freq, 0.5);
    fixtures::zip_of(&[
        ("Velvet Hours/Kick.wav", stem(3.0, 55.0)),
        ("Velvet Hours/808.wav", stem(3.0, 41.2)),
        ("Velvet Hours/Hi Hats.wav", stem(2.5, 8_000.0)),
        (
            "Velvet Hours/Audio 01.wav",
            fixtures::sine_wav(44_100, 2, 16, 3.0, 440.0, 0.3),
        ),
    ])
}

pub(super) struct Files {
    pub(super) _dir: tempfile::TempDir,
    pub(super) master: PathBuf,
    pub(super) voice_tag: PathBuf,
    pub(super) flawed: PathBuf,
    pub(super) trackout: PathBuf,
}

/// The producer's files, on disk where the browser's file picker can take them.
pub(super) fn files() -> Result<Files> {
    let dir = tempfile::tempdir()?;
    let write = |name: &str, bytes: Vec<u8>| -> Result<PathBuf> {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    };
    Ok(Files {
        master: write("Velvet Hours (Master).wav", fixtures::master_of(8.0))?,
        voice_tag: write("Tag.wav", fixtures::voice_tag())?,
        flawed: write("Velvet Hours Stems.zip", flawed_trackout())?,
        trackout: write(
            "Velvet Hours Stems (fixed).zip",
            fixtures::good_trackout_of(8.0),
        )?,
        _dir: dir,
    })
}

/// Another producer's beat, published through the API, so that the catalog has something
/// for the filters to leave out.
pub(super) async fn publish_beat(app: &TestApp, producer: &Account, meta: Value) -> Result<Uuid> {
    let beat = app.create_beat(producer, &meta).await;
    let id: Uuid = beat["id"].as_str().context("beat id")?.parse()?;
    let master = app
        .upload(producer, id, "master", "audio/wav", fixtures::master())
        .await;
    ensure!(master.status() == StatusCode::ACCEPTED, "master upload");
    let trackout = app
        .upload(
            producer,
            id,
            "trackout",
            "application/zip",
            fixtures::good_trackout(),
        )
        .await;
    ensure!(trackout.status() == StatusCode::ACCEPTED, "trackout upload");
    app.wait_for_processing(producer, id, PROCESSING, |p| {
        p["check"]["state"] == "passed"
            && p["deliverables"]
                .as_array()
                .is_some_and(|d| d.len() >= 5 && d.iter().all(|d| d["state"] == "done"))
    })
    .await;
    let published = app
        .post(
            &format!("/api/v1/beats/{id}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    ensure!(published.status() == StatusCode::OK, "publishing {meta}");
    Ok(id)
}

/// A producer with a name that reads well in the catalog (verified, so it may publish).
pub(super) async fn register_producer(app: &TestApp, name: &str) -> Result<Account> {
    let email = format!("{}@example.com", Uuid::new_v4().simple());
    let invitation = app.invite_producer(&email).await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD, "display_name": name, "role": "producer", "invitation": invitation}),
        )
        .await;
    ensure!(
        response.status() == StatusCode::ACCEPTED,
        "registering {name}"
    );
    let account = app.login(&email, PASSWORD).await;
    trackout_core::services::verification::mark_verified_without_mail(&app.state.db, account.id)
        .await?;
    Ok(account)
}

pub(super) async fn seed_catalog(app: &TestApp) -> Result<()> {
    let producer = register_producer(app, "Metro Nights").await?;
    let mut beats = vec![json!({"title": "Sunday Service", "bpm": 92, "key": "C maj",
        "genre": "R&B", "moods": ["smooth"], "tags": ["keys"]})];
    if readme_screenshots().is_some() {
        beats.extend([
            json!({"title": "Cold Money", "bpm": 144, "key": "F# min", "genre": "Drill",
                "moods": ["aggressive"], "tags": ["slide", "uk"]}),
            json!({"title": "Sunset Lane", "bpm": 104, "key": "E min", "genre": "Afrobeats",
                "moods": ["happy"], "tags": ["guitar"]}),
            json!({"title": "Ghost Town", "bpm": 88, "key": "D min", "genre": "Hip Hop",
                "moods": ["dark", "sad"], "tags": ["boom bap"]}),
            json!({"title": "Neon Lights", "bpm": 120, "key": "G maj", "genre": "Pop",
                "moods": ["energetic"], "tags": ["synth"]}),
        ]);
    }
    for beat in beats {
        publish_beat(app, &producer, beat).await?;
    }
    Ok(())
}
