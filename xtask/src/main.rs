//! `cargo xtask test`: the README's one test command. It installs what the tests need when it
//! is missing (Debian's Chromium and ChromeDriver for the browser test, the C toolchain LAME is
//! built with, `unzip`), runs every suite on SQLite, then the end-to-end and binary suites on
//! PostgreSQL when a server answers, and fails if anything fails.
//!
//! ```text
//! cargo xtask test                 everything
//! cargo xtask test --sqlite-only   skip the PostgreSQL pass
//! cargo xtask test -- accounts     pass a filter (and any cargo test argument) through
//! ```

mod postgres;
mod tools;

use std::process::{Command, ExitCode};

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
    tools::ensure_system_packages()?;

    step("every suite on SQLite, local files and the in-process S3 server");
    cargo_test(&["--workspace"], passthrough, None)?;

    if sqlite_only {
        return Ok(());
    }
    match postgres::server() {
        Some(url) => {
            step(&format!(
                "the end-to-end and binary suites on PostgreSQL ({url})"
            ));
            // Selected across the workspace, as the first pass is: `-p` alone would resolve
            // features per package and rebuild half the dependencies (two minutes here).
            cargo_test(
                &["--workspace", "--test", "e2e", "--test", "cli"],
                passthrough,
                Some(&url),
            )
        }
        None => {
            step("no PostgreSQL server answers on 127.0.0.1:5432: the PostgreSQL pass is skipped");
            Ok(())
        }
    }
}

fn step(what: &str) {
    println!("\n=== {what}");
}

fn cargo_test(
    selection: &[&str],
    passthrough: &[String],
    postgres: Option<&str>,
) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.arg("test").args(selection);
    if !passthrough.is_empty() {
        command.arg("--").args(passthrough);
    }
    match postgres {
        Some(url) => command.env("TRACKOUT_TEST_POSTGRES", url),
        None => command.env_remove("TRACKOUT_TEST_POSTGRES"),
    };
    let status = command
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo test {} failed", selection.join(" ")))
    }
}
