//! `cargo xtask test`: the README's one test command. It installs what the tests need when it
//! is missing (Debian's Chromium and ChromeDriver for the browser test, the C toolchain LAME is
//! built with, `unzip`, moto's S3 server from PyPI), builds every suite once, then runs every
//! suite on SQLite and, beside it when a server answers, the end-to-end and binary suites on
//! PostgreSQL, and fails if anything fails.
//!
//! ```text
//! cargo xtask test                 everything
//! cargo xtask test --sqlite-only   skip the PostgreSQL pass
//! cargo xtask test -- accounts     pass a filter (and any cargo test argument) through
//! ```

mod postgres;
mod tools;

use std::process::{Command, ExitCode, ExitStatus};

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

    // One build for both passes: they select the same test binaries with the same features.
    step("building every suite once");
    let built = run(
        cargo_test(&["--workspace", "--no-run"], &[], None),
        "the build",
    );
    let installed = installs
        .join()
        .unwrap_or_else(|_| Err("the install thread panicked".into()));
    built.and(installed)?;

    let postgres = if sqlite_only {
        None
    } else {
        postgres::server()
    };
    let Some(url) = postgres else {
        if !sqlite_only {
            step("no PostgreSQL server answers on 127.0.0.1:5432: the PostgreSQL pass is skipped");
        }
        step("every suite on SQLite, local files and the in-process S3 server");
        return run(
            cargo_test(&["--workspace"], passthrough, None),
            "the SQLite pass",
        );
    };

    // The two passes side by side: most of a test's time is spent waiting on a socket, a
    // worker or a child process, so two cores keep up with both and the run ends about a
    // minute and a half sooner. The PostgreSQL pass writes to a log printed when it ends,
    // so that the two outputs do not interleave.
    step(&format!(
        "every suite on SQLite, and beside it the end-to-end and binary suites on PostgreSQL ({url})"
    ));
    let log_path = std::env::temp_dir().join(format!(
        "trackout-xtask-postgres-{}.log",
        std::process::id()
    ));
    let log = std::fs::File::create(&log_path)
        .map_err(|e| format!("creating {}: {e}", log_path.display()))?;
    let stderr = log
        .try_clone()
        .map_err(|e| format!("opening {}: {e}", log_path.display()))?;
    // Selected across the workspace, as the first pass is: `-p` alone would resolve features
    // per package and rebuild half the dependencies (two minutes here).
    let mut on_postgres = cargo_test(
        &["--workspace", "--test", "e2e", "--test", "cli"],
        passthrough,
        Some(&url),
    );
    on_postgres.stdout(log).stderr(stderr);
    let postgres_pass = on_postgres
        .spawn()
        .map_err(|e| format!("starting the PostgreSQL pass: {e}"))?;

    let sqlite = run(
        cargo_test(&["--workspace"], passthrough, None),
        "the SQLite pass",
    );
    let postgres = postgres_pass
        .wait_with_output()
        .map_err(|e| format!("waiting for the PostgreSQL pass: {e}"))
        .and_then(|out| succeeded(out.status, "the PostgreSQL pass"));
    step(&format!("the PostgreSQL pass ({})", log_path.display()));
    let printed = std::fs::read_to_string(&log_path).unwrap_or_default();
    print!("{printed}");
    if postgres.is_ok() {
        let _ = std::fs::remove_file(&log_path);
    }
    sqlite.and(postgres)
}

fn step(what: &str) {
    println!("\n=== {what}");
}

/// `cargo test` with the selection and the database the suites run against.
fn cargo_test(selection: &[&str], passthrough: &[String], postgres: Option<&str>) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.arg("test").args(selection);
    // Every suite runs even when one fails, so that one run says everything that is wrong.
    if !selection.contains(&"--no-run") {
        command.arg("--no-fail-fast");
    }
    if !passthrough.is_empty() {
        command.arg("--").args(passthrough);
    }
    match postgres {
        Some(url) => command.env("TRACKOUT_TEST_POSTGRES", url),
        None => command.env_remove("TRACKOUT_TEST_POSTGRES"),
    };
    command
}

fn run(mut command: Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("starting {what}: {e}"))?;
    succeeded(status, what)
}

fn succeeded(status: ExitStatus, what: &str) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
