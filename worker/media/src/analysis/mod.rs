//! The sample scan: one pass over a WAV stream through fixed-size buffers, whatever its
//! length. Generic over `Read` so a zip entry can be inflated straight through it. The meters
//! are the audio foundation's (`trackout_audio::meter`), the same the renderer reads.

use std::io::{self, Read};

pub use trackout_audio::meter::{LevelSummary, MIN_CLIP_RUN};
use trackout_audio::meter::{Levels, Loudness, TruePeak};
use trackout_audio::text::thousands;
use trackout_audio::wav::BlockDecoder;

use crate::lockstep::Tee;
use crate::progress::Progress;
use crate::report::numbers::clock;
use crate::wav::{self, WavError, WavFormat, WavInfo};

/// Bytes read from the stream at a time: large enough that reads cost nothing next to the
/// decoding, small enough to stay in L2/L3.
const READ_BYTES: usize = 1 << 20;
/// A scan the listening pass hears runs beside every other file's at once: it reads less at
/// a time, so that a trackout of many stems stays within its memory.
const TEED_READ_BYTES: usize = 1 << 18;
/// Samples decoded at a time, so the decoded block stays in L1/L2 for every meter.
const BLOCK_SAMPLES: usize = 16 * 1024;
/// A master is stereo, or at most 7.1, at no more than 192 kHz; a file past these is not a
/// master, and its true-peak pass would cost in proportion.
const MASTER_MAX_CHANNELS: u16 = 8;
const MASTER_MAX_RATE: u32 = 192_000;

#[derive(Clone, Copy, Debug)]
pub struct ScanOptions {
    /// Longest audio accepted, by the header's claim, before anything is scanned.
    pub max_seconds: u64,
    /// Total length of the stream when known (a file's size, a zip entry's declared size):
    /// a data chunk claiming more is `Truncated` up front.
    pub stream_len: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct StemAnalysis {
    pub info: WavInfo,
    pub levels: LevelSummary,
    /// Float samples that were NaN, infinite or absurdly loud (counted as silence).
    pub non_finite: u64,
}

#[derive(Clone, Debug)]
pub struct MasterAnalysis {
    pub info: WavInfo,
    pub levels: LevelSummary,
    pub non_finite: u64,
    pub integrated_lufs: f64,
    pub loudness_range_lu: f64,
    /// Linear, full scale 1.0.
    pub true_peak: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalyseError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error("{seconds:.1} s long; the limit is {limit} s")]
    TooLong { seconds: f64, limit: u64 },
}

impl From<io::Error> for AnalyseError {
    fn from(e: io::Error) -> Self {
        AnalyseError::Wav(WavError::Io(e))
    }
}

/// Reads a stem's header and scans every sample: peak, RMS, DC offset, clipping.
pub fn analyse_stem<R: Read>(
    r: R,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<StemAnalysis, AnalyseError> {
    analyse_stem_teed(r, options, progress, None)
}

/// [`analyse_stem`], handing every decoded block to the listening pass too.
pub(crate) fn analyse_stem_teed<R: Read>(
    mut r: R,
    options: &ScanOptions,
    progress: &dyn Progress,
    tee: Option<&mut Tee>,
) -> Result<StemAnalysis, AnalyseError> {
    let (info, levels, non_finite) = scan(&mut r, options, progress, tee, |format| {
        Ok(Levels::for_format(format))
    })?;
    Ok(StemAnalysis {
        info,
        levels: levels.finish(),
        non_finite,
    })
}

/// Like [`analyse_stem`], plus integrated loudness, loudness range and true peak.
pub fn analyse_master<R: Read>(
    r: R,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<MasterAnalysis, AnalyseError> {
    analyse_master_part(r, MasterPart::All, options, progress, None)
}

/// The master's measurements split in two passes of similar cost, so two threads can share
/// the longest job of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MasterPart {
    All,
    /// Levels, integrated loudness and loudness range; `true_peak` is left at 0.
    Loudness,
    /// Only `true_peak`; the other fields are left empty.
    TruePeak,
}

pub(crate) fn analyse_master_part<R: Read>(
    mut r: R,
    part: MasterPart,
    options: &ScanOptions,
    progress: &dyn Progress,
    tee: Option<&mut Tee>,
) -> Result<MasterAnalysis, AnalyseError> {
    let (info, meters, non_finite) = scan(&mut r, options, progress, tee, |format| {
        if format.channels > MASTER_MAX_CHANNELS || format.sample_rate > MASTER_MAX_RATE {
            return Err(WavError::BadFormat(format!(
                "a master of {} channels at {} Hz cannot be measured; export the stereo master \
                 at the project's rate",
                format.channels, format.sample_rate
            )));
        }
        let channels = usize::from(format.channels);
        let loudness = part != MasterPart::TruePeak;
        Ok(MasterMeters {
            levels: loudness.then(|| Levels::for_format(format)),
            loudness: loudness.then(|| Loudness::new(format.channels, format.sample_rate)),
            true_peak: (part != MasterPart::Loudness).then(|| TruePeak::new(channels)),
        })
    })?;
    let loudness = meters.loudness.map(|l| l.finish()).unwrap_or_default();
    Ok(MasterAnalysis {
        info,
        levels: meters.levels.map(Levels::finish).unwrap_or_default(),
        non_finite,
        // Silence (or under 400 ms of audio) has no loudness: −∞ LUFS; under 3 s, no range.
        integrated_lufs: loudness.integrated_lufs.unwrap_or(f64::NEG_INFINITY),
        loudness_range_lu: loudness.range_lu.unwrap_or(0.0),
        true_peak: meters.true_peak.map_or(0.0, TruePeak::finish),
    })
}

trait Meter {
    fn add(&mut self, block: &[f32]);
}

impl Meter for Levels {
    fn add(&mut self, block: &[f32]) {
        Levels::add(self, block);
    }
}

struct MasterMeters {
    levels: Option<Levels>,
    loudness: Option<Loudness>,
    true_peak: Option<TruePeak>,
}

impl Meter for MasterMeters {
    fn add(&mut self, block: &[f32]) {
        if let Some(levels) = &mut self.levels {
            levels.add(block);
        }
        if let Some(loudness) = &mut self.loudness {
            loudness.add(block);
        }
        if let Some(true_peak) = &mut self.true_peak {
            true_peak.add(block);
        }
    }
}

fn scan<R: Read, M: Meter>(
    r: &mut R,
    options: &ScanOptions,
    progress: &dyn Progress,
    mut tee: Option<&mut Tee>,
    meter: impl FnOnce(&WavFormat) -> Result<M, WavError>,
) -> Result<(WavInfo, M, u64), AnalyseError> {
    let info = wav::read_header_stream(r)?;
    let format = info.format;
    // A data chunk that claims more than the file holds is reported as such, but only once
    // what it does hold has gone to the listening pass, which hears the file up to where it
    // breaks (without a listening pass, nothing is read).
    let mut short = None;
    if let Some(len) = options.stream_len {
        let held = len.saturating_sub(info.data_offset);
        if info.data_len > held {
            short = Some(AnalyseError::from(WavError::Truncated(format!(
                "the data chunk claims {} bytes but the file holds only {held} after its header",
                info.data_len
            ))));
            if tee.is_none() {
                return Err(short.take().expect("just set"));
            }
        }
    }
    let limit_frames = options
        .max_seconds
        .saturating_mul(u64::from(format.sample_rate));
    if info.frames > limit_frames {
        return Err(short.unwrap_or(AnalyseError::TooLong {
            seconds: info.duration_seconds(),
            limit: options.max_seconds,
        }));
    }
    let mut meter = match meter(&format) {
        Ok(meter) => meter,
        Err(e) => return Err(short.unwrap_or(e.into())),
    };
    if let Some(tee) = tee.as_deref_mut() {
        tee.start(&format);
    }
    let align = usize::from(format.block_align);
    let read_bytes = if tee.is_some() {
        TEED_READ_BYTES
    } else {
        READ_BYTES
    };
    let mut bytes = vec![0u8; read_bytes - read_bytes % align];
    let mut decoder = BlockDecoder::new(format, BLOCK_SAMPLES);
    let mut bytes_left = info.data_len;
    let mut frames_left = info.frames;
    while bytes_left > 0 {
        let want = bytes
            .len()
            .min(usize::try_from(bytes_left).unwrap_or(usize::MAX));
        let got = trackout_audio::read_full(r, &mut bytes[..want])?;
        progress.advance(got as u64);
        let frames = ((got / align) as u64).min(frames_left) as usize;
        decoder.decode(&bytes[..frames * align], |block| {
            meter.add(block);
            if let Some(tee) = tee.as_deref_mut() {
                tee.block(block);
            }
        });
        frames_left -= frames as u64;
        bytes_left -= got as u64;
        if got < want {
            if let Some(short) = short {
                return Err(short);
            }
            let read = info.frames - frames_left;
            return Err(WavError::Truncated(format!(
                "the data chunk claims {} ({} frames) but the file ends after {} frames",
                clock(info.duration_seconds()),
                thousands(info.frames),
                thousands(read),
            ))
            .into());
        }
    }
    Ok((info, meter, decoder.non_finite()))
}
