//! The report's `sum` and `detected` sections: what the listening pass measured, as types
//! that every crate reading a stored report shares (the worker prefills a listing from
//! `detected`).

use serde::{Deserialize, Serialize};

use super::db;

/// How the stems, aligned, compare with the master.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SumOutcome {
    /// They null against it: the master is their sum.
    Sums,
    /// What is left is what a limiter, bus compressor or clipper leaves.
    MasterBusProcessing,
    /// A part is missing, doubled or another take.
    DoesNotSum,
    /// The master is not made of these stems.
    MasterMismatch,
    /// Nothing to compare (all silent).
    NotMeasured,
}

/// The master against the sum of its stems.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SumSection {
    pub outcome: SumOutcome,
    /// The master minus the aligned stem sum, in dB below the master (−60 and lower: they
    /// null); `null` for an exact null.
    #[serde(with = "db")]
    pub residual_db: f64,
    /// Correlation of the aligned stem sum with the master, −1 to 1.
    pub correlation: f64,
    /// Level of the master against the plain sum, dB (least squares).
    pub master_gain_db: f64,
    /// One per stem compared (stems at another rate than the master are not), by path.
    pub stems: Vec<StemSumReport>,
}

/// One stem against the master.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StemSumReport {
    /// Path inside the trackout, as in `stems`.
    pub path: String,
    /// Samples (frames) the stem's content sits later in its file than in the master;
    /// negative: earlier (exported from a later bar). 0 when aligned or not found.
    pub lag_samples: i64,
    pub lag_ms: f64,
    /// Whether the stem shows in the master at all within ±2 s.
    pub found_in_master: bool,
    pub polarity_inverted: bool,
    /// Correlation of the aligned stem with the master, −1 to 1 (negative: inverted).
    pub correlation: f64,
}

/// Tempo and key heard in the master.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DetectedSection {
    /// `null` when no tempo was heard (under 4 s, no rhythm).
    pub bpm: Option<f64>,
    /// 0 to 1.
    pub bpm_confidence: f64,
    /// In the catalog's spelling (`A min`, `F# maj`); `null` when nothing pitched was heard.
    pub key: Option<String>,
    /// 0 to 1.
    pub key_confidence: f64,
}
