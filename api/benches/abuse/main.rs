//! What abuse does to the real `trackout serve` process: 300 logins at once, and 1,000
//! connections that send half a request head and stall.
//!
//! ```sh
//! cargo build --release --bin trackout
//! taskset -c 1 cargo bench -p trackout-api --bench abuse
//! TRACKOUT_BENCH_SERVER=/path/to/an/older/trackout taskset -c 1 cargo bench -p trackout-api --bench abuse
//! ```
//!
//! The server runs pinned to core 0 (`taskset -c 0`, `TRACKOUT_BENCH_SERVER_CPUS` to change),
//! the load generator wherever it was started (pin it to another core). Printed: answers by
//! status, latency p50/p99, peak resident memory of the server (VmHWM), and the load average.
// Bench code: a failed unwrap is a failed run, which is what we want.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

struct Server {
    child: Child,
    base: String,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> String {
    std::env::var("TRACKOUT_BENCH_SERVER")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_trackout").to_owned())
}

fn start(env: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cpus = std::env::var("TRACKOUT_BENCH_SERVER_CPUS").unwrap_or_else(|_| "0".into());
    let child = Command::new("taskset")
        .args(["-c", &cpus, &binary(), "serve", "--no-worker"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "error")
        .env("TRACKOUT_BIND", format!("127.0.0.1:{port}"))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("taskset and the trackout binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the server never became ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    Server {
        child,
        addr: format!("127.0.0.1:{port}").parse().unwrap(),
        base,
        _dir: dir,
    }
}

fn peak_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn login_flood() {
    // The hashing bound is what the flood measures: no rate limit or connection cap before it.
    let server = start(&[
        ("TRACKOUT_RATE_LIMITS", "false"),
        ("TRACKOUT_MAX_CONNECTIONS_PER_ADDRESS", "2000"),
    ]);
    let client = reqwest::blocking::Client::new();
    let registered = client
        .post(format!("{}/api/v1/auth/register", server.base))
        .json(&serde_json::json!({"email": "flood@bench.test", "password": "a long enough password", "display_name": "Flood", "role": "artist"}))
        .send()
        .unwrap();
    assert!(registered.status().is_success(), "{}", registered.status());
    let before = peak_mib(server.child.id());
    let base = server.base.clone();
    let started = Instant::now();
    let results: Vec<(String, f64)> = tokio::runtime::Runtime::new().unwrap().block_on(async move {
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let client = client.clone();
                let url = format!("{base}/api/v1/auth/login");
                let email = if i % 2 == 0 { "flood@bench.test".to_owned() } else { format!("nobody{i}@bench.test") };
                tokio::spawn(async move {
                    let t = Instant::now();
                    let status = match client
                        .post(url)
                        .timeout(Duration::from_secs(60))
                        .json(&serde_json::json!({"email": email, "password": "a long enough password"}))
                        .send()
                        .await
                    {
                        Ok(r) => r.status().as_u16().to_string(),
                        Err(e) if e.is_timeout() => "timeout".into(),
                        Err(_) => "connection error".into(),
                    };
                    (status, t.elapsed().as_secs_f64() * 1000.0)
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    let wall = started.elapsed();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut ms: Vec<f64> = Vec::new();
    for (status, t) in &results {
        *by_status.entry(status.clone()).or_default() += 1;
        ms.push(*t);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "login flood (300 at once): {by_status:?}; p50 {:.0} ms, p99 {:.0} ms, all answered in {:.2} s; server peak RSS {:.0} MiB (idle {:.0} MiB); load {}",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        wall.as_secs_f64(),
        peak_mib(server.child.id()),
        before,
        load()
    );
}

fn connect_from(from: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&format!("{from}:0").parse::<SocketAddr>().unwrap().into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(5))?;
    Ok(socket.into())
}

fn still_open(streams: &mut [TcpStream]) -> usize {
    let mut open = 0;
    for s in streams.iter_mut() {
        s.set_nonblocking(true).unwrap();
        let mut b = [0u8; 256];
        if matches!(std::io::Read::read(s, &mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        {
            open += 1;
        }
        s.set_nonblocking(false).unwrap();
    }
    open
}

fn stalled_connections() {
    // The store's defaults (an older binary ignores the variables it does not know).
    let server = start(&[]);
    let mut stalled = Vec::new();
    let mut refused = 0;
    for _ in 0..1000 {
        match connect_from("127.0.0.2", server.addr) {
            Ok(mut s) => {
                let _ = s.write_all(b"GET /api/v1/beats HTTP/1.1\r\nHost: bench\r\nX-Slow: ");
                stalled.push(s);
            }
            Err(_) => refused += 1,
        }
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut ms = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let status = match client.get(format!("{}/api/v1/beats", server.base)).send() {
            Ok(r) => r.status().as_u16().to_string(),
            Err(e) if e.is_timeout() => "timeout".into(),
            Err(_) => "connection error".into(),
        };
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        *by_status.entry(status).or_default() += 1;
    }
    ms.sort_by(f64::total_cmp);
    let open_now = still_open(&mut stalled);
    std::thread::sleep(Duration::from_secs(12));
    let open_later = still_open(&mut stalled);
    println!(
        "1,000 stalled connections: {} connected ({refused} refused); during them 100 normal requests: {by_status:?}, p50 {:.1} ms, p99 {:.1} ms; stalled still open right after: {open_now}, 12 s later: {open_later}; server peak RSS {:.0} MiB; load {}",
        stalled.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        peak_mib(server.child.id()),
        load()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("server: {}", binary());
    login_flood();
    stalled_connections();
}
