//! 300 sign-ins at once against the real `trackout serve`: password hashing is bounded, so
//! nothing answers 500 (what does not fit answers `503 busy` with `Retry-After`), the process
//! stays small, and the store answers everyone else meanwhile.

use std::collections::BTreeMap;

use crate::serve::{database_env, free_port, start, wait_ready};

fn peak_resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

#[test]
fn three_hundred_logins_at_once_answer_no_500_and_memory_stays_under_256_mb() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env = database_env();
    env.extend([
        ("TRACKOUT_BIND", format!("127.0.0.1:{port}")),
        // This is about hashing: no rate limit or connection cap between the flood and it.
        ("TRACKOUT_RATE_LIMITS", "false".into()),
        ("TRACKOUT_MAX_CONNECTIONS_PER_ADDRESS", "1000".into()),
    ]);
    let server = start(dir.path(), &["serve", "--no-worker"], &env);
    let blocking = reqwest::blocking::Client::new();
    wait_ready(&blocking, &base);
    crate::sign_up(&blocking, &base, "flood@example.com", "artist", None);

    let statuses: BTreeMap<u16, usize> = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let client = reqwest::Client::new();
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let client = client.clone();
                let url = format!("{base}/api/v1/auth/login");
                // Half with the right password, half for emails that have no account.
                let email = if i % 2 == 0 { "flood@example.com".to_owned() } else { format!("nobody{i}@example.com") };
                tokio::spawn(async move {
                    let response = client
                        .post(url)
                        .json(&serde_json::json!({"email": email, "password": "a long enough password"}))
                        .send()
                        .await
                        .expect("an answer, not a dropped connection");
                    let status = response.status().as_u16();
                    if status == 503 {
                        assert!(response.headers().get("retry-after").is_some(), "503 says when to retry");
                        let body: serde_json::Value = response.json().await.unwrap();
                        assert_eq!(body["code"], "busy");
                    }
                    status
                })
            })
            .collect();
        let mut counts = BTreeMap::new();
        for task in tasks {
            *counts.entry(task.await.unwrap()).or_insert(0) += 1;
        }
        counts
    });
    println!("answers by status: {statuses:?}");
    assert!(
        statuses.keys().all(|s| [200, 401, 503].contains(s)),
        "only sign-ins, refusals and `busy`: {statuses:?}"
    );
    assert!(
        statuses.get(&200).copied().unwrap_or(0) >= 1,
        "some got in: {statuses:?}"
    );
    let peak = peak_resident_kib(server.pid());
    println!("peak resident memory of the server: {} MiB", peak / 1024);
    assert!(peak < 256 * 1024, "VmHWM {} MiB", peak / 1024);
    // And it still serves.
    let login = blocking
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "flood@example.com", "password": "a long enough password"}))
        .send()
        .unwrap();
    assert_eq!(login.status(), 200);
}
