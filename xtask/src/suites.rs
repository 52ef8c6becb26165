//! The test binaries one `cargo test --no-run` built, and running them several at a time.
//!
//! Each suite is one test binary on one database. Most of a suite's time is spent waiting (on
//! a socket, a worker, Chromium, a child process), so a few run at once on two cores; each
//! one's output is kept in a log and printed whole when it ends, so outputs never interleave.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A test binary as cargo reported it.
#[derive(Clone, Debug)]
pub struct Binary {
    pub package: String,
    /// The integration test's name (`e2e`), or `None` for a crate's unit tests.
    pub test: Option<String>,
    pub executable: PathBuf,
    /// Where cargo runs it: the package's folder.
    pub dir: PathBuf,
}

/// The test binaries in `cargo test --no-run --message-format=json` output, in its order.
pub fn binaries(json_lines: &str) -> Vec<Binary> {
    json_lines
        .lines()
        .filter(|l| l.contains(r#""reason":"compiler-artifact""#))
        .filter_map(|line| {
            // A test harness, not a binary built for the tests to start (`trackout`).
            let profile = &line[line.find(r#""profile":{"#)?..];
            if !profile[..profile.find('}')?].contains(r#""test":true"#) {
                return None;
            }
            let executable = string_after(line, r#""executable":"#)?;
            let manifest = string_after(line, r#""manifest_path":"#)?;
            let target = &line[line.find(r#""target":"#)?..];
            let name = string_after(target, r#""name":"#)?;
            let integration = target.contains(r#""kind":["test"]"#);
            let package = line
                .split(r#""package_id":""#)
                .nth(1)
                .and_then(|id| id.split('#').nth(1))
                .and_then(|p| p.split('@').next())
                .unwrap_or(&name)
                .to_owned();
            Some(Binary {
                package,
                test: integration.then_some(name),
                executable: PathBuf::from(executable),
                dir: Path::new(&manifest).parent()?.to_path_buf(),
            })
        })
        .collect()
}

/// The JSON string value following `key` in `line` (cargo's paths and names carry no
/// escapes worth decoding here).
fn string_after(line: &str, key: &str) -> Option<String> {
    let rest = &line[line.find(key)? + key.len()..];
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// One binary on one database.
pub struct Suite {
    pub binary: Binary,
    pub postgres: Option<String>,
}

impl Suite {
    pub fn label(&self) -> String {
        let what = match &self.binary.test {
            Some(test) => format!("{} {test}", self.binary.package),
            None => format!("{} unit tests", self.binary.package),
        };
        match self.postgres {
            Some(_) => format!("{what} on PostgreSQL"),
            None => what,
        }
    }

    /// Longer suites start first, so that the run does not end waiting on one that started
    /// late. Seconds each took in a whole run on this machine's kind (2026-12-02); only the
    /// order matters.
    fn expected_seconds(&self) -> u32 {
        let on_postgres = self.postgres.is_some();
        match (self.binary.test.as_deref(), on_postgres) {
            (Some("e2e"), true) => 120,
            (Some("browser"), _) => 110,
            (Some("e2e"), false) => 100,
            (Some("cli"), true) => 30,
            (Some("cli"), false) => 29,
            (Some(_), _) => 10,
            (None, _) => 1,
        }
    }

    fn start(&self, passthrough: &[String], log: &Path) -> Result<Child, String> {
        let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let mut command = Command::new(&self.binary.executable);
        command
            .args(passthrough)
            .current_dir(&self.binary.dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        match &self.postgres {
            Some(url) => command.env("TRACKOUT_TEST_POSTGRES", url),
            None => command.env_remove("TRACKOUT_TEST_POSTGRES"),
        };
        command
            .spawn()
            .map_err(|e| format!("starting {}: {e}", self.binary.executable.display()))
    }
}

struct Running {
    suite: Suite,
    child: Child,
    log: PathBuf,
    started: Instant,
}

/// Runs every suite, `at_once` at a time, longest expected first; prints each one's output
/// when it ends. Every suite runs even when one fails. Fails naming the suites that failed.
pub fn run_all(
    mut suites: Vec<Suite>,
    passthrough: &[String],
    at_once: usize,
) -> Result<(), String> {
    suites.sort_by_key(|s| std::cmp::Reverse(s.expected_seconds()));
    let logs = std::env::temp_dir().join(format!("trackout-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let mut waiting = suites.into_iter().enumerate();
    let mut running: Vec<Running> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let started = Instant::now();
    loop {
        while running.len() < at_once.max(1) {
            let Some((i, suite)) = waiting.next() else {
                break;
            };
            let log = logs.join(format!("{i:02}.log"));
            let child = suite.start(passthrough, &log)?;
            running.push(Running {
                suite,
                child,
                log,
                started: Instant::now(),
            });
        }
        if running.is_empty() {
            break;
        }
        let mut ended = None;
        for (i, r) in running.iter_mut().enumerate() {
            if let Some(status) = r
                .child
                .try_wait()
                .map_err(|e| format!("waiting for {}: {e}", r.suite.label()))?
            {
                ended = Some((i, status));
                break;
            }
        }
        let Some((i, status)) = ended else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let done = running.swap_remove(i);
        let took = done.started.elapsed().as_secs_f64();
        let output = std::fs::read_to_string(&done.log).unwrap_or_default();
        let verdict = if status.success() { "passed" } else { "FAILED" };
        println!(
            "\n=== {} {verdict} in {took:.1} s ({:.0} s into the run)",
            done.suite.label(),
            started.elapsed().as_secs_f64()
        );
        print!("{output}");
        if status.success() {
            let _ = std::fs::remove_file(&done.log);
        } else {
            failed.push(format!(
                "{} ({status}, log {})",
                done.suite.label(),
                done.log.display()
            ));
        }
    }
    if failed.is_empty() {
        let _ = std::fs::remove_dir(&logs);
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join("; ")))
    }
}
