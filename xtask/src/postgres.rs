//! Finding the PostgreSQL server the second pass runs against: `TRACKOUT_TEST_POSTGRES`, else
//! the machine's own on 127.0.0.1:5432, started the way the machine starts it when it is
//! installed but stopped.

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

const DEFAULT: &str = "postgres://postgres@127.0.0.1:5432";

fn answers() -> bool {
    let addr: SocketAddr = ([127, 0, 0, 1], 5432).into();
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// The server URL, or `None` when no server answers (then the PostgreSQL pass is skipped).
pub fn server() -> Option<String> {
    if let Some(url) = std::env::var("TRACKOUT_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    {
        return Some(url);
    }
    if !answers() {
        start_local_cluster();
    }
    answers().then(|| DEFAULT.to_owned())
}

fn start_local_cluster() {
    let Ok(versions) = std::fs::read_dir("/etc/postgresql") else {
        return;
    };
    let Some(version) = versions
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .max()
    else {
        return;
    };
    println!("xtask: starting the machine's PostgreSQL {version}");
    let _ = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", "start"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    for _ in 0..30 {
        if answers() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
