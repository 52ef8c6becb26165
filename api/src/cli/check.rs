use std::path::Path;
use std::process::ExitCode;

use trackout_core::config::Config;
use trackout_media::music::Key;
use trackout_media::{CheckLimits, Listed, TerminalProgress, check_path_as_listed};

/// `trackout check`: no server, no database; the same check the worker runs on upload.
pub fn run(
    path: &Path,
    master: Option<&Path>,
    json: bool,
    bpm: Option<f64>,
    key: Option<&str>,
) -> ExitCode {
    let key = match key.map(|k| (k, Key::parse(k))) {
        None => None,
        Some((_, Some(key))) => Some(key),
        Some((raw, None)) => {
            eprintln!("trackout check: --key {raw:?} is not a key; write it like `A min` or `F#m`");
            return ExitCode::from(2);
        }
    };
    if let Some(bpm) = bpm.filter(|b| !(b.is_finite() && *b > 0.0)) {
        eprintln!("trackout check: --bpm {bpm} is not a tempo");
        return ExitCode::from(2);
    }
    let listed = Listed { bpm, key };
    match check_path_as_listed(path, master, &listed, &limits(), &TerminalProgress::new()) {
        Ok(report) => {
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("trackout check: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                print!("{}", report.render_text());
            }
            if report.passes {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("trackout check: {e}");
            ExitCode::from(2)
        }
    }
}

/// The store's check limits from its configuration. Only these matter to a local check, so a
/// broken store config must not stop one.
pub fn limits() -> CheckLimits {
    let c = Config::load().map(|c| c.check).unwrap_or_default();
    CheckLimits {
        max_inflated_bytes: c.max_inflated_bytes,
        max_entries: c.max_entries,
        max_stem_seconds: c.max_stem_seconds,
        true_peak_ceiling_dbtp: c.true_peak_ceiling_dbtp,
        tail_allowance_seconds: c.tail_allowance_seconds,
    }
}
