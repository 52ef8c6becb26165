//! moto's S3 server (from PyPI), started on 127.0.0.1 on a free port: a second S3
//! implementation, independent of s3s-fs, for the flows where S3-compatible stores differ
//! (multipart: moto lists part ETags and checks them at completion; s3s-fs does neither).
//! Installed once per machine by `.ci/moto-venv`. moto checks no signatures.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use trackout_core::config::S3Config;

use crate::s3::{ACCESS_KEY, REGION, SECRET_KEY, TestBucket};

const BUCKET: &str = "trackout-test";

/// The virtualenv's Python, installing moto when missing (once per test process; the script
/// itself serialises installs across processes).
fn python() -> &'static PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/moto-venv");
        let out = Command::new(script)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("running {script}: {e}"));
        assert!(
            out.status.success(),
            "{script} could not install moto ({}); it needs python3 with venv and PyPI",
            out.status
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

pub struct MotoServer {
    pub endpoint: String,
    pub bucket: String,
    child: Child,
    http: reqwest::Client,
}

impl MotoServer {
    pub async fn start() -> MotoServer {
        let python = tokio::task::spawn_blocking(python).await.unwrap();
        // A free port can be taken between our probe and moto's bind: try a few.
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let child = Command::new(python)
                .args([
                    "-m",
                    "moto.server",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("starting moto's server");
            let mut server = MotoServer {
                endpoint: format!("http://127.0.0.1:{port}"),
                bucket: BUCKET.to_owned(),
                child,
                http: reqwest::Client::new(),
            };
            if server.ready().await {
                let made = server
                    .http
                    .put(format!("{}/{BUCKET}", server.endpoint))
                    .send()
                    .await
                    .expect("creating the bucket");
                assert!(made.status().is_success(), "moto: {}", made.status());
                return server;
            }
        }
        panic!("moto's server did not start");
    }

    async fn ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return false;
            }
            if self.http.get(&self.endpoint).send().await.is_ok() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[async_trait::async_trait]
impl TestBucket for MotoServer {
    fn name(&self) -> &'static str {
        "moto"
    }

    fn config(&self) -> S3Config {
        S3Config {
            bucket: Some(self.bucket.clone()),
            endpoint_url: Some(self.endpoint.clone()),
            region: Some(REGION.to_owned()),
            access_key_id: Some(ACCESS_KEY.to_owned()),
            secret_access_key: Some(SECRET_KEY.to_owned().into()),
            force_path_style: true,
            multipart_part_bytes: 5 * 1024 * 1024,
        }
    }

    fn checks_signatures(&self) -> bool {
        false
    }

    /// moto lists its multipart uploads in progress (`ListMultipartUploads`).
    async fn holds_upload(&self, upload_id: &str) -> bool {
        let listing = self
            .http
            .get(format!("{}/{}?uploads", self.endpoint, self.bucket))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        listing.contains(&format!("<UploadId>{upload_id}</UploadId>"))
    }

    async fn object(&self, key: &str) -> Option<Vec<u8>> {
        let response = self
            .http
            .get(format!("{}/{}/{key}", self.endpoint, self.bucket))
            .send()
            .await
            .unwrap();
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return None;
        }
        assert!(
            response.status().is_success(),
            "moto: {}",
            response.status()
        );
        Some(response.bytes().await.unwrap().to_vec())
    }
}
