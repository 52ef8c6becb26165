//! Reading audio that may be WAV or MP3: a voice tag (producers upload either) and the input
//! of the waveform (the master, or the preview itself). What a file is comes from the
//! foundation's sniff: anything RIFF goes through its WAV parser (which says what is wrong
//! with a broken one); anything else must be an MP3 that symphonia decodes.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::Path;

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

use trackout_audio::read_full;
use trackout_audio::sniff::{SNIFF_BYTES, Sniffed, sniff};

use crate::audio::{BLOCK_FRAMES, WavSource};
use crate::error::RenderError;

pub(crate) enum AudioReader {
    Wav(WavSource),
    Mp3(Box<Mp3Reader>),
}

pub(crate) struct Mp3Reader {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track: u32,
    rate: u32,
    channels: usize,
    what: String,
}

impl AudioReader {
    pub fn open(path: &Path, what: &str) -> Result<Self, RenderError> {
        let mut file = File::open(path).map_err(|e| RenderError::read(path, e))?;
        let mut head = [0u8; SNIFF_BYTES];
        let n = read_full(&mut file, &mut head).map_err(|e| RenderError::read(path, e))?;
        if n < 4 || matches!(sniff(&head[..n]), Sniffed::Wav | Sniffed::OtherRiff) {
            return Ok(AudioReader::Wav(WavSource::open(path, what)?));
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| RenderError::read(path, e))?;
        Ok(AudioReader::Mp3(Box::new(Mp3Reader::open(file, what)?)))
    }

    pub fn sample_rate(&self) -> u32 {
        match self {
            AudioReader::Wav(w) => w.info().format.sample_rate,
            AudioReader::Mp3(m) => m.rate,
        }
    }

    pub fn channels(&self) -> usize {
        match self {
            AudioReader::Wav(w) => w.channels(),
            AudioReader::Mp3(m) => m.channels,
        }
    }

    /// Replaces `out` with the next interleaved block; returns its frames, 0 at the end.
    pub fn read(&mut self, out: &mut Vec<f32>) -> Result<usize, RenderError> {
        match self {
            AudioReader::Wav(w) => w.read(BLOCK_FRAMES, out),
            AudioReader::Mp3(m) => m.read(out),
        }
    }
}

impl Mp3Reader {
    fn open(file: File, what: &str) -> Result<Self, RenderError> {
        let not_audio = |e: SymphoniaError| {
            RenderError::Unsupported(format!(
                "{what} is neither a WAV nor an MP3 this store can decode ({e})"
            ))
        };
        let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        hint.with_extension("mp3");
        let format = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(not_audio)?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| RenderError::Unsupported(format!("{what} holds no audio track")))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| RenderError::Unsupported(format!("{what} holds no audio track")))?
            .clone();
        let (Some(rate), Some(channels)) = (
            params.sample_rate,
            params.channels.as_ref().map(|c| c.count()),
        ) else {
            return Err(RenderError::Unsupported(format!(
                "{what} does not say its sample rate or channels"
            )));
        };
        if channels == 0 || !(1_000..=768_000).contains(&rate) {
            return Err(RenderError::Unsupported(format!(
                "{what}: {channels} channels at {rate} Hz"
            )));
        }
        let track_id = track.id;
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(not_audio)?;
        Ok(Mp3Reader {
            format,
            decoder,
            track: track_id,
            rate,
            channels,
            what: what.to_string(),
        })
    }

    fn read(&mut self, out: &mut Vec<f32>) -> Result<usize, RenderError> {
        out.clear();
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => return Ok(0),
                // A truncated last frame is the end of the stream, as every player treats it.
                Err(SymphoniaError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Ok(0);
                }
                Err(e) => {
                    return Err(RenderError::Unsupported(format!(
                        "{} cannot be decoded: {e}",
                        self.what
                    )));
                }
            };
            if packet.track_id != self.track {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    if buf.spec().channels().count() != self.channels || buf.frames() == 0 {
                        continue;
                    }
                    buf.copy_to_vec_interleaved(out);
                    trackout_audio::wav::silence_garbage(out);
                    return Ok(out.len() / self.channels);
                }
                // A damaged frame is skipped, as players do.
                Err(SymphoniaError::DecodeError(_)) => continue,
                Err(e) => {
                    return Err(RenderError::Unsupported(format!(
                        "{} cannot be decoded: {e}",
                        self.what
                    )));
                }
            }
        }
    }
}
