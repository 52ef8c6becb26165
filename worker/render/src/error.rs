//! Why a render failed. Every variant names what was wrong in words a producer can act on;
//! `code()` is the stable string the API and the job table store.

use std::io;
use std::path::Path;

use trackout_audio::wav::WavError;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An input is not a WAV this renderer can read (not RIFF/WAVE, truncated, or a format
    /// it cannot decode). `what` says which input: "the master", "the voice tag", "stem Kick.wav".
    #[error("{what} is not a usable WAV: {source}")]
    Wav { what: String, source: WavError },
    /// An input is readable but not something this renderer supports (an MP3 voice tag that
    /// does not decode, a 40-minute voice tag, a WAV that would pass 4 GiB once tagged).
    #[error("{0}")]
    Unsupported(String),
    /// The settings or metadata asked for something impossible (a negative interval, an
    /// ISRC that is not one, a file name with a slash).
    #[error("{0}")]
    Invalid(String),
    /// A trackout or base bundle whose archive structure cannot be read.
    #[error("{0}")]
    Archive(String),
    /// LAME refused its settings or failed while encoding.
    #[error("MP3 encoder: {0}")]
    Encoder(String),
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
}

impl RenderError {
    /// Stable codes: `not_wav`, `truncated`, `bad_format`, `unsupported`, `invalid`,
    /// `corrupt_archive`, `encoder`, `io`. The first three are the trackout check's codes.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Wav {
                source: WavError::NotWav(_),
                ..
            } => "not_wav",
            RenderError::Wav {
                source: WavError::Truncated(_),
                ..
            } => "truncated",
            RenderError::Wav {
                source: WavError::BadFormat(_),
                ..
            } => "bad_format",
            RenderError::Wav {
                source: WavError::Io(_),
                ..
            }
            | RenderError::Io { .. } => "io",
            RenderError::Unsupported(_) => "unsupported",
            RenderError::Invalid(_) => "invalid",
            RenderError::Archive(_) => "corrupt_archive",
            RenderError::Encoder(_) => "encoder",
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        RenderError::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn read(path: &Path, source: io::Error) -> Self {
        RenderError::io(format!("cannot read {}", path.display()), source)
    }

    pub(crate) fn write(path: &Path, source: io::Error) -> Self {
        RenderError::io(format!("cannot write {}", path.display()), source)
    }

    /// A parse failure of a WAV input; an I/O error while parsing stays an I/O error.
    pub(crate) fn wav(what: impl Into<String>, source: WavError) -> Self {
        match source {
            WavError::Io(e) => RenderError::io(format!("cannot read {}", what.into()), e),
            source => RenderError::Wav {
                what: what.into(),
                source,
            },
        }
    }
}
