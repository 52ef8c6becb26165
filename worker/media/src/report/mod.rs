//! The check's report: what a producer reads, and what the worker stores as JSON.

mod db;
mod findings;
pub(crate) mod music;
pub(crate) mod numbers;
mod sections;
mod text;

use serde::{Deserialize, Serialize};

use crate::wav::SampleFormat;
pub use trackout_audio::naming::StemRole;

pub(crate) use findings::cross_stem_findings;
pub use music::Listed;
pub use sections::{DetectedSection, StemSumReport, SumOutcome, SumSection};

/// The stable codes of DESIGN.md's table; serialised exactly as written there.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    UnsafePath,
    ArchiveTooLarge,
    CorruptArchive,
    NoStems,
    NotWav,
    Truncated,
    BadFormat,
    SampleRateMismatch,
    LengthMismatch,
    BitDepthMismatch,
    SilentStem,
    Clipping,
    DcOffset,
    GenericName,
    DuplicateName,
    TruePeakOver,
    MasterLengthMismatch,
    StemOffset,
    PolarityInverted,
    MasterMismatch,
    StemsDoNotSum,
    MasterBusProcessing,
    BpmMismatch,
    KeyMismatch,
}

impl FindingCode {
    /// The code's level. Each code has one, but `master_length_mismatch`, an error when
    /// the stems end early and a warning when the master is the shorter one (raised with
    /// [`Finding::warning`]); a producer can rely on a warning or an info never blocking a
    /// publish.
    pub fn level(self) -> Level {
        use FindingCode::*;
        match self {
            MasterBusProcessing => Level::Info,
            BitDepthMismatch | SilentStem | Clipping | DcOffset | GenericName | TruePeakOver
            | PolarityInverted | StemsDoNotSum | BpmMismatch | KeyMismatch => Level::Warning,
            UnsafePath | ArchiveTooLarge | CorruptArchive | NoStems | NotWav | Truncated
            | BadFormat | SampleRateMismatch | LengthMismatch | DuplicateName
            | MasterLengthMismatch | StemOffset | MasterMismatch => Level::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        use FindingCode::*;
        match self {
            UnsafePath => "unsafe_path",
            ArchiveTooLarge => "archive_too_large",
            CorruptArchive => "corrupt_archive",
            NoStems => "no_stems",
            NotWav => "not_wav",
            Truncated => "truncated",
            BadFormat => "bad_format",
            SampleRateMismatch => "sample_rate_mismatch",
            LengthMismatch => "length_mismatch",
            BitDepthMismatch => "bit_depth_mismatch",
            SilentStem => "silent_stem",
            Clipping => "clipping",
            DcOffset => "dc_offset",
            GenericName => "generic_name",
            DuplicateName => "duplicate_name",
            TruePeakOver => "true_peak_over",
            MasterLengthMismatch => "master_length_mismatch",
            StemOffset => "stem_offset",
            PolarityInverted => "polarity_inverted",
            MasterMismatch => "master_mismatch",
            StemsDoNotSum => "stems_do_not_sum",
            MasterBusProcessing => "master_bus_processing",
            BpmMismatch => "bpm_mismatch",
            KeyMismatch => "key_mismatch",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
    /// Said so the producer knows, never a fault: it never fails a check.
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: FindingCode,
    pub level: Level,
    /// Path inside the trackout of the stem (or master) concerned; `None` for the whole
    /// trackout.
    pub stem: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl Finding {
    pub fn new(code: FindingCode, stem: Option<&str>, message: impl Into<String>) -> Self {
        Finding {
            code,
            level: code.level(),
            stem: stem.map(str::to_owned),
            message: message.into(),
        }
    }

    /// A finding at warning level, for the one code whose level depends on the case
    /// (`master_length_mismatch`).
    pub fn warning(code: FindingCode, stem: Option<&str>, message: impl Into<String>) -> Self {
        Finding {
            level: Level::Warning,
            ..Finding::new(code, stem, message)
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StemReport {
    /// File name without its extension, as a DAW shows the track.
    pub name: String,
    /// Path inside the trackout, `/`-separated.
    pub path: String,
    pub role: StemRole,
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub sample_format: SampleFormat,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    /// Highest sample, dBFS; `null` in JSON for digital silence.
    #[serde(with = "db")]
    pub peak_dbfs: f64,
    /// RMS over all channels (a full-scale sine reads −3 dBFS); `null` for digital silence.
    #[serde(with = "db")]
    pub rms_dbfs: f64,
    /// The largest per-channel mean, as a fraction of full scale.
    pub dc_offset: f64,
    /// Runs of 3 or more consecutive full-scale samples.
    pub clipped_runs: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MasterReport {
    pub name: String,
    /// Path inside the trackout, or the file name of a master given apart.
    pub path: String,
    /// True when the master was picked out of the trackout by its name.
    pub found_in_trackout: bool,
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub sample_format: SampleFormat,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    /// ITU-R BS.1770 / EBU R128 integrated loudness; `null` when the master is silent.
    #[serde(with = "db")]
    pub integrated_lufs: f64,
    pub loudness_range_lu: f64,
    /// 8x-oversampled peak.
    #[serde(with = "db")]
    pub true_peak_dbtp: f64,
    #[serde(with = "db")]
    pub sample_peak_dbfs: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    /// No error-level finding (warnings allowed).
    pub passes: bool,
    /// The file or folder name that was checked.
    pub trackout: String,
    /// Sorted by path.
    pub stems: Vec<StemReport>,
    /// Errors first, then warnings, then infos; within a level by code, then by stem.
    pub findings: Vec<Finding>,
    pub master: Option<MasterReport>,
    /// Files in the trackout that are not audio (artwork, a readme, a project file); listed,
    /// not checked.
    pub other_files: Vec<String>,
    /// The stems against the master: `null` without a master, or when nothing could be
    /// compared. Reports stored before it existed read back as `null`.
    #[serde(default)]
    pub sum: Option<SumSection>,
    /// Tempo and key heard in the master; `null` without a master.
    #[serde(default)]
    pub detected: Option<DetectedSection>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Warning)
    }

    pub fn infos(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Info)
    }

    pub fn render_text(&self) -> String {
        text::render(self)
    }

    /// Puts findings in their documented order and derives `passes` from them.
    pub(crate) fn finalise(&mut self) {
        self.stems.sort_by(|a, b| a.path.cmp(&b.path));
        self.other_files.sort();
        self.findings.sort_by(|a, b| {
            (a.level, a.code, &a.stem, &a.message).cmp(&(b.level, b.code, &b.stem, &b.message))
        });
        self.findings.dedup();
        self.passes = !self.findings.iter().any(|f| f.level == Level::Error);
    }
}
