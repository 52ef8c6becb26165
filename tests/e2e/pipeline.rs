//! No work done twice: whatever order a beat's uploads arrive in, each deliverable renders
//! once from the final inputs; superseded jobs are dropped or cancelled; workers wake on
//! enqueue rather than at their next poll.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use trackout_tests::app::Account;
use trackout_tests::faults::InterceptedPuts;
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

const DELIVERABLES: [&str; 5] = ["preview", "peaks", "mp3_lease", "wav_lease", "bundle"];
const RENDER_JOBS: [&str; 3] = ["check_trackout", "render_preview", "render_leases"];

/// Every deliverable done, and every job settled (a render records its files a moment before
/// its job is marked done).
fn all_done(p: &Value) -> bool {
    let d = p["deliverables"].as_array().unwrap();
    p["check"]["state"] == "passed"
        && DELIVERABLES
            .iter()
            .all(|k| d.iter().any(|x| x["kind"] == *k && x["state"] == "done"))
        && p["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["state"] != "queued" && j["state"] != "running")
}

fn deliverable<'a>(p: &'a Value, kind: &str) -> &'a Value {
    p["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Part {
    Master,
    Trackout,
    VoiceTag,
}

fn upload_of(part: Part) -> (&'static str, &'static str, Vec<u8>) {
    match part {
        Part::Master => ("master", "audio/wav", fixtures::master_of(3.0)),
        Part::Trackout => (
            "trackout",
            "application/zip",
            fixtures::good_trackout_of(3.0),
        ),
        Part::VoiceTag => ("voice-tag", "audio/wav", fixtures::voice_tag()),
    }
}

async fn upload_in_order(app: &TestApp, producer: &Account, beat: Uuid, order: [Part; 3]) {
    for part in order {
        let (what, content_type, body) = upload_of(part);
        let response = app.upload(producer, beat, what, content_type, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
    }
}

#[tokio::test]
async fn in_every_order_each_deliverable_renders_once_from_the_final_uploads() {
    use Part::*;
    // The window is far longer than the uploads take: any render that started early would
    // have been started by an incomplete set of inputs, which is what the rule forbids.
    let app = TestApp::builder()
        .config(|c| c.worker.settle_ms = 60_000)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let orders = [
        [Master, Trackout, VoiceTag],
        [Master, VoiceTag, Trackout],
        [Trackout, Master, VoiceTag],
        [Trackout, VoiceTag, Master],
        [VoiceTag, Master, Trackout],
        [VoiceTag, Trackout, Master],
    ];
    let mut beats = Vec::new();
    for order in orders {
        beats.push((order, app.new_beat(&producer).await));
    }
    futures_util::future::join_all(
        beats
            .iter()
            .map(|(order, beat)| upload_in_order(&app, &producer, *beat, *order)),
    )
    .await;

    for (order, beat) in beats {
        let p = app
            .wait_for_processing(&producer, beat, Duration::from_secs(120), all_done)
            .await;
        let jobs = p["jobs"].as_array().unwrap();
        for kind in RENDER_JOBS {
            let of_kind: Vec<&Value> = jobs.iter().filter(|j| j["kind"] == kind).collect();
            let done = of_kind.iter().filter(|j| j["state"] == "done").count();
            assert_eq!(
                done, 1,
                "{order:?}: one {kind} ran, for the final inputs: {p:#}"
            );
            for j in of_kind.iter().filter(|j| j["state"] != "done") {
                assert_eq!(j["state"], "superseded", "{order:?}: {j:#}");
                assert_eq!(
                    j["attempts"], 0,
                    "{order:?}: a superseded {kind} never started: {j:#}"
                );
            }
        }
        // The outputs are those of all three uploads.
        assert_eq!(
            deliverable(&p, "preview")["details"]["default_tag_used"],
            false,
            "{order:?}: the preview has the producer's tag"
        );
        assert!(
            p["check"]["report"]["master"].is_object(),
            "{order:?}: the check read the master beside the trackout: {:#}",
            p["check"]
        );
        let master_len = upload_of(Master).2.len() as i64;
        assert!(
            deliverable(&p, "wav_lease")["size_bytes"].as_i64().unwrap() >= master_len,
            "{order:?}: the WAV lease holds the whole master"
        );
        let stems_len = upload_of(Trackout).2.len() as i64;
        assert!(
            deliverable(&p, "bundle")["size_bytes"].as_i64().unwrap() >= stems_len,
            "{order:?}: the bundle holds every stem"
        );
        let published = app
            .post(
                &format!("/api/v1/beats/{beat}/publish"),
                Some(&producer.token),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(published.status(), StatusCode::OK, "{order:?}");
    }
}

async fn processing(app: &TestApp, producer: &Account, beat: Uuid) -> Value {
    app.get(
        &format!("/api/v1/beats/{beat}/processing"),
        Some(&producer.token),
    )
    .await
    .json()
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_master_cancels_the_lease_render_of_the_old_one() {
    let puts = Arc::new(Mutex::new(Vec::new()));
    let stalled = Arc::new(AtomicBool::new(false));
    let (recorded, stalling) = (Arc::clone(&puts), Arc::clone(&stalled));
    let app = TestApp::builder()
        // Records the key of every object stored, to see which renders got as far as storing
        // files. The first lease file stored stalls for a while first (a slow bucket), so that
        // the test knows the lease render is in the middle of its work when the new master lands.
        .wrap_storage(move |inner| {
            InterceptedPuts::new(
                inner,
                Box::new(move |key| {
                    let stall = key.as_str().contains("/deliverables/mp3_lease/")
                        && !stalling.swap(true, Ordering::SeqCst);
                    let recorded = recorded.clone();
                    Box::pin(async move {
                        if stall {
                            tokio::time::sleep(Duration::from_secs(4)).await;
                        }
                        recorded.lock().unwrap().push(key.to_string());
                        Ok(())
                    })
                }),
            )
        })
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let long = 3.0;
    let first = fixtures::master_of(long);
    for (what, content_type, body) in [
        ("voice-tag", "audio/wav", fixtures::voice_tag()),
        (
            "trackout",
            "application/zip",
            fixtures::good_trackout_of(3.0),
        ),
        ("master", "audio/wav", first),
    ] {
        let response = app.upload(&producer, beat, what, content_type, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
    }
    // The lease render has encoded and is storing its first file.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while !stalled.load(Ordering::SeqCst) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no lease render began"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stalled_at = tokio::time::Instant::now();
    let running = processing(&app, &producer, beat).await;
    let old_leases = running["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "render_leases")
        .unwrap()["id"]
        .clone();

    // Another mix of the same stems (the bus a touch lower), so it passes the check too.
    let freqs = [55.0, 41.2, 8_000.0, 440.0];
    let second = fixtures::mix_wav(44_100, long, |t| {
        0.2 * freqs
            .iter()
            .map(|f| 0.5 * (std::f64::consts::TAU * f * t).sin())
            .sum::<f64>()
    });
    let response = app
        .upload(&producer, beat, "master", "audio/wav", second)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let p = processing(&app, &producer, beat).await;
    let old = p["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == old_leases)
        .unwrap()
        .clone();
    assert_eq!(old["state"], "superseded", "{old:#}");
    assert!(
        old["last_error"].as_str().unwrap().contains("cancelled"),
        "{old:#}"
    );

    let p = app
        .wait_for_processing(&producer, beat, Duration::from_secs(180), all_done)
        .await;
    let leases: Vec<&Value> = p["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["kind"] == "render_leases")
        .collect();
    assert_eq!(
        leases.iter().filter(|j| j["state"] == "done").count(),
        1,
        "{p:#}"
    );
    // The cancelled run stopped before storing anything (its stalled store would have
    // finished seconds later): every lease file ever stored is under the one fingerprint of
    // the final inputs.
    // A run left going would have stored its stalled file by now.
    tokio::time::sleep_until(stalled_at + Duration::from_secs(6)).await;
    let puts = puts.lock().unwrap().clone();
    let mut fingerprints: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for key in &puts {
        let parts: Vec<&str> = key.split('/').collect();
        if let ["beats", _, "deliverables", kind, fingerprint, _] = parts[..]
            && ["mp3_lease", "wav_lease", "bundle"].contains(&kind)
        {
            fingerprints.entry(kind).or_default().push(fingerprint);
        }
    }
    for kind in ["mp3_lease", "wav_lease", "bundle"] {
        let seen = fingerprints.get(kind).cloned().unwrap_or_default();
        assert_eq!(seen.len(), 1, "{kind} stored once: {puts:#?}");
    }
}

#[tokio::test]
async fn an_idle_worker_wakes_when_a_job_is_enqueued_not_at_its_next_poll() {
    let app = TestApp::builder()
        .config(|c| c.worker.poll_interval_ms = 120_000)
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    // Let the worker's slots make their first claim and go to sleep.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    for (what, body) in [
        ("voice-tag", fixtures::voice_tag()),
        ("master", fixtures::master()),
    ] {
        let response = app.upload(&producer, beat, what, "audio/wav", body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
    }
    app.wait_for_processing(&producer, beat, Duration::from_secs(20), |p| {
        p["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "preview" && d["state"] == "done")
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "rendered in {:?}, long before the two-minute poll",
        started.elapsed()
    );
}

/// An upload lands while the check of the previous uploads records its report: the upload
/// holds the beat and supersedes the check's job; the check holds nothing the upload needs
/// and, once the upload commits, finds itself superseded. (The check used to take its job
/// first and then, through the report's key, the beat: on PostgreSQL the two deadlocked and
/// the upload answered 500.)
#[tokio::test]
async fn a_check_recording_as_an_upload_supersedes_it_neither_deadlocks_nor_records() {
    use entity::{job, trackout_check, upload};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
    use trackout_core::queue;
    use trackout_core::services::{checks, pipeline};

    let app = TestApp::builder().without_worker().spawn().await;
    let db = app.state.db.clone();
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    for (what, content_type, body) in [
        ("trackout", "application/zip", fixtures::good_trackout()),
        ("master", "audio/wav", fixtures::master()),
    ] {
        let response = app.upload(&producer, beat, what, content_type, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
    }
    let id_of =
        |uploads: &[upload::Model], kind: &str| uploads.iter().find(|u| u.kind == kind).unwrap().id;
    let uploads = upload::Entity::find()
        .filter(upload::Column::BeatId.eq(beat))
        .all(&db)
        .await
        .unwrap();
    let (trackout, master) = (id_of(&uploads, "trackout"), id_of(&uploads, "master"));
    // The check's job, as a worker holds it while it checks.
    let check = job::Entity::find()
        .filter(job::Column::BeatId.eq(beat))
        .filter(job::Column::Kind.eq("check_trackout"))
        .filter(job::Column::State.eq("queued"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut running: job::ActiveModel = check.clone().into();
    running.state = Set("running".into());
    running.update(&db).await.unwrap();

    // The upload's transaction: the beat first.
    let upload_txn = trackout_core::db::write_txn(&db).await.unwrap();
    pipeline::lock_beat(&upload_txn, beat).await.unwrap();
    // Meanwhile the check records, as its job.
    let recording = tokio::spawn(queue::run_as(check.id, {
        let db = db.clone();
        async move {
            let outcome = checks::CheckOutcome {
                passes: true,
                error_count: 0,
                warning_count: 0,
                report: serde_json::json!({}),
                detected: None,
            };
            checks::record(&db, beat, trackout, Some(master), outcome).await
        }
    }));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Then the upload supersedes the check's job and commits.
    let key = check.supersede_key.clone().unwrap();
    let superseded = queue::supersede(&upload_txn, &key).await;
    assert_eq!(
        superseded.unwrap(),
        1,
        "the upload superseded the running check"
    );
    upload_txn.commit().await.unwrap();

    let recorded = tokio::time::timeout(Duration::from_secs(30), recording)
        .await
        .expect("the check's record finished")
        .unwrap();
    assert!(
        !recorded.unwrap(),
        "a superseded check records nothing, and fails nothing"
    );
    let reports = trackout_check::Entity::find()
        .filter(trackout_check::Column::BeatId.eq(beat))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(reports, 0);
}
