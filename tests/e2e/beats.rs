use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trackout_tests::app::assert_problem;
use trackout_tests::{TestApp, fixtures};

#[tokio::test]
async fn a_producer_creates_edits_and_deletes_a_beat() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = app
        .create_beat(
            &producer,
            &json!({"title": "  Midnight Run ", "bpm": 140, "key": "f#m", "genre": "Trap",
                    "moods": ["Dark", "dark", "Eerie"], "tags": ["808"], "isrc": "us-s1z-25-00001"}),
        )
        .await;
    assert_eq!(beat["title"], "Midnight Run");
    assert_eq!(beat["key"], "F# min");
    assert_eq!(beat["genre"], "trap");
    assert_eq!(
        beat["moods"],
        json!(["dark", "eerie"]),
        "normalized, duplicates dropped, order kept"
    );
    assert_eq!(beat["isrc"], "USS1Z2500001");
    assert_eq!(beat["status"], "draft");
    let kinds: Vec<&str> = beat["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["mp3_lease", "wav_lease", "trackout_lease", "exclusive"]
    );
    let id = beat["id"].as_str().unwrap();

    let patched = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/beats/{id}"),
            Some(&producer.token),
            &json!({"bpm": 150, "tags": ["night", "drill"], "isrc": null}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["bpm"], 150);
    assert_eq!(patched["tags"], json!(["night", "drill"]));
    assert_eq!(patched["isrc"], Value::Null);
    assert_eq!(
        patched["title"], "Midnight Run",
        "fields not sent stay as they were"
    );

    let mine: Value = app
        .get("/api/v1/me/beats", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);

    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/beats/{id}")))
        .bearer_auth(&producer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get(&format!("/api/v1/beats/{id}"), Some(&producer.token))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn invalid_beats_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    for (body, field, words) in [
        (
            json!({"title": "", "bpm": 140, "key": "Am", "genre": "trap"}),
            "title",
            "title must not be empty",
        ),
        (
            json!({"title": "X", "bpm": 20, "key": "Am", "genre": "trap"}),
            "bpm",
            "BPM must be",
        ),
        (
            json!({"title": "X", "bpm": 140, "key": "H dorian", "genre": "trap"}),
            "key",
            "key must be",
        ),
        (
            json!({"title": "X", "bpm": 140, "key": "Am", "genre": "trap", "isrc": "nope"}),
            "isrc",
            "ISRC",
        ),
        (
            json!({"title": "X", "bpm": 140, "key": "Am", "genre": "trap", "tags": ["ok", "<b>"]}),
            "tags[1]",
            "tag or mood",
        ),
        (
            json!({"title": "X", "bpm": 140, "key": "Am", "genre": "trap", "price": 1}),
            "price",
            "unknown field",
        ),
    ] {
        let response = app
            .post("/api/v1/beats", Some(&producer.token), &body)
            .await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
        assert_eq!(problem["field"], field, "{problem:#}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains(words) && !detail.contains(" at line "),
            "{problem:#}"
        );
    }
    let mine: Value = app
        .get("/api/v1/me/beats", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine, json!([]), "nothing was created");
}

#[tokio::test]
async fn an_artist_cannot_create_beats() {
    let app = TestApp::spawn().await;
    let artist = app.register("artist").await;
    let response = app
        .post(
            "/api/v1/beats",
            Some(&artist.token),
            &json!({"title": "X", "bpm": 140, "key": "Am", "genre": "trap"}),
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
}

/// Every route that touches a beat answers 404 to anyone but its producer, exactly as for a
/// beat that does not exist, and changes nothing.
#[tokio::test]
async fn another_producers_draft_is_not_found_on_every_route() {
    let app = TestApp::spawn().await;
    let owner = app.register("producer").await;
    let intruder = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = app.new_beat(&owner).await;
    let missing = uuid::Uuid::now_v7();

    for id in [beat, missing] {
        for who in [&intruder, &artist] {
            let token = Some(who.token.as_str());
            let base = format!("/api/v1/beats/{id}");
            let responses = vec![
                app.get(&base, token).await,
                app.send_json(Method::PATCH, &base, token, &json!({"title": "Stolen"})).await,
                app.client.delete(app.url(&base)).bearer_auth(&who.token).send().await.unwrap(),
                app.get(&format!("{base}/tiers"), token).await,
                app.send_json(Method::PUT, &format!("{base}/tiers"), token,
                    &json!([{"kind": "mp3_lease", "price_cents": 100, "enabled": true, "terms": {}}])).await,
                app.upload(who, id, "master", "audio/wav", fixtures::master()).await,
                app.upload(who, id, "trackout", "application/zip", fixtures::good_trackout()).await,
                app.upload(who, id, "voice-tag", "audio/wav", fixtures::voice_tag()).await,
                app.get(&format!("{base}/processing"), token).await,
                app.post(&format!("{base}/publish"), token, &json!({})).await,
            ];
            for response in responses {
                let url = response.url().clone();
                let status = response.status();
                assert!(
                    status == StatusCode::NOT_FOUND
                        || (who.id == artist.id && status == StatusCode::FORBIDDEN),
                    "{url} answered {status} to a stranger"
                );
            }
        }
        // Not logged in: a draft is simply not there.
        assert_eq!(
            app.get(&format!("/api/v1/beats/{id}"), None).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    // A malformed id is no different.
    assert_eq!(
        app.get("/api/v1/beats/not-a-uuid", None).await.status(),
        StatusCode::NOT_FOUND
    );

    let beat_now: Value = app
        .get(&format!("/api/v1/beats/{beat}"), Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beat_now["title"], "Midnight Run", "the draft is untouched");
    let processing: Value = app
        .get(
            &format!("/api/v1/beats/{beat}/processing"),
            Some(&owner.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        processing["uploads"],
        json!([]),
        "no stranger's upload was recorded"
    );
    assert!(objects(&app).is_empty(), "no stranger's upload was stored");
}

/// Every stored object under the local store's root.
pub fn objects(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.dir.path().join("objects"), &mut out);
    out
}
