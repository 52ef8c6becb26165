//! A WAV file read in blocks of decoded, normalised samples, through `trackout_audio::wav`:
//! the same parser that accepted the upload decides what the renderer reads.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use trackout_audio::wav::{self, WavError, WavInfo};

use crate::error::RenderError;

/// Bytes read per system call; a multiple of every block alignment up to 8 channels × 8 bytes.
const READ_BYTES: usize = 1 << 20;

pub(crate) struct WavSource {
    file: File,
    info: WavInfo,
    what: String,
    bytes: Vec<u8>,
    frames_left: u64,
}

impl WavSource {
    /// Opens and validates `path`; `what` names it in errors ("the master").
    pub fn open(path: &Path, what: &str) -> Result<Self, RenderError> {
        let mut file = File::open(path).map_err(|e| RenderError::read(path, e))?;
        let info = wav::read_header(&mut file).map_err(|e| RenderError::wav(what, e))?;
        let align = usize::from(info.format.block_align);
        Ok(WavSource {
            file,
            frames_left: info.frames,
            info,
            what: what.to_string(),
            bytes: vec![0; READ_BYTES - READ_BYTES % align],
        })
    }

    pub fn info(&self) -> &WavInfo {
        &self.info
    }

    pub fn channels(&self) -> usize {
        usize::from(self.info.format.channels)
    }

    /// Replaces `out` with up to `max_frames` interleaved frames (full scale ±1.0) and returns
    /// how many it read: 0 at the end.
    pub fn read(&mut self, max_frames: usize, out: &mut Vec<f32>) -> Result<usize, RenderError> {
        out.clear();
        let align = usize::from(self.info.format.block_align);
        let frames =
            (self.frames_left.min(max_frames as u64) as usize).min(self.bytes.len() / align);
        if frames == 0 {
            return Ok(0);
        }
        let want = frames * align;
        if let Err(e) = self.file.read_exact(&mut self.bytes[..want]) {
            return Err(if e.kind() == io::ErrorKind::UnexpectedEof {
                // The header was checked against the file's length; it shrank while we read.
                RenderError::wav(
                    &self.what,
                    WavError::Truncated("the file ends before its data chunk does".into()),
                )
            } else {
                RenderError::io(format!("cannot read {}", self.what), e)
            });
        }
        out.resize(frames * self.channels(), 0.0);
        wav::decode_f32(&self.info.format, &self.bytes[..want], out);
        // A NaN or an infinity would poison every filter and the encoder after it.
        wav::silence_garbage(out);
        self.frames_left -= frames as u64;
        Ok(frames)
    }
}
