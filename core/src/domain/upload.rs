use serde::{Deserialize, Serialize};

/// What a producer uploads for a beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadKind {
    Master,
    Trackout,
    VoiceTag,
}

impl UploadKind {
    pub const ALL: [UploadKind; 3] = [
        UploadKind::Master,
        UploadKind::Trackout,
        UploadKind::VoiceTag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::Master => "master",
            UploadKind::Trackout => "trackout",
            UploadKind::VoiceTag => "voice_tag",
        }
    }

    pub fn from_db(raw: &str) -> Option<UploadKind> {
        UploadKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The object's file name in storage (the key is unique per upload, so this is constant).
    pub fn file_name(self) -> &'static str {
        match self {
            UploadKind::Master => "master.wav",
            UploadKind::Trackout => "trackout.zip",
            UploadKind::VoiceTag => "voice-tag.wav",
        }
    }

    pub fn canonical_content_type(self) -> &'static str {
        match self {
            UploadKind::Master | UploadKind::VoiceTag => "audio/wav",
            UploadKind::Trackout => "application/zip",
        }
    }

    /// Browsers and tools label WAV and zip in several ways; all of these mean the same file.
    pub fn accepts_content_type(self, content_type: &str) -> bool {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match self {
            UploadKind::Master | UploadKind::VoiceTag => matches!(
                essence.as_str(),
                "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave"
            ),
            UploadKind::Trackout => matches!(
                essence.as_str(),
                "application/zip" | "application/x-zip-compressed"
            ),
        }
    }
}
