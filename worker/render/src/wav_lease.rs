//! The WAV lease file: the master's audio bit for bit, with RIFF INFO, BWF `bext` (version 2,
//! with the master's loudness and true peak, measured by the foundation's meters while the
//! audio is copied) and, when the beat has an ISRC, an EBU Tech 3352 `axml` chunk.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Serialize;
use trackout_audio::wav::SampleFormat;

use crate::error::RenderError;
use crate::meta::BeatMeta;
use trackout_audio::db::{finite, gain_to_db};

use crate::meter::Meter;
use crate::riff::{BextLoudness, SourceHeader, Tagging, copy_data, output_header};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WavLeaseReport {
    pub sample_rate: u32,
    pub bit_depth: u16,
    pub sample_format: SampleFormat,
    pub channels: u16,
    pub frames: u64,
    pub duration_seconds: f64,
    pub bytes: u64,
    /// EBU R 128 integrated loudness, as written into `bext`; `None` for silence.
    pub integrated_lufs: Option<f64>,
    pub loudness_range_lu: Option<f64>,
    pub sample_peak_dbfs: Option<f64>,
    /// 8x-oversampled true peak, as written into `bext` (MaxTruePeakLevel); `None` for
    /// digital silence.
    pub true_peak_dbtp: Option<f64>,
    pub isrc: Option<String>,
}

/// Writes the WAV lease file for `master` to `out`. One pass over the audio: it is copied
/// and measured at once (levels, loudness, true peak), then the `bext` loudness fields are
/// filled in at the top of `out`.
pub fn render_wav_lease(
    master: &Path,
    meta: &BeatMeta,
    out: &Path,
) -> Result<WavLeaseReport, RenderError> {
    meta.validate()?;
    let what = "the master";
    let mut input = File::open(master).map_err(|e| RenderError::read(master, e))?;
    let source = SourceHeader::read_file(&mut input, what)?;
    let format = source.info.format;
    let mut tagging = Tagging {
        meta,
        role: None,
        format,
        source_bext: source.bext.clone(),
        loudness: None,
    };
    let header = output_header(&source, &tagging)?;

    let file = File::create(out).map_err(|e| RenderError::write(out, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    w.write_all(&header)
        .map_err(|e| RenderError::write(out, e))?;
    let mut meter = Meter::new(format, true);
    copy_data(&mut input, &mut w, &source.info, what, &mut |bytes| {
        meter.add_bytes(bytes)
    })?;
    let measured = meter.finish();
    let loudness = measured.loudness;
    let true_peak_dbtp = measured.true_peak.and_then(|tp| finite(gain_to_db(tp)));

    // Same fields, same sizes: the header with loudness replaces the one without in place.
    tagging.loudness = Some(BextLoudness {
        integrated_lufs: loudness.integrated_lufs,
        range_lu: loudness.range_lu,
        true_peak_dbtp,
        max_momentary_lufs: loudness.max_momentary_lufs,
        max_short_term_lufs: loudness.max_short_term_lufs,
    });
    let final_header = output_header(&source, &tagging)?;
    debug_assert_eq!(final_header.len(), header.len());
    let mut file = w
        .into_inner()
        .map_err(|e| RenderError::write(out, e.into_error()))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| RenderError::write(out, e))?;
    file.write_all(&final_header)
        .map_err(|e| RenderError::write(out, e))?;

    let data_len = source.info.data_len;
    Ok(WavLeaseReport {
        sample_rate: format.sample_rate,
        bit_depth: format.bits_per_sample,
        sample_format: format.sample_format,
        channels: format.channels,
        frames: source.info.frames,
        duration_seconds: source.info.duration_seconds(),
        bytes: header.len() as u64 + data_len + data_len % 2,
        integrated_lufs: loudness.integrated_lufs,
        loudness_range_lu: loudness.range_lu,
        sample_peak_dbfs: finite(gain_to_db(measured.levels.peak)),
        true_peak_dbtp,
        isrc: meta.isrc_code()?,
    })
}
