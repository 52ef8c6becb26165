//! The store as separate processes on one machine: two `trackout serve --no-worker` on two
//! ports, three `trackout worker`, all on one PostgreSQL database and one S3 bucket.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Cluster {
    bin: PathBuf,
    env: Vec<(String, String)>,
    logs: PathBuf,
    pub bases: Vec<String>,
    serves: Vec<Child>,
    workers: Vec<Child>,
    restarts: usize,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// `trackout <args>` on the store's core, with the store's environment only.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("taskset");
        command
            .args(["-c", crate::cores::STORE])
            .arg(&self.bin)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    fn spawn(&self, args: &[&str], extra: &[(&str, String)], log: &str) -> Child {
        let out = std::fs::File::create(self.logs.join(log)).unwrap();
        self.command(args)
            .envs(extra.iter().map(|(k, v)| (*k, v)))
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .spawn()
            .unwrap()
    }

    pub fn start(bin: &Path, env: Vec<(String, String)>, logs: &Path) -> Cluster {
        let mut cluster = Cluster {
            bin: bin.to_owned(),
            env,
            logs: logs.to_owned(),
            bases: Vec::new(),
            serves: Vec::new(),
            workers: Vec::new(),
            restarts: 0,
        };
        let migrated = cluster.command(&["migrate"]).output().unwrap();
        assert!(
            migrated.status.success(),
            "trackout migrate: {}",
            String::from_utf8_lossy(&migrated.stderr)
        );
        for n in 0..2 {
            let port = free_port();
            let bind = format!("127.0.0.1:{port}");
            let child = cluster.spawn(
                &["serve", "--no-worker"],
                &[("TRACKOUT_BIND", bind)],
                &format!("serve-{n}.log"),
            );
            cluster.serves.push(child);
            cluster.bases.push(format!("http://127.0.0.1:{port}"));
        }
        for n in 0..3 {
            let child = cluster.spawn(&["worker"], &[], &format!("worker-{n}.log"));
            cluster.workers.push(child);
        }
        cluster
    }

    /// Waits until every API process answers `/readyz`.
    pub async fn ready(&self, client: &reqwest::Client) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        for base in &self.bases {
            while !client
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "{base} never became ready"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }

    /// `SIGKILL`s worker `n` (no chance to hand its job back), then starts a new one.
    pub fn kill_worker(&mut self, n: usize) {
        let worker = &mut self.workers[n];
        worker.kill().unwrap();
        worker.wait().unwrap();
        self.restarts += 1;
        let log = format!("worker-{n}-{}.log", self.restarts);
        self.workers[n] = self.spawn(&["worker"], &[], &log);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in self.serves.iter_mut().chain(self.workers.iter_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
