//! A whole sale on the real binary: the API and a worker as separate processes, Stripe's API
//! stood in for by a local server, the payment confirmed by a webhook signed as Stripe signs.

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_core::payments::signature;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::serve::{database_env, free_port, processing, start, start_with_log, wait_ready};
use crate::{write_mix, write_stem, zip_dir};

const WEBHOOK_SECRET: &str = "whsec_binary_test";

fn stripe(runtime: &tokio::runtime::Runtime) -> MockServer {
    runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .respond_with(|req: &Request| {
                let body = String::from_utf8_lossy(&req.body).into_owned();
                let purchase = body
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("client_reference_id="))
                    .unwrap_or_default()
                    .to_owned();
                ResponseTemplate::new(200).set_body_json(json!({
                    "id": format!("cs_test_{}", purchase.replace('-', "")), "object": "checkout.session",
                    "automatic_tax": {"enabled": false}, "created": 1_795_000_000, "custom_fields": [],
                    "custom_text": {}, "expires_at": 1_795_086_400, "livemode": false, "mode": "payment",
                    "payment_method_types": ["card"], "payment_status": "unpaid", "shipping_options": [],
                    "url": "https://checkout.stripe.test/c/pay/x", "client_reference_id": purchase,
                }))
            })
            .mount(&server)
            .await;
        server
    })
}

fn until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_whole_sale_from_upload_to_an_engineers_download() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stripe = stripe(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env = database_env();
    env.extend([
        ("TRACKOUT_BIND", format!("127.0.0.1:{port}")),
        (
            "TRACKOUT_JWT_SECRET",
            "a secret shared by the api and the worker".into(),
        ),
        ("STRIPE_SECRET_KEY", "sk_test_binary".into()),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.into()),
        ("TRACKOUT_STRIPE_API_BASE", stripe.uri()),
        ("TRACKOUT_JOB_POLL_MS", "50".into()),
        crate::serve::quick_settle(),
    ]);
    let api_log = dir.path().join("api.log");
    let api = start_with_log(dir.path(), &["serve", "--no-worker"], &env, Some(&api_log));
    let worker = start(dir.path(), &["worker"], &env);
    let client = Client::new();
    wait_ready(&client, &base);
    let register = |role: &str| {
        let email = format!("{role}@example.com");
        let invited = (role == "producer").then(|| crate::invitation(dir.path(), &env, &email));
        crate::sign_up(&client, &base, &email, role, invited.as_deref())
    };
    let producer = register("producer");
    let artist = register("artist");
    // No SMTP configured: the worker writes the verification mail to ./data/outbox, and the
    // producer follows its link.
    crate::verify_from_outbox(
        &client,
        &base,
        &dir.path().join("data/outbox"),
        "producer@example.com",
    );

    // The producer uploads; the worker checks and renders.
    let beat: Value = client
        .post(format!("{base}/api/v1/beats"))
        .bearer_auth(&producer)
        .json(&json!({"title": "Night Drive", "bpm": 92, "key": "Dm", "genre": "boom bap"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let beat = beat["id"].as_str().unwrap().to_owned();
    let stems = tempfile::tempdir().unwrap();
    for (name, freq) in [("Kick.wav", 55.0), ("Bass.wav", 41.0), ("Keys.wav", 330.0)] {
        write_stem(&stems.path().join(name), 1.0, freq);
    }
    let master_dir = tempfile::tempdir().unwrap();
    write_mix(
        &master_dir.path().join("master.wav"),
        1.0,
        &[55.0, 41.0, 330.0],
    );
    for (what, content_type, body) in [
        (
            "master",
            "audio/wav",
            std::fs::read(master_dir.path().join("master.wav")).unwrap(),
        ),
        ("trackout", "application/zip", zip_dir(stems.path())),
    ] {
        let response = client
            .put(format!("{base}/api/v1/beats/{beat}/{what}"))
            .bearer_auth(&producer)
            .header("content-type", content_type)
            .body(body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 202);
    }
    until("the renders", || {
        let p = processing(&client, &base, &producer, &beat);
        let done = p["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["state"] == "done")
            .count();
        (done == 5).then_some(())
    });
    let published = client
        .post(format!("{base}/api/v1/beats/{beat}/publish"))
        .bearer_auth(&producer)
        .send()
        .unwrap();
    assert_eq!(published.status(), 200);

    // The artist checks out at "Stripe"; Stripe confirms by webhook.
    let started: Value = client
        .post(format!("{base}/api/v1/checkout"))
        .bearer_auth(&artist)
        .json(&json!({"beat_id": beat, "tier": "trackout_lease"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let purchase = started["purchase_id"].as_str().unwrap().to_owned();
    assert!(
        started["checkout_url"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.test/")
    );
    let event = json!({"id": "evt_binary", "object": "event", "type": "checkout.session.completed", "data": {"object": {
        "id": format!("cs_test_{}", purchase.replace('-', "")), "client_reference_id": purchase,
        "payment_status": "paid", "payment_intent": "pi_binary",
        "amount_total": 9999, "currency": "usd"}}})
    .to_string();
    let header = signature::sign(
        event.as_bytes(),
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
    );
    let hook = client
        .post(format!("{base}/api/v1/webhooks/stripe"))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(event)
        .send()
        .unwrap();
    assert_eq!(hook.status(), 200);

    // The worker fulfils; the artist downloads the bundle and checks every file against the manifest.
    let library: Value = until("fulfillment", || {
        let p: Value = client
            .get(format!("{base}/api/v1/purchases/{purchase}"))
            .bearer_auth(&artist)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let files = p["files"].as_array().unwrap();
        (!files.is_empty() && files.iter().all(|f| f["ready"] == true)).then_some(p)
    });
    let url_of = |file: &str| -> String {
        let link = library["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == file)
            .unwrap()["url"]
            .as_str()
            .unwrap()
            .to_owned();
        format!("{base}{link}")
    };
    let bundle = client
        .get(url_of("bundle"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bundle.to_vec())).unwrap();
    let manifest_name = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .find(|n| n.ends_with("manifest.json"))
        .unwrap();
    let mut manifest = String::new();
    zip.by_name(&manifest_name)
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|f| f["path"].as_str().unwrap().ends_with("LICENSE.pdf")),
        "the buyer's license is in the bundle"
    );
    for file in listed {
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

    // The artist shares the stems; the engineer, with no account, downloads one.
    let share: Value = client
        .post(format!("{base}/api/v1/purchases/{purchase}/shares"))
        .bearer_auth(&artist)
        .json(&json!({"label": "Mix engineer", "expires_in": 3600, "max_downloads": 5}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let page: Value = Client::new()
        .get(format!("{base}{}", share["url"].as_str().unwrap()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let keys = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "stem:Keys.wav")
        .unwrap();
    let stem = Client::new()
        .get(format!("{base}{}", keys["url"].as_str().unwrap()))
        .send()
        .unwrap();
    assert_eq!(stem.status(), 200);
    let stem = stem.bytes().unwrap();
    let reader = hound::WavReader::new(Cursor::new(stem.to_vec())).unwrap();
    assert_eq!(reader.spec().sample_rate, 44_100);
    let shares: Value = client
        .get(format!("{base}/api/v1/purchases/{purchase}/shares"))
        .bearer_auth(&artist)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        shares[0]["downloads"][0]["file"], "stem:Keys.wav",
        "the artist sees the engineer's download"
    );

    worker.terminate();
    api.terminate();
    drop(stripe);

    // The access log shows every request, and no token that would open a file or a share.
    let log = std::fs::read_to_string(&api_log).unwrap();
    assert!(
        log.contains("GET /s/…") && log.contains("GET /d/…"),
        "the access log is on and redacted: {log}"
    );
    let share_token = share["url"].as_str().unwrap().trim_start_matches("/s/");
    let stem_token = keys["url"].as_str().unwrap().trim_start_matches("/d/");
    for secret in [share_token, stem_token] {
        assert!(!log.contains(secret), "a token reached the log");
        // Not even its signature: the last, unguessable part of the JWT.
        assert!(!log.contains(secret.rsplit('.').next().unwrap()));
    }
}
