//! `cargo xtask test`: the README's one test command. It installs what the tests need when it
//! is missing (Debian's Chromium and ChromeDriver for the browser test, the C toolchain LAME is
//! built with, `unzip`, moto's S3 server from PyPI), builds every test binary once, then runs
//! every suite on SQLite and, when a server answers, the end-to-end and binary suites on
//! PostgreSQL too, a few suites at a time (`suites.rs`), and fails if anything fails.
//!
//! ```text
//! cargo xtask test                 everything
//! cargo xtask test --sqlite-only   skip the PostgreSQL pass
//! cargo xtask test -- accounts     pass a filter (or any test-binary argument) to every suite
//! ```

mod postgres;
mod suites;
mod tools;

use std::process::{Command, ExitCode, ExitStatus, Stdio};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => report(test(&args[1..])),
        _ => {
            eprintln!("usage: cargo xtask test [--sqlite-only] [-- <cargo test arguments>]");
            ExitCode::from(2)
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn test(args: &[String]) -> Result<(), String> {
    let (flags, passthrough) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let mut sqlite_only = false;
    for flag in flags {
        match flag.as_str() {
            "--sqlite-only" => sqlite_only = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    tools::ensure_system_packages(&tools::TO_BUILD, &tools::Output::Terminal)?;
    let installs = tools::install_test_needs_beside_the_build();

    // One build for every suite: both databases run the same binaries.
    step("building every suite once");
    let built = build();
    let installed = installs
        .join()
        .unwrap_or_else(|_| Err("the install thread panicked".into()));
    let binaries = built.and_then(|b| installed.map(|()| b))?;

    let postgres = if sqlite_only {
        None
    } else {
        postgres::server()
    };
    let mut suites: Vec<suites::Suite> = binaries
        .iter()
        .map(|binary| suites::Suite {
            binary: binary.clone(),
            postgres: None,
        })
        .collect();
    match &postgres {
        Some(url) => {
            step(&format!(
                "every suite on SQLite, local files and the in-process S3 server; the end-to-end and binary suites also on PostgreSQL ({url}); {AT_ONCE} at a time"
            ));
            suites.extend(
                binaries
                    .iter()
                    .filter(|b| matches!(b.test.as_deref(), Some("e2e" | "cli")))
                    .map(|binary| suites::Suite {
                        binary: binary.clone(),
                        postgres: Some(url.clone()),
                    }),
            );
        }
        None if !sqlite_only => step(&format!(
            "no PostgreSQL server answers on 127.0.0.1:5432: every suite on SQLite only, {AT_ONCE} at a time"
        )),
        None => step(&format!("every suite on SQLite, {AT_ONCE} at a time")),
    }
    suites::run_all(suites, passthrough, AT_ONCE)
}

/// Suites running at once. Measured on 2 cores: three at a time ran every suite in 218 s
/// (two passes side by side, each running its suites one by one, took 314 s); the
/// end-to-end suites at four tests at a time on top of that overloaded the machine (231 s,
/// and a test timed out waiting for its worker).
const AT_ONCE: usize = 3;

/// `cargo test --workspace --no-run`: every test binary, with cargo's progress on the
/// terminal; then the same again with JSON messages (nothing left to build: a second or two),
/// read for the binaries' paths. Asked for JSON the first time, cargo prints no progress, and a
/// fresh machine's seven-minute build looked hung.
fn build() -> Result<Vec<suites::Binary>, String> {
    let status = cargo(&["test", "--workspace", "--no-run"])
        .status()
        .map_err(|e| format!("starting the build: {e}"))?;
    succeeded(status, "the build")?;
    let out = cargo(&[
        "test",
        "--workspace",
        "--no-run",
        "--quiet",
        "--message-format=json",
    ])
    .stdout(Stdio::piped())
    .output()
    .map_err(|e| format!("listing the test binaries: {e}"))?;
    succeeded(out.status, "listing the test binaries")?;
    let binaries = suites::binaries(&String::from_utf8_lossy(&out.stdout));
    if binaries.is_empty() {
        return Err("the build reported no test binary".into());
    }
    Ok(binaries)
}

fn step(what: &str) {
    println!("\n=== {what}");
}

/// cargo, without the package variables `cargo run` gave this process: ring's build script
/// reruns when `CARGO_MANIFEST_DIR` changes, so passing them on rebuilt ring and twenty
/// crates above it whenever `cargo test` and `cargo xtask test` took turns.
fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || matches!(
                name.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_RUSTC_CURRENT_DIR"
            )
        {
            command.env_remove(name.as_ref());
        }
    }
    command
}

fn succeeded(status: ExitStatus, what: &str) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
