use std::time::Duration;

use bytes::Bytes;
use entity::{job, upload};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use sha2::{Digest, Sha256};
use trackout_tests::app::assert_problem;
use trackout_tests::{TestApp, database, fixtures};
use uuid::Uuid;

use crate::beats::objects;

async fn upload_rows(app: &TestApp, beat: Uuid) -> Vec<upload::Model> {
    upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat))
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_is_stored_hashed_and_starts_its_job() {
    let app = TestApp::builder().without_worker().spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let master = fixtures::master();

    let response = app
        .client
        .put(app.url(&format!(
            "/api/v1/beats/{beat}/master?filename=Midnight%20Run%20(Master).wav"
        )))
        .bearer_auth(&producer.token)
        .header("content-type", "audio/x-wav")
        .body(master.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["upload"]["kind"], "master");
    assert_eq!(accepted["upload"]["size_bytes"], master.len());
    assert_eq!(
        accepted["upload"]["sha256"],
        hex::encode(Sha256::digest(&master))
    );
    assert_eq!(accepted["upload"]["file_name"], "Midnight Run (Master).wav");
    // A lone master has no trackout to check: it starts its preview only.
    assert_eq!(
        accepted["jobs"].as_array().unwrap().len(),
        1,
        "{accepted:#}"
    );
    assert_eq!(accepted["jobs"][0]["kind"], "render_preview");
    assert_eq!(accepted["jobs"][0]["state"], "queued");

    let rows = upload_rows(&app, beat).await;
    assert_eq!(rows.len(), 1);
    let stored = std::fs::read(app.dir.path().join("objects").join(&rows[0].storage_key)).unwrap();
    assert_eq!(stored, master, "the object holds exactly the bytes sent");

    // A second upload replaces the first; the old object is purged by a job.
    let again = app
        .upload(
            &producer,
            beat,
            "master",
            "audio/wav",
            fixtures::sine_wav(48_000, 2, 16, 0.2, 100.0, 0.3),
        )
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let rows_after = upload_rows(&app, beat).await;
    assert_eq!(rows_after.len(), 1);
    assert_ne!(rows_after[0].id, rows[0].id);
    let purge = job::Entity::find()
        .filter(job::Column::Kind.eq("purge_object"))
        .one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(purge.unwrap().payload["key"], rows[0].storage_key);
}

#[tokio::test]
async fn the_wrong_content_type_is_refused_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    for (what, content_type) in [
        ("master", "application/zip"),
        ("trackout", "audio/wav"),
        ("voice-tag", "text/plain"),
    ] {
        let response = app
            .upload(&producer, beat, what, content_type, fixtures::master())
            .await;
        assert_problem(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    assert!(upload_rows(&app, beat).await.is_empty());
    assert!(objects(&app).is_empty());
}

#[tokio::test]
async fn a_file_of_the_wrong_kind_is_refused_at_once_with_the_reason() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00 an mp3 named like a wav".to_vec();
    for (what, content_type, body, words) in [
        (
            "master",
            "audio/wav",
            mp3.clone(),
            "this is an MP3; upload the WAV",
        ),
        (
            "voice-tag",
            "audio/wav",
            b"FORM\x00\x00\x00\x10AIFF".to_vec(),
            "AIFF",
        ),
        (
            "voice-tag",
            "audio/wav",
            b"%PDF-1.7".to_vec(),
            "not a WAV file",
        ),
        (
            "trackout",
            "application/zip",
            fixtures::master(),
            "not a zip file",
        ),
    ] {
        let response = app.upload(&producer, beat, what, content_type, body).await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{problem:#}"
        );
    }
    assert!(upload_rows(&app, beat).await.is_empty(), "nothing recorded");
    assert!(
        objects(&app).is_empty(),
        "nothing kept: {:?}",
        objects(&app)
    );
    assert!(
        job::Entity::find()
            // Signing up mails a verification link: that job is not the upload's.
            .filter(job::Column::Kind.ne("send_mail"))
            .all(&app.state.db)
            .await
            .unwrap()
            .is_empty(),
        "no job started"
    );
}

#[tokio::test]
async fn an_oversized_upload_is_refused_whether_or_not_it_declares_its_size() {
    let app = TestApp::builder()
        .config(|c| c.uploads.voice_tag_bytes = 64 * 1024)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;

    // Declared: refused from the Content-Length header alone.
    let big = vec![0u8; 200 * 1024];
    let response = app
        .upload(&producer, beat, "voice-tag", "audio/wav", big)
        .await;
    let problem =
        assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(problem["detail"].as_str().unwrap().contains("65536"));

    // Undeclared (chunked): counted while streaming and refused once past the cap.
    let chunks = futures_util::stream::iter(
        (0..50).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![1u8; 8 * 1024]))),
    );
    let response = app
        .client
        .put(app.url(&format!("/api/v1/beats/{beat}/voice-tag")))
        .bearer_auth(&producer.token)
        .header("content-type", "audio/wav")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    if let Ok(response) = response {
        // The server may also close the connection mid-body, which is just as good a refusal.
        assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        upload_rows(&app, beat).await.is_empty(),
        "no row for a refused upload"
    );
    assert!(
        objects(&app).is_empty(),
        "no object, not even a temporary one: {:?}",
        objects(&app)
    );
}

#[tokio::test]
async fn an_interrupted_upload_leaves_no_row_and_no_object() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;

    // The client promises a megabyte, sends a quarter, then its body fails (connection drop).
    let chunks = futures_util::stream::iter(vec![
        Ok(Bytes::from(vec![1u8; 256 * 1024])),
        Err(std::io::Error::other("the client went away")),
    ]);
    let result = app
        .client
        .put(app.url(&format!("/api/v1/beats/{beat}/master")))
        .bearer_auth(&producer.token)
        .header("content-type", "audio/wav")
        .header("content-length", (1024 * 1024).to_string())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    assert!(result.is_err(), "the client saw its own failure");

    // The server notices the broken body; give it a moment to clean up.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let rows = upload_rows(&app, beat).await;
        let stored = objects(&app);
        if rows.is_empty() && stored.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "left behind: {rows:?} {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.ne("send_mail"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(jobs.is_empty(), "no job for an upload that never completed");
}

/// The upload's row and its job are one transaction: when the job cannot be written, the row
/// is not written either, and the object that was streamed is taken back out.
#[tokio::test]
async fn the_upload_row_and_its_job_commit_together() {
    let app = TestApp::builder().without_worker().spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let db = &app.state.db;
    let refuse_jobs = if database::is_postgres() {
        vec![
            "CREATE FUNCTION refuse_jobs() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'jobs refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_jobs()",
        ]
    } else {
        vec![
            "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'jobs refused'); END",
        ]
    };
    for sql in refuse_jobs {
        db.execute_unprepared(sql).await.unwrap();
    }

    let response = app
        .upload(&producer, beat, "master", "audio/wav", fixtures::master())
        .await;
    assert_problem(response, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    assert!(
        upload_rows(&app, beat).await.is_empty(),
        "the row rolled back with the job"
    );
    assert!(objects(&app).is_empty(), "the object was removed again");

    db.execute_unprepared("DROP TRIGGER refuse_jobs ON jobs")
        .await
        .ok();
    db.execute_unprepared("DROP TRIGGER IF EXISTS refuse_jobs")
        .await
        .ok();
    let response = app
        .upload(&producer, beat, "master", "audio/wav", fixtures::master())
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(upload_rows(&app, beat).await.len(), 1);
    let mut kinds: Vec<String> = job::Entity::find()
        .filter(job::Column::BeatId.eq(beat))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.kind)
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        ["render_preview"],
        "a lone master starts its preview (there is no trackout to check yet)"
    );
}

#[tokio::test]
async fn a_voice_tag_waits_for_its_master_then_the_preview_renders() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let response = app
        .upload(
            &producer,
            beat,
            "voice-tag",
            "audio/wav",
            fixtures::voice_tag(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(
        accepted["jobs"],
        serde_json::json!([]),
        "a voice tag alone starts nothing"
    );
    let processing: Value = app
        .get(
            &format!("/api/v1/beats/{beat}/processing"),
            Some(&producer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(processing["jobs"], serde_json::json!([]));
    assert_eq!(
        processing["deliverables"],
        serde_json::json!([]),
        "no preview without a master"
    );

    let response = app
        .upload(&producer, beat, "master", "audio/wav", fixtures::master())
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let processing = app
        .wait_for_processing(&producer, beat, Duration::from_secs(30), |p| {
            p["deliverables"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["kind"] == "preview" && d["state"] == "done")
        })
        .await;
    let preview = processing["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "preview")
        .unwrap();
    assert_eq!(
        preview["details"]["default_tag_used"], false,
        "the uploaded tag is used: {preview:#}"
    );
}
