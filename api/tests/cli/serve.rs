use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::{write_stem, zip_dir};

pub struct Running {
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, as a service manager stops it; the process must exit cleanly.
    pub fn terminate(mut self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A short settle window: these stores get a master and a trackout but no voice tag, and
/// would otherwise wait the default 20 s for one before rendering (the end-to-end suite tests
/// the window itself).
pub fn quick_settle() -> (&'static str, String) {
    ("TRACKOUT_PROCESSING_SETTLE_MS", "300".into())
}

/// `DATABASE_URL` for the processes: a fresh PostgreSQL database when
/// `TRACKOUT_TEST_POSTGRES` names a server, else nothing (the embedded SQLite default).
pub fn database_env() -> Vec<(&'static str, String)> {
    let Some(server) = std::env::var("TRACKOUT_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        return Vec::new();
    };
    let server = server.trim_end_matches('/').to_owned();
    // The prefix the test suite sweeps: a crashed run's database is dropped on the next run.
    // `<pid>_` after it: a suite running beside this one leaves it alone.
    let name = format!(
        "trackout_test_{}_cli_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(format!("{server}/postgres?sslmode=disable"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
    });
    // Plain TCP on loopback, as in tests/src/database.rs: sqlx 0.9.0's TLS handshake, without
    // TCP_NODELAY, waits on delayed ACKs, ~90 ms a connection.
    vec![("DATABASE_URL", format!("{server}/{name}?sslmode=disable"))]
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary with a clean environment: nothing configured but what the test says.
pub fn start(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Running {
    start_with_log(dir, args, env, None)
}

/// [`start`], with the process's whole log (the access log included) written to `log`.
pub fn start_with_log(
    dir: &Path,
    args: &[&str],
    env: &[(&str, String)],
    log: Option<&Path>,
) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trackout"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::null());
    match log {
        Some(path) => command
            .env("RUST_LOG", "info")
            .stderr(std::fs::File::create(path).unwrap()),
        None => command.env("RUST_LOG", "warn").stderr(Stdio::null()),
    };
    for (k, v) in env {
        command.env(k, v);
    }
    Running {
        child: command.spawn().unwrap(),
    }
}

pub fn wait_ready(client: &Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send()
            && r.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "the store never became ready");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn processing(client: &Client, base: &str, token: &str, beat: &str) -> Value {
    client
        .get(format!("{base}/api/v1/beats/{beat}/processing"))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn serve_runs_the_embedded_store_and_separate_workers_share_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut database = database_env();
    let on_sqlite = database.is_empty();
    database.push(quick_settle());
    let mut bind = database.clone();
    bind.push(("TRACKOUT_BIND", format!("127.0.0.1:{port}")));

    // The API alone: uploads are accepted, but nothing processes them.
    let api = start(dir.path(), &["serve", "--no-worker"], &bind);
    let client = Client::new();
    wait_ready(&client, &base);
    if on_sqlite {
        assert!(
            dir.path().join("data/trackout.db").is_file(),
            "SQLite in ./data/trackout.db"
        );
    }
    assert!(
        dir.path().join("data/objects").is_dir(),
        "objects in ./data/objects"
    );

    let invited = crate::invitation(dir.path(), &bind, "metro@example.com");
    let token = crate::sign_up(
        &client,
        &base,
        "metro@example.com",
        "producer",
        Some(&invited),
    );
    let beat: Value = client
        .post(format!("{base}/api/v1/beats"))
        .bearer_auth(&token)
        .json(&json!({"title": "Night", "bpm": 140, "key": "Am", "genre": "trap"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let beat = beat["id"].as_str().unwrap().to_owned();
    let stems = tempfile::tempdir().unwrap();
    write_stem(&stems.path().join("Kick.wav"), 0.3, 55.0);
    write_stem(&stems.path().join("Bass.wav"), 0.3, 41.0);
    let response = client
        .put(format!("{base}/api/v1/beats/{beat}/trackout"))
        .bearer_auth(&token)
        .header("content-type", "application/zip")
        .body(zip_dir(stems.path()))
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    std::thread::sleep(Duration::from_millis(1500));
    let p = processing(&client, &base, &token, &beat);
    assert_eq!(
        p["check"]["state"], "pending",
        "--no-worker runs no jobs: {p:#}"
    );
    assert_eq!(p["jobs"][0]["state"], "queued");

    // A worker in another process, on the same database and objects, picks the job up.
    let worker = start(dir.path(), &["worker"], &database);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let p = processing(&client, &base, &token, &beat);
        if p["check"]["state"] == "passed" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the separate worker never ran the check: {p:#}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    worker.terminate();
    api.terminate();

    // The store keeps its data across restarts, and `serve` alone runs jobs too.
    let both = start(dir.path(), &["serve"], &bind);
    wait_ready(&client, &base);
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(
        me.status(),
        200,
        "sessions survive a restart (the signing key is kept in ./data)"
    );
    let response = client
        .put(format!("{base}/api/v1/beats/{beat}/trackout"))
        .bearer_auth(&token)
        .header("content-type", "application/zip")
        .body(zip_dir(stems.path()))
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let p = processing(&client, &base, &token, &beat);
        let checked_id = p["uploads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["kind"] == "trackout")
            .unwrap()["id"]
            .clone();
        if p["check"]["state"] == "passed" && p["jobs"][0]["state"] == "done" {
            assert!(checked_id.is_string());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "serve's own worker never ran the check: {p:#}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    both.terminate();
}

/// A 16-bit stereo master long enough that its preview takes several seconds to render.
fn write_long_master(path: &Path, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..seconds * 44_100 {
        let t = f64::from(n) / 44_100.0;
        // Noise-like content keeps the encoder busy (a pure tone encodes faster).
        let v = (8_000.0 * ((t * 220.0 * std::f64::consts::TAU).sin() + (t * 1733.0).sin())) as i16;
        writer.write_sample(v).unwrap();
        writer.write_sample(v.wrapping_mul(3)).unwrap();
    }
    writer.finalize().unwrap();
}

#[test]
fn shutdown_keeps_its_grace_period_while_a_render_runs() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env = database_env();
    env.push(("TRACKOUT_BIND", format!("127.0.0.1:{port}")));
    // Short, so that the 8-minute preview is still rendering when it ends, even on an idle
    // machine where the render is quick.
    env.push(("TRACKOUT_SHUTDOWN_GRACE_SECONDS", "1".into()));
    env.push(("TRACKOUT_JOB_POLL_MS", "50".into()));
    env.push(quick_settle());
    let store = start(dir.path(), &["serve"], &env);
    let client = Client::new();
    wait_ready(&client, &base);
    let invited = crate::invitation(dir.path(), &env, "grace@example.com");
    let token = crate::sign_up(
        &client,
        &base,
        "grace@example.com",
        "producer",
        Some(&invited),
    );
    let beat: Value = client
        .post(format!("{base}/api/v1/beats"))
        .bearer_auth(&token)
        .json(&json!({"title": "Long Night", "bpm": 90, "key": "Dm", "genre": "lo-fi"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let beat = beat["id"].as_str().unwrap().to_owned();
    let master = dir.path().join("master.wav");
    write_long_master(&master, 8 * 60);
    let response = client
        .put(format!("{base}/api/v1/beats/{beat}/master"))
        .bearer_auth(&token)
        .header("content-type", "audio/wav")
        .body(std::fs::read(&master).unwrap())
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    let deadline = Instant::now() + Duration::from_secs(30);
    // The attempt the render is on when the process is told to stop (an earlier one may
    // have failed on a loaded machine and been retried).
    let attempts_running = loop {
        let p = processing(&client, &base, &token, &beat);
        let rendering = p["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["kind"] == "render_preview" && j["state"] == "running")
            .map(|j| j["attempts"].as_i64().unwrap());
        if let Some(attempts) = rendering {
            break attempts;
        }
        assert!(
            Instant::now() < deadline,
            "the preview never started: {p:#}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };

    // SIGTERM mid-render: the process is gone within the 1 s grace (plus a moment to stop).
    let asked = Instant::now();
    store.terminate();
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "exited {took:?} after SIGTERM with a 1 s grace"
    );

    // The render was handed back, not lost: the next process finds it waiting.
    let api = start(dir.path(), &["serve", "--no-worker"], &env);
    wait_ready(&client, &base);
    let p = processing(&client, &base, &token, &beat);
    let preview = p["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "render_preview")
        .unwrap();
    assert_eq!(preview["state"], "queued", "{p:#}");
    assert_eq!(
        preview["attempts"].as_i64().unwrap(),
        attempts_running - 1,
        "a released attempt does not count: {preview:#}"
    );
    api.terminate();
}
