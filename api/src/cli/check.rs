use std::path::Path;
use std::process::ExitCode;

use trackout_core::config::Config;
use trackout_media::{CheckLimits, TerminalProgress, check_path};

/// `trackout check`: no server, no database; the same check the worker runs on upload.
pub fn run(path: &Path, master: Option<&Path>, json: bool) -> ExitCode {
    // Only the check limits matter here; a broken store config must not stop a local check.
    let c = Config::load().map(|c| c.check).unwrap_or_default();
    let limits = CheckLimits {
        max_inflated_bytes: c.max_inflated_bytes,
        max_entries: c.max_entries,
        max_stem_seconds: c.max_stem_seconds,
        true_peak_ceiling_dbtp: c.true_peak_ceiling_dbtp,
        tail_allowance_seconds: c.tail_allowance_seconds,
    };
    match check_path(path, master, &limits, &TerminalProgress::new()) {
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
