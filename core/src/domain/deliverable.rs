use serde::{Deserialize, Serialize};

/// What the worker renders for a beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliverableKind {
    /// The voice-tagged MP3 listeners hear.
    Preview,
    /// Waveform peaks of the preview (BBC audiowaveform JSON) for the player.
    Peaks,
    Mp3Lease,
    WavLease,
    /// The tagged trackout zip with manifest, cue sheet and README.
    Bundle,
}

impl DeliverableKind {
    pub const ALL: [DeliverableKind; 5] = [
        DeliverableKind::Preview,
        DeliverableKind::Peaks,
        DeliverableKind::Mp3Lease,
        DeliverableKind::WavLease,
        DeliverableKind::Bundle,
    ];
    /// Rendered from the master and the voice tag.
    pub const PREVIEW: [DeliverableKind; 2] = [DeliverableKind::Preview, DeliverableKind::Peaks];
    /// Rendered once the trackout check has passed.
    pub const LEASES: [DeliverableKind; 3] = [
        DeliverableKind::Mp3Lease,
        DeliverableKind::WavLease,
        DeliverableKind::Bundle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliverableKind::Preview => "preview",
            DeliverableKind::Peaks => "peaks",
            DeliverableKind::Mp3Lease => "mp3_lease",
            DeliverableKind::WavLease => "wav_lease",
            DeliverableKind::Bundle => "bundle",
        }
    }

    pub fn from_db(raw: &str) -> Option<DeliverableKind> {
        DeliverableKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub fn file_name(self) -> &'static str {
        match self {
            DeliverableKind::Preview => "preview.mp3",
            DeliverableKind::Peaks => "peaks.json",
            DeliverableKind::Mp3Lease => "lease.mp3",
            DeliverableKind::WavLease => "lease.wav",
            DeliverableKind::Bundle => "trackout.zip",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DeliverableKind::Preview | DeliverableKind::Mp3Lease => "audio/mpeg",
            DeliverableKind::Peaks => "application/json",
            DeliverableKind::WavLease => "audio/wav",
            DeliverableKind::Bundle => "application/zip",
        }
    }
}

/// Where the render of a deliverable is. Stored as the lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliverableState {
    Queued,
    Running,
    Done,
    Failed,
}

impl DeliverableState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliverableState::Queued => "queued",
            DeliverableState::Running => "running",
            DeliverableState::Done => "done",
            DeliverableState::Failed => "failed",
        }
    }

    pub fn is(self, raw: &str) -> bool {
        raw == self.as_str()
    }
}
