//! The store and its load generator on different cores (`taskset`), so that what is measured
//! is the store and not the two fighting over one core, and the machine's load as it was.

use std::process::Command;

/// The core the store (this benchmark process, and nginx beside it) runs on.
pub const STORE: &str = "0";
/// The core oha and curl run on.
pub const LOAD: &str = "1";

/// Pins every thread of this process, and every thread and child it starts later, to
/// [`STORE`]. Call it before the async runtime starts.
pub fn pin_store() {
    pin(STORE);
}

/// Pins every thread of this process, and every thread and child it starts later, to `core`.
pub fn pin(core: &str) {
    let pid = std::process::id().to_string();
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", core, &pid])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("taskset (util-linux) is installed");
    assert!(status.success(), "taskset could not pin the benchmark");
}

/// `program` on the load generator's core.
pub fn on_load_core(program: &str) -> Command {
    let mut command = Command::new("taskset");
    command.args(["-c", LOAD, program]);
    command
}

/// `/proc/loadavg`'s first three figures.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// CPU seconds (user + system) a process has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces; the fields after it are fixed.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are the 14th and 15th fields of the whole line.
    (ticks(11) + ticks(12)) / clock_ticks()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Resident memory of a process now, in MiB.
pub fn resident_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Median, smallest and largest of some runs' figures.
pub fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    (values[n / 2], values[0], values[n - 1])
}
