//! moto's S3 server as a process for `trackout upload` on an S3 store. The in-process s3s
//! server lives in the e2e crate, which depends on this one; moto is already installed for the
//! multipart suite (`.ci/moto-venv`) and is a plain process the store and the CLI both reach
//! over TCP, so it is the smallest real S3 here (it does not check signatures).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;

pub const BUCKET: &str = "trackout-cli-test";

pub struct Moto {
    pub port: u16,
    child: Child,
}

impl Moto {
    pub fn start() -> Moto {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/moto-venv");
        let out = Command::new(script)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("running {script}: {e}"));
        assert!(out.status.success(), "{script} could not install moto");
        let python = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let port = crate::serve::free_port();
        let mut child = Command::new(&python)
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
        let client = Client::new();
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.get(&endpoint).send().is_err() {
            assert!(child.try_wait().unwrap().is_none(), "moto's server exited");
            assert!(Instant::now() < deadline, "moto's server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let made = client.put(format!("{endpoint}/{BUCKET}")).send().unwrap();
        assert!(made.status().is_success(), "moto: {}", made.status());
        Moto { port, child }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
