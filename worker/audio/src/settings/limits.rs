//! Caps on what one check (and the bundle built from the same trackout) will read.
//! Configuration; checked before work starts and counted again while streaming.

use serde::{Deserialize, Serialize};

/// The trackout check's limits. The listing applies the entry and byte caps the same way
/// for the check and for the bundle, so what the check approves the bundle can build.
///
/// Core's configuration embeds this type as its `[check]` table; every field may be left out
/// (`#[serde(default)]`), and the defaults are the store's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckLimits {
    /// Bytes actually inflated from a zip (or read from a folder), all entries together.
    pub max_inflated_bytes: u64,
    /// Files and folders in the trackout, counted before anything is read.
    pub max_entries: u64,
    /// Longest stem (or master), in seconds, by its header, before it is scanned.
    pub max_stem_seconds: u64,
    /// A master whose true peak is above this gets `true_peak_over`.
    pub true_peak_ceiling_dbtp: f64,
    /// How much longer than its stems a master may ring on (a reverb or delay tail on the
    /// master bus, a fade) before `master_length_mismatch` is an error, in seconds.
    pub tail_allowance_seconds: f64,
}

impl Default for CheckLimits {
    fn default() -> Self {
        CheckLimits {
            max_inflated_bytes: 8 << 30,
            max_entries: 1_000,
            max_stem_seconds: 20 * 60,
            true_peak_ceiling_dbtp: -1.0,
            tail_allowance_seconds: 2.0,
        }
    }
}
