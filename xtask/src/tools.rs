//! What the tests need from the machine, installed when missing: Debian packages through
//! apt-get (as root, which CI is), or a clear message saying what to install.

use std::process::{Command, Stdio};

/// (command that must exist, Debian package that provides it, why)
type Need = (&'static str, &'static str, &'static str);

/// Needed before the build starts.
pub const TO_BUILD: [Need; 2] = [
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
];

/// Needed only once the tests run, so installed while the suites build.
pub const TO_TEST: [Need; 3] = [
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

/// Installs the packages of `needs` that are missing; their output goes to `output` (the
/// terminal, or a log while the build prints).
pub fn ensure_system_packages(needs: &[Need], output: &Output) -> Result<(), String> {
    let missing: Vec<_> = needs.iter().filter(|(cmd, ..)| !have(cmd)).collect();
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
            let _ = output.attach(Command::new("apt-get").args(["update", "-qq"]));
        }
        let mut command = Command::new("apt-get");
        command
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&names)
            .env("DEBIAN_FRONTEND", "noninteractive");
        output.attach(&mut command).is_ok_and(|s| s.success())
    };
    // The package lists of a fresh machine may be stale or absent: update once if needed.
    if install(false) || install(true) {
        Ok(())
    } else {
        Err(format!("apt-get could not install {}", names.join(" ")))
    }
}

/// moto's S3 server, which the multipart upload tests start beside the in-process s3s-fs:
/// installed here, before the two test passes start side by side (two passes installing at
/// once would race), by the script the tests themselves call (it holds the version and the
/// cache path).
pub fn ensure_moto(output: &Output) -> Result<(), String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/moto-venv");
    let ok = output
        .attach(Command::new(script).stdout(Stdio::null()))
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{script} could not install moto's S3 server (it needs python3 with venv, and PyPI)"
        ))
    }
}

/// Where an install's output goes: the terminal, or a log file printed only when it fails.
pub enum Output {
    Terminal,
    Log(std::fs::File),
}

impl Output {
    fn attach(&self, command: &mut Command) -> std::io::Result<std::process::ExitStatus> {
        if let Output::Log(file) = self {
            command.stdout(file.try_clone()?).stderr(file.try_clone()?);
        }
        command.status()
    }
}

/// What the tests need but the build does not (Chromium, unzip, moto), installed on a thread
/// while the suites build. On two cores it saves little (dpkg and pip want CPU too: 80 s of
/// installs before a 443 s build, or a 527 s build with them inside), on more cores it hides
/// them. Its output goes to a log, printed if an install fails, so that it does not
/// interleave with cargo's.
pub fn install_test_needs_beside_the_build() -> std::thread::JoinHandle<Result<(), String>> {
    std::thread::spawn(|| {
        let path = std::env::temp_dir().join(format!(
            "trackout-xtask-installs-{}.log",
            std::process::id()
        ));
        let file = std::fs::File::create(&path)
            .map_err(|e| format!("creating {}: {e}", path.display()))?;
        let output = Output::Log(file);
        let installed =
            ensure_system_packages(&TO_TEST, &output).and_then(|()| ensure_moto(&output));
        if installed.is_err() {
            print!("{}", std::fs::read_to_string(&path).unwrap_or_default());
        }
        let _ = std::fs::remove_file(&path);
        installed
    })
}
