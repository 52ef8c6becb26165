use serde::{Deserialize, Serialize};
use trackout_audio::sniff::{Sniffed, sniff};

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

    /// How a producer names it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            UploadKind::Master => "master",
            UploadKind::Trackout => "trackout",
            UploadKind::VoiceTag => "voice tag",
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
    /// audio, a zip signature for a trackout, by the audio foundation's sniff (the one the
    /// check names files with). The worker checks everything else; this only turns away the
    /// wrong file (an MP3, a PDF) at once, with a reason.
    pub fn looks_right(self, head: &[u8]) -> Result<(), &'static str> {
        let kind = sniff(head);
        match self {
            UploadKind::Master | UploadKind::VoiceTag => match kind {
                Sniffed::Wav => Ok(()),
                Sniffed::Mp3 => Err("this is an MP3; upload the WAV"),
                Sniffed::Aiff => Err("this is an AIFF file; export it as WAV"),
                Sniffed::Flac => Err("this is a FLAC file; export it as WAV"),
                Sniffed::Rf64 => Err(
                    "this is an RF64/BW64 file (a WAV over 4 GB), which DAWs do not all import; \
                     export a standard WAV",
                ),
                _ => Err("this is not a WAV file (no RIFF/WAVE header)"),
            },
            UploadKind::Trackout => match kind {
                Sniffed::Zip => Ok(()),
                _ => Err("this is not a zip file; zip the folder of stems and upload the zip"),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrong_file_is_turned_away_with_what_it_is() {
        let wav = b"RIFF\x24\0\0\0WAVEfmt ";
        assert_eq!(UploadKind::Master.looks_right(wav), Ok(()));
        assert_eq!(UploadKind::VoiceTag.looks_right(wav), Ok(()));
        assert_eq!(
            UploadKind::Master.looks_right(b"ID3\x04\0\0\0\0\0\0"),
            Err("this is an MP3; upload the WAV")
        );
        assert_eq!(
            UploadKind::Master.looks_right(b"FORM\0\0\0\0AIFF"),
            Err("this is an AIFF file; export it as WAV")
        );
        assert!(UploadKind::Master.looks_right(b"%PDF-1.7").is_err());
        assert!(UploadKind::Master.looks_right(b"PK\x03\x04").is_err());
        assert_eq!(
            UploadKind::Trackout.looks_right(b"PK\x03\x04\x14\0"),
            Ok(())
        );
        assert_eq!(UploadKind::Trackout.looks_right(b"PK\x05\x06\0\0"), Ok(()));
        assert!(UploadKind::Trackout.looks_right(wav).is_err());
    }
}
