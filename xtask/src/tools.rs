//! What the tests need from the machine, installed when missing: Debian packages through
//! apt-get (as root, which CI is), or a clear message saying what to install.

use std::process::{Command, Stdio};

/// (command that must exist, Debian package that provides it, why)
const PACKAGES: [(&str, &str, &str); 5] = [
    (
        "make",
        "make",
        "LAME is built from source by the MP3 encoder crate",
    ),
    (
        "cc",
        "gcc",
        "LAME is built from source by the MP3 encoder crate",
    ),
    (
        "unzip",
        "unzip",
        "bundles are checked with Info-ZIP's unzip",
    ),
    ("chromium", "chromium", "the storefront's browser test"),
    (
        "chromedriver",
        "chromium-driver",
        "the storefront's browser test",
    ),
];

pub fn have(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

pub fn ensure_system_packages() -> Result<(), String> {
    let missing: Vec<_> = PACKAGES.iter().filter(|(cmd, ..)| !have(cmd)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|(_, pkg, _)| *pkg).collect();
    for (cmd, pkg, why) in &missing {
        println!("xtask: `{cmd}` is missing ({why}); installing Debian's {pkg}");
    }
    if !have("apt-get") || !is_root() {
        return Err(format!(
            "install {} (e.g. `sudo apt-get install -y {}`) and run again",
            names.join(", "),
            names.join(" ")
        ));
    }
    let install = |update: bool| {
        if update {
            let _ = Command::new("apt-get").args(["update", "-qq"]).status();
        }
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&names)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    // The package lists of a fresh machine may be stale or absent: update once if needed.
    if install(false) || install(true) {
        Ok(())
    } else {
        Err(format!("apt-get could not install {}", names.join(" ")))
    }
}

/// moto's S3 server, which the multipart upload tests start beside the in-process s3s-fs:
/// installed here, before the two test passes start side by side, by the script the tests
/// themselves call (it holds the version and the cache path).
pub fn ensure_moto() -> Result<(), String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/moto-venv");
    let ok = Command::new(script)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{script} could not install moto's S3 server (it needs python3 with venv, and PyPI)"
        ))
    }
}
