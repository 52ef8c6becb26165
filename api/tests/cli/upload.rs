//! `trackout upload` against a running `trackout serve`: a folder trackout checked, zipped,
//! uploaded and processed until publishable; a connection cut mid-upload resumed where the
//! store stopped; a trackout that fails the check never leaves the machine.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use reqwest::blocking::Client;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::serve::{Running, database_env, free_port, processing, start, wait_ready};
use crate::{write_mix, write_stem, zip_dir};

const FREQS: [(&str, f64); 3] = [("Kick.wav", 55.0), ("Bass.wav", 41.0), ("Keys.wav", 330.0)];

/// A store with a verified producer and one draft beat.
struct Store {
    dir: tempfile::TempDir,
    _serve: Running,
    base: String,
    token: String,
    beat: String,
    client: Client,
}

fn store() -> Store {
    store_with(&[])
}

/// [`store`], with more of the store's environment (its storage, say).
fn store_with(more: &[(&'static str, String)]) -> Store {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env = database_env();
    env.extend([
        ("TRACKOUT_BIND", format!("127.0.0.1:{port}")),
        (
            "TRACKOUT_JWT_SECRET",
            "a secret for the trackout upload tests".into(),
        ),
        ("TRACKOUT_JOB_POLL_MS", "50".into()),
        crate::serve::quick_settle(),
    ]);
    env.extend(more.iter().cloned());
    let serve = start(dir.path(), &["serve"], &env);
    let client = Client::new();
    wait_ready(&client, &base);
    let email = "producer@example.com";
    let invitation = crate::invitation(dir.path(), &env, email);
    let token = crate::sign_up(&client, &base, email, "producer", Some(&invitation));
    crate::verify_from_outbox(&client, &base, &dir.path().join("data/outbox"), email);
    let beat: Value = client
        .post(format!("{base}/api/v1/beats"))
        .bearer_auth(&token)
        .json(&json!({"title": "Night Drive", "bpm": 92, "key": "Dm", "genre": "boom bap"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    Store {
        beat: beat["id"].as_str().unwrap().to_owned(),
        dir,
        _serve: serve,
        base,
        token,
        client,
    }
}

/// Stems of `seconds` in `dir`, and their mix as the master in its own folder.
fn beat_files(seconds: f64) -> (tempfile::TempDir, tempfile::TempDir) {
    let stems = tempfile::tempdir().unwrap();
    for (name, freq) in FREQS {
        write_stem(&stems.path().join(name), seconds, freq);
    }
    let master = tempfile::tempdir().unwrap();
    let freqs: Vec<f64> = FREQS.iter().map(|(_, f)| *f).collect();
    write_mix(&master.path().join("Night Drive.wav"), seconds, &freqs);
    (stems, master)
}

/// `trackout upload` as a producer runs it, remembering unfinished sessions under `state`.
fn upload(
    state: &Path,
    url: &str,
    token: Option<&str>,
    args: &[&dyn AsRef<std::ffi::OsStr>],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trackout"));
    command
        .arg("upload")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("XDG_STATE_HOME", state)
        .env("TRACKOUT_URL", url)
        .env("RUST_LOG", "warn");
    if let Some(token) = token {
        command.env("TRACKOUT_TOKEN", token);
    }
    command.output().unwrap()
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stored<'a>(processing: &'a Value, kind: &str) -> &'a Value {
    processing["uploads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} upload in {processing}"))
}

#[test]
fn a_folder_trackout_is_checked_zipped_uploaded_and_reported_publishable() {
    let store = store();
    let (stems, master) = beat_files(1.0);
    let master = master.path().join("Night Drive.wav");
    let tag_dir = tempfile::tempdir().unwrap();
    let tag = tag_dir.path().join("tag.wav");
    write_stem(&tag, 0.4, 880.0);

    let out = upload(
        store.dir.path(),
        &store.base,
        Some(&store.token),
        &[
            &"--beat",
            &store.beat,
            &"--master",
            &master,
            &"--trackout",
            &stems.path(),
            &"--voice-tag",
            &tag,
        ],
    );
    let text = said(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("publishable: Night Drive"),
        "says so: {text}"
    );
    assert!(stdout.contains("Kick"), "prints the check report: {text}");

    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    assert_eq!(now["publish"]["publishable"], true, "{now}");
    assert_eq!(stored(&now, "master")["sha256"], sha256(&master));
    assert_eq!(stored(&now, "voice_tag")["sha256"], sha256(&tag));
    let trackout = stored(&now, "trackout");
    let folder = stems.path().file_name().unwrap().to_string_lossy();
    assert_eq!(trackout["file_name"], format!("{folder}.zip"));
    // The store's check saw the folder's stems under their names.
    let checked: Vec<&str> = now["check"]["report"]["stems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(checked, ["Bass.wav", "Keys.wav", "Kick.wav"], "{now}");
    // And publishing now succeeds, as the CLI said it would.
    let published = store
        .client
        .post(format!(
            "{}/api/v1/beats/{}/publish",
            store.base, store.beat
        ))
        .bearer_auth(&store.token)
        .send()
        .unwrap();
    assert_eq!(published.status(), 200);
}

/// A TCP proxy in front of the store that, once, drops the connection carrying the
/// client's `cut_at`-th byte (counted over every connection), as a lost network would.
struct CuttingProxy {
    port: u16,
    forwarded: Arc<AtomicU64>,
    cut: Arc<AtomicBool>,
    restored: Arc<AtomicBool>,
}

/// Whether the proxy goes on forwarding after its cut, or the network stays down.
#[derive(Clone, Copy, PartialEq)]
enum AfterCut {
    Forward,
    StayDown,
}

/// While the network is down: (cut, restored). Every connection open through the proxy goes
/// down with it, not only the one that crossed the cut, or a client's pooled connection
/// would carry on as if nothing happened.
type Down = Option<(Arc<AtomicBool>, Arc<AtomicBool>)>;

/// Which connections count toward the cut: all, or those whose first bytes hold this (a
/// client's User-Agent, when the upstream has other clients too).
type Only = Option<&'static str>;

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    mut budget: Option<(Arc<AtomicU64>, u64, Arc<AtomicBool>)>,
    down: Down,
    only: Only,
) {
    let mut buffer = vec![0u8; 64 << 10];
    let mut first = true;
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if std::mem::take(&mut first)
            && let Some(marker) = only
            && !String::from_utf8_lossy(&buffer[..n])
                .to_ascii_lowercase()
                .contains(marker)
        {
            budget = None;
        }
        if let Some((cut, restored)) = &down
            && cut.load(Ordering::SeqCst)
            && !restored.load(Ordering::SeqCst)
        {
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
        let mut send = n;
        let mut cutting = false;
        if let Some((forwarded, cut_at, cut)) = &budget {
            let before = forwarded.load(Ordering::SeqCst);
            if !cut.load(Ordering::SeqCst) && before + n as u64 >= *cut_at {
                send = (*cut_at - before) as usize;
                cutting = true;
            }
            forwarded.fetch_add(send as u64, Ordering::SeqCst);
        }
        if to.write_all(&buffer[..send]).is_err() {
            break;
        }
        if cutting {
            if let Some((_, _, cut)) = &budget {
                cut.store(true, Ordering::SeqCst);
            }
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl CuttingProxy {
    fn start(upstream: u16, cut_at: u64, after: AfterCut) -> CuttingProxy {
        CuttingProxy::start_counting(upstream, cut_at, after, None)
    }

    /// [`CuttingProxy::start`], counting (and cutting) only the connections `only` marks.
    fn start_counting(upstream: u16, cut_at: u64, after: AfterCut, only: Only) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let forwarded = Arc::new(AtomicU64::new(0));
        let cut = Arc::new(AtomicBool::new(false));
        let restored = Arc::new(AtomicBool::new(false));
        let (f, c, r) = (forwarded.clone(), cut.clone(), restored.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                if after == AfterCut::StayDown
                    && c.load(Ordering::SeqCst)
                    && !r.load(Ordering::SeqCst)
                {
                    // Accepted and dropped at once: the client sees its connection reset.
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                let (c_read, s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let budget = Some((f.clone(), cut_at, c.clone()));
                let down: Down = (after == AfterCut::StayDown).then(|| (c.clone(), r.clone()));
                let down_too = down.clone();
                std::thread::spawn(move || pump(c_read, s_write, budget, down, only));
                std::thread::spawn(move || pump(server, client, None, down_too, None));
            }
        });
        CuttingProxy {
            port,
            forwarded,
            cut,
            restored,
        }
    }

    /// The network is back.
    fn restore(&self) {
        self.restored.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_connection_cut_mid_upload_resumes_at_the_stores_offset_and_completes() {
    let store = store();
    let (stems, master) = beat_files(10.0);
    let master = master.path().join("Night Drive.wav");
    let zip_path = store.dir.path().join("Night Drive stems.zip");
    std::fs::write(&zip_path, zip_dir(stems.path())).unwrap();
    let master_size = std::fs::metadata(&master).unwrap().len();
    let zip_size = std::fs::metadata(&zip_path).unwrap().len();
    assert!(
        zip_size > 6 << 20,
        "a trackout of several chunks: {zip_size}"
    );
    // The cut lands three megabytes into the trackout's first request.
    let cut_at = master_size + (3 << 20);
    let upstream: u16 = store.base.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = CuttingProxy::start(upstream, cut_at, AfterCut::Forward);

    let out = upload(
        store.dir.path(),
        &format!("http://127.0.0.1:{}", proxy.port),
        Some(&store.token),
        &[
            &"--beat",
            &store.beat,
            &"--master",
            &master,
            &"--trackout",
            &zip_path,
            &"--chunk-mib",
            &"4",
        ],
    );
    let text = said(&out);
    assert!(proxy.cut.load(Ordering::SeqCst), "the proxy cut: {text}");
    assert_eq!(out.status.code(), Some(0), "{text}");

    // It went on from where the store was, not from zero.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let resumed: Vec<u64> = stderr
        .lines()
        .filter_map(|l| l.split("resuming at byte ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    let resumed_at = *resumed
        .last()
        .unwrap_or_else(|| panic!("no resume: {text}"));
    assert!(
        resumed_at > 2 << 20 && resumed_at < 3 << 20,
        "resumed at {resumed_at}, about three megabytes in: {text}"
    );
    // Every body byte crossed the wire once, give or take the requests' headers.
    let forwarded = proxy.forwarded.load(Ordering::SeqCst);
    let bodies = master_size + zip_size;
    assert!(
        forwarded < bodies + (256 << 10),
        "{forwarded} bytes forwarded for {bodies} bytes of files: something went twice"
    );

    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    let trackout = stored(&now, "trackout");
    assert_eq!(
        trackout["sha256"],
        sha256(&zip_path),
        "the store has the file, byte for byte"
    );
    assert_eq!(trackout["size_bytes"], zip_size);
    assert_eq!(trackout["file_name"], "Night Drive stems.zip");
    assert_eq!(now["publish"]["publishable"], true, "{now}");
}

#[test]
fn a_trackout_that_fails_the_check_is_not_uploaded() {
    let store = store();
    let (stems, master) = beat_files(1.0);
    let master = master.path().join("Night Drive.wav");
    // One stem a tenth of a second short: `length_mismatch`, an error.
    write_stem(&stems.path().join("Keys.wav"), 0.9, 330.0);
    let args: [&dyn AsRef<std::ffi::OsStr>; 6] = [
        &"--beat",
        &store.beat,
        &"--master",
        &master,
        &"--trackout",
        &stems.path(),
    ];

    let out = upload(store.dir.path(), &store.base, Some(&store.token), &args);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("length_mismatch"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing was uploaded"),
        "{text}"
    );
    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    assert_eq!(now["uploads"], json!([]), "not even the master went up");

    // Without a token, or with a wrong one, nothing runs at all.
    let out = upload(store.dir.path(), &store.base, None, &args);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TRACKOUT_TOKEN"));
    let out = upload(store.dir.path(), &store.base, Some("not-a-token"), &args);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did not accept TRACKOUT_TOKEN"),
        "{}",
        said(&out)
    );
}

#[test]
fn a_network_that_stays_down_is_given_up_on_and_the_same_command_goes_on_later() {
    let store = store();
    let (stems, master) = beat_files(10.0);
    let master = master.path().join("Night Drive.wav");
    let zip_path = store.dir.path().join("stems.zip");
    std::fs::write(&zip_path, zip_dir(stems.path())).unwrap();
    let master_size = std::fs::metadata(&master).unwrap().len();
    let upstream: u16 = store.base.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = CuttingProxy::start(upstream, master_size + (3 << 20), AfterCut::StayDown);

    let out = upload(
        store.dir.path(),
        &format!("http://127.0.0.1:{}", proxy.port),
        Some(&store.token),
        &[
            &"--beat",
            &store.beat,
            &"--master",
            &master,
            &"--trackout",
            &zip_path,
            &"--retries",
            &"2",
        ],
    );
    let text = said(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gave up sending the trackout: 3 attempts in a row gained no byte"),
        "{text}"
    );
    // The master went up; the trackout did not, and nothing half-sent was recorded.
    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    assert_eq!(stored(&now, "master")["sha256"], sha256(&master));
    assert!(
        now["uploads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["kind"] != "trackout"),
        "{now}"
    );

    // The network is back: the same command goes on from where the store stopped.
    proxy.restore();
    let out = upload(
        store.dir.path(),
        &format!("http://127.0.0.1:{}", proxy.port),
        Some(&store.token),
        &[
            &"--beat",
            &store.beat,
            &"--master",
            &master,
            &"--trackout",
            &zip_path,
        ],
    );
    let text = said(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("trackout: an earlier run left this upload open"),
        "{text}"
    );
    let resumed: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("trackout: resuming at byte "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no resume: {text}"));
    assert!(
        resumed > 2 << 20 && resumed < 3 << 20,
        "went on from about three megabytes in, where the store stopped: {text}"
    );
    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    assert_eq!(stored(&now, "trackout")["sha256"], sha256(&zip_path));
}

/// A proxy in front of moto that counts and cuts only what `trackout upload` sends: the
/// store's own S3 traffic (its renders) crosses it too.
fn bucket_proxy(moto: &crate::moto::Moto, cut_at: u64, after: AfterCut) -> CuttingProxy {
    CuttingProxy::start_counting(
        moto.port,
        cut_at,
        after,
        Some("user-agent: trackout-upload/"),
    )
}

/// A store on S3 (moto's server), reached through `proxy`: the part URLs it signs point at
/// the proxy, so the parts the CLI sends cross it.
fn s3_store(proxy: &CuttingProxy) -> Store {
    store_with(&[
        ("TRACKOUT_STORAGE", "s3".into()),
        ("TRACKOUT_S3_BUCKET", crate::moto::BUCKET.into()),
        (
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", proxy.port),
        ),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "trackout-test-access".into()),
        ("AWS_SECRET_ACCESS_KEY", "trackout-test-secret-key".into()),
        ("TRACKOUT_S3_FORCE_PATH_STYLE", "true".into()),
    ])
}

/// Sixteen stems of ten seconds (a zip of six 8 MiB parts) and their master (one part).
/// Many short stems rather than three long ones: a long pure sine lets the check's offset
/// search lock a period off.
fn s3_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, u64, u64) {
    let stems = tempfile::tempdir().unwrap();
    let freqs: Vec<f64> = (0..16).map(|n| 110.0 + 37.0 * f64::from(n)).collect();
    for (n, freq) in freqs.iter().enumerate() {
        write_stem(
            &stems.path().join(format!("Layer {:02}.wav", n + 1)),
            10.0,
            *freq,
        );
    }
    let master_path = dir.join("Night Drive.wav");
    write_mix(&master_path, 10.0, &freqs);
    let zip_path = dir.join("Night Drive stems.zip");
    std::fs::write(&zip_path, zip_dir(stems.path())).unwrap();
    let master_size = std::fs::metadata(&master_path).unwrap().len();
    let zip_size = std::fs::metadata(&zip_path).unwrap().len();
    assert!(
        zip_size > 5 * (8 << 20),
        "a trackout of six parts: {zip_size}"
    );
    (master_path, zip_path, master_size, zip_size)
}

fn assert_stored_and_publishable(store: &Store, master: &Path, zip_path: &Path) {
    let now = processing(&store.client, &store.base, &store.token, &store.beat);
    assert_eq!(stored(&now, "master")["sha256"], sha256(master));
    let trackout = stored(&now, "trackout");
    assert_eq!(
        trackout["sha256"],
        sha256(zip_path),
        "the bucket has the file, byte for byte"
    );
    assert_eq!(
        trackout["size_bytes"],
        std::fs::metadata(zip_path).unwrap().len()
    );
    assert_eq!(now["publish"]["publishable"], true, "{now}");
    let published = store
        .client
        .post(format!(
            "{}/api/v1/beats/{}/publish",
            store.base, store.beat
        ))
        .bearer_auth(&store.token)
        .send()
        .unwrap();
    assert_eq!(published.status(), 200);
}

#[test]
fn on_s3_a_part_cut_mid_way_is_sent_again_straight_to_the_bucket() {
    let moto = crate::moto::Moto::start();
    let files = tempfile::tempdir().unwrap();
    let (master, zip_path, master_size, zip_size) = s3_files(files.path());
    // Three megabytes into the trackout's parts, four of them in flight.
    let proxy = bucket_proxy(&moto, master_size + (3 << 20), AfterCut::Forward);
    let store = s3_store(&proxy);

    let out = upload(
        files.path(),
        &store.base,
        Some(&store.token),
        &[
            &"--beat",
            &store.beat,
            &"--master",
            &master,
            &"--trackout",
            &zip_path,
        ],
    );
    let text = said(&out);
    assert!(proxy.cut.load(Ordering::SeqCst), "the proxy cut: {text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("trackout: part ") && stderr.contains("sending it again"),
        "the cut part went again: {text}"
    );
    // The parts went to the bucket, not through the store: every body byte crossed the
    // proxy, and only the cut part went twice.
    let forwarded = proxy.forwarded.load(Ordering::SeqCst);
    let bodies = master_size + zip_size;
    assert!(
        forwarded >= bodies,
        "{forwarded} of {bodies} bytes crossed the proxy"
    );
    assert!(
        forwarded < bodies + (8 << 20) + (1 << 20),
        "{forwarded} bytes forwarded for {bodies} bytes of files: more than one part went twice"
    );
    assert_stored_and_publishable(&store, &master, &zip_path);
}

#[test]
fn on_s3_a_rerun_sends_only_the_parts_the_bucket_lacks() {
    let moto = crate::moto::Moto::start();
    let files = tempfile::tempdir().unwrap();
    let (master, zip_path, master_size, zip_size) = s3_files(files.path());
    // Forty megabytes into the trackout: some of its six parts are in the bucket, the
    // network then stays down.
    let proxy = bucket_proxy(&moto, master_size + (40 << 20), AfterCut::StayDown);
    let store = s3_store(&proxy);
    let args: [&dyn AsRef<std::ffi::OsStr>; 8] = [
        &"--beat",
        &store.beat,
        &"--master",
        &master,
        &"--trackout",
        &zip_path,
        &"--retries",
        &"1",
    ];

    let out = upload(files.path(), &store.base, Some(&store.token), &args);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gave up sending the trackout"),
        "{text}"
    );
    let before = proxy.forwarded.load(Ordering::SeqCst);

    proxy.restore();
    let out = upload(files.path(), &store.base, Some(&store.token), &args);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("trackout: an earlier run left this upload open"),
        "{text}"
    );
    let held: u64 = stderr
        .lines()
        .find_map(|l| l.split(" parts (").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no listing of held parts: {text}"));
    let last = zip_size % (8 << 20);
    assert!(
        held >= 8 << 20 && (held.is_multiple_of(8 << 20) || (held - last).is_multiple_of(8 << 20)),
        "whole parts were held: {held}: {text}"
    );
    assert!(held < zip_size, "the first run did not finish: {text}");
    // The rerun sent what the bucket lacked of the trackout, not the whole file again (and
    // the master once more: the CLI sends every file it is given).
    let again = proxy.forwarded.load(Ordering::SeqCst) - before;
    let lacked = master_size + zip_size - held;
    assert!(
        again >= lacked && again < lacked + (1 << 20),
        "the rerun sent {again} bytes; the bucket lacked {lacked}"
    );
    assert_stored_and_publishable(&store, &master, &zip_path);
}
