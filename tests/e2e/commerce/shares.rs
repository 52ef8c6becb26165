use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::assert_problem;

use super::*;

#[tokio::test]
async fn an_engineer_fetches_stems_through_a_share_the_artist_controls() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = published_beat(&app, &producer).await;
    let (purchase_id, url) = started(&app, &artist, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    fulfilled(&app, &artist, purchase_id).await;

    let shares = format!("/api/v1/purchases/{purchase_id}/shares");
    let created = app
        .post(
            &shares,
            Some(&artist.token),
            &json!({"label": "Sam — mix engineer", "expires_in": 86400, "max_downloads": 2}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let share_url = created["url"].as_str().unwrap().to_owned();

    // No account: JSON for a client, HTML for a person.
    let page: Value = app.get(&share_url, None).await.json().await.unwrap();
    let files = page["files"].as_array().unwrap();
    assert_eq!(files[0]["file"], "bundle");
    assert!(
        files
            .iter()
            .all(|f| !f["file"].as_str().unwrap().starts_with("license")),
        "the license stays with the artist"
    );
    let kick = files.iter().find(|f| f["file"] == "stem:Kick.wav").unwrap();
    assert_eq!(kick["role"], "kick");
    assert!(kick["duration_seconds"].as_f64().unwrap() > 1.9);
    let html = app
        .client
        .get(app.url(&share_url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Midnight Run")
            && html.contains("Kick.wav")
            && html.contains("Sam — mix engineer")
    );

    // Two downloads allowed; resuming an interrupted one does not count as another.
    let kick_url = kick["url"].as_str().unwrap().to_owned();
    let received = interrupted_download(&app, &kick_url).await;
    let resumed = app
        .client
        .get(app.url(&kick_url))
        .header("range", format!("bytes={received}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), StatusCode::PARTIAL_CONTENT);
    let rest = resumed.bytes().await.unwrap().len() as u64;
    assert_eq!(received + rest, kick["size_bytes"].as_u64().unwrap());
    assert_eq!(app.get(&kick_url, None).await.status(), StatusCode::OK);
    assert_problem(
        app.get(&kick_url, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // The artist sees every download, and can revoke.
    let listed: Value = app
        .get(&shares, Some(&artist.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["downloads"].as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["downloads"][0]["file"], "stem:Kick.wav");
    let second: Value = app
        .post(
            &shares,
            Some(&artist.token),
            &json!({"label": "Backup", "expires_in": 3600}),
        )
        .await
        .json()
        .await
        .unwrap();
    let second_url = second["url"].as_str().unwrap().to_owned();
    let revoke = app
        .client
        .delete(app.url(&format!("{shares}/{}", second["id"].as_str().unwrap())))
        .bearer_auth(&artist.token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get(&second_url, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get("/s/not-a-token", None).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Starts downloading `url`, reads the first chunk and hangs up, as a dropped connection does;
/// returns how many bytes arrived.
pub async fn interrupted_download(app: &TestApp, url: &str) -> u64 {
    let mut response = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let first = response.chunk().await.unwrap().expect("a first chunk");
    drop(response);
    first.len() as u64
}
