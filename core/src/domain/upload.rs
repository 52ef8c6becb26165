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

    /// The last segment of its upload route, `PUT /api/v1/beats/{id}/<segment>`.
    pub fn route_segment(self) -> &'static str {
        match self {
            UploadKind::Master => "master",
            UploadKind::Trackout => "trackout",
            UploadKind::VoiceTag => "voice-tag",
        }
    }

    pub fn from_route_segment(raw: &str) -> Option<UploadKind> {
        UploadKind::ALL
            .into_iter()
            .find(|k| k.route_segment() == raw)
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

    /// Whether a body starting with `head` can be this kind of file at all: RIFF/WAVE for
    /// audio, a zip signature for a trackout. The worker checks everything else; this only
    /// turns away the wrong file (an MP3, a PDF) at once, with a reason.
    pub fn looks_right(self, head: &[u8]) -> Result<(), &'static str> {
        match self {
            UploadKind::Master | UploadKind::VoiceTag => {
                if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WAVE" {
                    Ok(())
                } else if head.starts_with(b"ID3") || head.first() == Some(&0xFF) {
                    Err("this is an MP3; upload the WAV")
                } else if head.starts_with(b"FORM") {
                    Err("this is an AIFF file; export it as WAV")
                } else if head.starts_with(b"fLaC") {
                    Err("this is a FLAC file; export it as WAV")
                } else {
                    Err("this is not a WAV file (no RIFF/WAVE header)")
                }
            }
            UploadKind::Trackout => {
                if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
                    Ok(())
                } else {
                    Err("this is not a zip file; zip the folder of stems and upload the zip")
                }
            }
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
