use std::io::{Cursor, Read};
use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_core::auth::{TokenKind, Tokens};
use trackout_core::payments::events::{EventEnvelope, PaymentEvent};
use trackout_core::services::commerce::payment_events;
use trackout_tests::app::assert_problem;

use super::*;

fn tokens() -> Tokens {
    Tokens::new(
        SecretString::from("a test secret that is long enough"),
        Duration::from_secs(3600),
    )
}

fn token_of(url: &str) -> &str {
    url.strip_prefix("/d/").unwrap()
}

fn claims(url: &str) -> Value {
    let payload = token_of(url).split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_trackout_sale_delivers_every_file_and_the_bundle_checks_out() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = published_beat(&app, &producer).await;
    let (purchase_id, url) = started(&app, &artist, beat, "trackout_lease").await;
    assert!(
        url.contains("/pay/dev/"),
        "no Stripe keys: the development provider: {url}"
    );
    pay_dev(&app, &url).await;
    let purchase = fulfilled(&app, &artist, purchase_id).await;
    let files: Vec<&str> = purchase["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    for f in [
        "bundle",
        "stem:Kick.wav",
        "stem:808.wav",
        "wav",
        "mp3",
        "license.pdf",
        "license.txt",
    ] {
        assert!(files.contains(&f), "{f} missing from {files:?}");
    }

    // The bundle: a valid zip, the buyer's license inside, every checksum right.
    let response = app.get(link(&purchase, "bundle"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"Midnight Run - Trackout.zip\""),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a valid zip");
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let manifest_name = names
        .iter()
        .find(|n| n.ends_with("manifest.json"))
        .unwrap()
        .clone();
    assert!(
        names.iter().any(|n| n.ends_with("LICENSE.pdf")),
        "{names:?}"
    );
    let mut manifest = String::new();
    zip.by_name(&manifest_name)
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    for file in manifest["files"].as_array().unwrap() {
        let mut content = Vec::new();
        zip.by_name(file["path"].as_str().unwrap())
            .unwrap()
            .read_to_end(&mut content)
            .unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&content)),
            file["sha256"],
            "{}",
            file["path"]
        );
    }

    // A single stem, resumably: the whole file, then its second half by Range.
    let stem_url = link(&purchase, "stem:Kick.wav").to_owned();
    let stem = app.get(&stem_url, None).await.bytes().await.unwrap();
    assert_eq!(&stem[..4], b"RIFF");
    hound::WavReader::new(Cursor::new(stem.to_vec())).expect("the stem is a WAV on its own");
    let half = stem.len() / 2;
    let rest = app
        .client
        .get(app.url(&stem_url))
        .header("range", format!("bytes={half}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(rest.bytes().await.unwrap(), stem.slice(half..));

    // The license: a PDF naming the buyer, verifiable by anyone.
    let pdf = app
        .get(link(&purchase, "license.pdf"), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = app
        .get(link(&purchase, "license.txt"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Test artist")
            && text.contains("Midnight Run")
            && text.contains("TRACKOUT LEASE LICENSE"),
        "{text}"
    );
    let license = purchase["license_id"].as_str().unwrap();
    let check: Value = app
        .get(&format!("/api/v1/licenses/{license}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["valid"], true);
    assert_eq!(check["licensee"], "Test artist");

    // A sold beat cannot be deleted out from under its buyer; it can be taken off sale.
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/beats/{beat}")))
        .bearer_auth(&producer.token)
        .send()
        .await
        .unwrap();
    assert_problem(deleted, StatusCode::CONFLICT, "beat_has_sales").await;
    let off = app
        .post(
            &format!("/api/v1/beats/{beat}/unpublish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/beats/{beat}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(link(&purchase, "mp3"), None).await.status(),
        StatusCode::OK,
        "the buyer keeps their files"
    );

    // The producer sees the sale.
    let sales: Value = app
        .get("/api/v1/sales", Some(&producer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sales["count"], 1);
    assert_eq!(sales["revenue_cents"], 9999);
    assert_eq!(sales["beats"][0]["tiers"][0]["tier"], "trackout_lease");
}

#[tokio::test]
async fn links_are_bound_to_their_purchase_file_and_kind() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (a, url_a) = started(&app, &artist, beat, "mp3_lease").await;
    pay_dev(&app, &url_a).await;
    // Another tier: the same one again would be refused as already owned.
    let (b, url_b) = started(&app, &artist, beat, "wav_lease").await;
    pay_dev(&app, &url_b).await;
    let purchase_a = licensed(&app, &artist, a).await;
    let good = link(&purchase_a, "license.pdf").to_owned();
    assert_eq!(app.get(&good, None).await.status(), StatusCode::OK);

    let t = tokens();
    let mut moved = claims(&good);
    moved["sub"] = json!(b.to_string());
    // Re-pointing A's link at B breaks its signature…
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token_of(&good).split('.').collect();
    let forged = format!(
        "/d/{}.{}.{}",
        parts[0],
        engine.encode(moved.to_string()),
        parts[2]
    );
    assert_problem(
        app.get(&forged, None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_link",
    )
    .await;
    // …and `alg: none` is no way around it.
    let none = format!(
        "/d/{}.{}.",
        engine.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    assert_problem(
        app.get(&none, None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_link",
    )
    .await;
    // An expired link.
    let mut old = claims(&good);
    old["exp"] = json!(chrono::Utc::now().timestamp() - 60);
    let expired = format!("/d/{}", t.sign(TokenKind::Download, &old));
    assert_problem(
        app.get(&expired, None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_link",
    )
    .await;
    // A session token is no download link, and a download link is no session.
    assert_problem(
        app.get(&format!("/d/{}", artist.token), None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_link",
    )
    .await;
    assert_problem(
        app.get("/api/v1/me", Some(token_of(&good))).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // An MP3 lease buys the MP3: a genuine link to anything more finds nothing.
    for file in ["wav", "bundle", "stem:Kick.wav"] {
        let mut wider = claims(&good);
        wider["file"] = json!(file);
        let url = format!("/d/{}", t.sign(TokenKind::Download, &wider));
        assert_problem(
            app.get(&url, None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let offered: Vec<&str> = purchase_a["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["mp3", "license.pdf", "license.txt"]);

    // A link issued before a refund is dead after it.
    let refund = EventEnvelope {
        id: "evt_refund_a".into(),
        event_type: "charge.refunded".into(),
        event: PaymentEvent::Refunded {
            payment_intent: format!("pi_dev_{}", a.simple()),
            amount_refunded: 2999,
            full: true,
        },
    };
    payment_events::apply(&app.state.db, &refund).await.unwrap();
    assert_problem(
        app.get(&good, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn another_artists_purchase_is_not_found() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let buyer = app.register("artist").await;
    let stranger = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (id, url) = started(&app, &buyer, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    assert_eq!(
        app.get(&format!("/api/v1/purchases/{id}"), Some(&stranger.token))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/purchases/{id}/shares"),
            Some(&stranger.token)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let share = app
        .post(
            &format!("/api/v1/purchases/{id}/shares"),
            Some(&stranger.token),
            &json!({"label": "x", "expires_in": 3600}),
        )
        .await;
    assert_eq!(share.status(), StatusCode::NOT_FOUND);
    let mine: Value = app
        .get("/api/v1/purchases", Some(&stranger.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine, json!([]));
    assert_problem(
        checkout(&app, &producer, beat, "mp3_lease").await,
        StatusCode::CONFLICT,
        "own_beat",
    )
    .await;
}

#[tokio::test]
async fn on_s3_a_link_redirects_to_a_presigned_url_that_expires() {
    let server = std::sync::Arc::new(trackout_tests::S3Server::start().await);
    let s3 = server.config();
    let app = TestApp::builder()
        .config(move |c| {
            c.storage = trackout_core::config::StorageKind::S3;
            c.s3 = s3;
            c.commerce.download_link_seconds = 2;
        })
        .spawn()
        .await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = catalog_beat(&app, &producer).await;
    let (id, url) = started(&app, &artist, beat, "mp3_lease").await;
    pay_dev(&app, &url).await;
    let purchase = licensed(&app, &artist, id).await;
    let response = app.get(link(&purchase, "license.pdf"), None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&server.endpoint), "{location}");
    let direct = reqwest::get(&location).await.unwrap();
    assert_eq!(direct.status(), StatusCode::OK);
    assert!(
        direct.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("License.pdf")
    );
    assert!(direct.bytes().await.unwrap().starts_with(b"%PDF-"));
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        reqwest::get(&location).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "the presigned URL expired with the link"
    );
}
