//! One producer cannot fill the store: a beat count, and storage counted at what uploads unpack
//! to, so a small zip of silence that claims gigabytes is refused before anything renders it.

use std::io::{Cursor, Write};

use reqwest::StatusCode;
use trackout_tests::app::assert_problem;
use trackout_tests::{TestApp, fixtures};
use zip::write::SimpleFileOptions;

use crate::beats::objects;

const MIB: u64 = 1024 * 1024;

fn quota_app(storage_bytes: u64, beats: u64) -> trackout_tests::app::TestAppBuilder {
    TestApp::builder().without_worker().config(move |c| {
        c.quotas.storage_bytes = storage_bytes;
        c.quotas.beats = beats;
    })
}

/// A deflated trackout whose stems are a minute of digital silence each: a few kilobytes that
/// unpack to about 16 MB per stem.
fn zip_of_silence(stems: usize) -> Vec<u8> {
    let silence = fixtures::sine_wav(44_100, 2, 24, 60.0, 440.0, 0.0);
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for i in 0..stems {
            zip.start_file(format!("Silence/Stem {i}.wav"), options)
                .unwrap();
            zip.write_all(&silence).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[tokio::test]
async fn a_producer_past_the_beat_quota_is_told_so() {
    let app = quota_app(200 * MIB, 2).spawn().await;
    let producer = app.register("producer").await;
    app.new_beat(&producer).await;
    app.new_beat(&producer).await;

    let response = app
        .post(
            "/api/v1/beats",
            Some(&producer.token),
            &serde_json::json!({"title": "One Too Many", "bpm": 90, "key": "C maj", "genre": "Boom Bap",
                                 "moods": ["warm"], "tags": ["dusty"]}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "beat_quota_exceeded").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("(2)"),
        "{problem}"
    );

    // The quota is per producer: another producer still creates beats.
    let other = app.register("producer").await;
    app.new_beat(&other).await;
}

#[tokio::test]
async fn a_small_zip_that_unpacks_past_the_storage_quota_is_refused_and_not_kept() {
    let app = quota_app(20 * MIB, 100).spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let bomb = zip_of_silence(4);
    assert!(bomb.len() < MIB as usize, "the zip itself is small");

    let response = app
        .upload(&producer, beat, "trackout", "application/zip", bomb)
        .await;
    let problem = assert_problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "storage_quota_exceeded",
    )
    .await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("20.0 MiB") || detail.contains("20 MiB"),
        "{detail}"
    );

    // Neither the object nor a row is left behind, and no job was queued.
    assert!(objects(&app).is_empty(), "{:?}", objects(&app));
    let processing = app
        .get(
            &format!("/api/v1/beats/{beat}/processing"),
            Some(&producer.token),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(
        processing["uploads"]
            .as_array()
            .is_none_or(|u| u.is_empty()),
        "{processing:#}"
    );

    // One stem's worth fits, and is accepted.
    let response = app
        .upload(
            &producer,
            beat,
            "trackout",
            "application/zip",
            zip_of_silence(1),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_replaced_upload_counts_once_and_the_next_beat_past_the_quota_is_refused() {
    let app = quota_app(2 * MIB, 100).spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    // A 1.3 MB master fits; uploading it again replaces it rather than counting twice.
    let master = fixtures::sine_wav(44_100, 2, 24, 5.0, 220.0, 0.5);
    assert!(master.len() as u64 > MIB && (master.len() as u64) < 2 * MIB);
    for _ in 0..3 {
        let response = app
            .upload(&producer, beat, "master", "audio/wav", master.clone())
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }

    // A second beat's master does not fit beside the first.
    let second = app.new_beat(&producer).await;
    let response = app
        .upload(&producer, second, "master", "audio/wav", master)
        .await;
    assert_problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "storage_quota_exceeded",
    )
    .await;
}
