//! The `fmt ` chunk: what the samples are, refused when no DAW could use them.

use super::{SampleFormat, WavError, WavFormat};

pub(crate) const WAVE_FORMAT_PCM: u16 = 0x0001;
pub(crate) const WAVE_FORMAT_IEEE_FLOAT: u16 = 0x0003;
pub(crate) const WAVE_FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// Bytes 2..16 of every `KSDATAFORMAT_SUBTYPE_*` GUID; bytes 0..2 carry the format tag.
const SUBTYPE_GUID_TAIL: [u8; 14] = [
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];
const MAX_CHANNELS: u16 = 64;
const MIN_RATE: u32 = 1_000;
const MAX_RATE: u32 = 768_000;

/// Validates a `fmt ` payload (16, 18 or 40 bytes are read).
pub(super) fn parse_fmt(b: &[u8]) -> Result<WavFormat, WavError> {
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let format_tag = u16_at(0);
    let channels = u16_at(2);
    let sample_rate = u32_at(4);
    let block_align = u16_at(12);
    let bits_per_sample = u16_at(14);
    let bad = |s: String| Err(WavError::BadFormat(s));

    let (sample_format, valid_bits, channel_mask) = match format_tag {
        WAVE_FORMAT_PCM => (SampleFormat::Int, bits_per_sample, None),
        WAVE_FORMAT_IEEE_FLOAT => (SampleFormat::Float, bits_per_sample, None),
        WAVE_FORMAT_EXTENSIBLE => {
            if b.len() < 40 || u16_at(16) < 22 {
                return bad("its WAVE_FORMAT_EXTENSIBLE fmt chunk is too short".into());
            }
            if b[26..40] != SUBTYPE_GUID_TAIL {
                return bad("its WAVE_FORMAT_EXTENSIBLE sub-format is not a standard one".into());
            }
            let sample_format = match u16_at(24) {
                WAVE_FORMAT_PCM => SampleFormat::Int,
                WAVE_FORMAT_IEEE_FLOAT => SampleFormat::Float,
                other => return bad(unsupported_tag(other)),
            };
            let valid = match u16_at(18) {
                0 => bits_per_sample,
                v => v,
            };
            (sample_format, valid, Some(u32_at(20)))
        }
        other => return bad(unsupported_tag(other)),
    };
    if channels == 0 {
        return bad("the fmt chunk says 0 channels".into());
    }
    if channels > MAX_CHANNELS {
        return bad(format!(
            "{channels} channels; at most {MAX_CHANNELS} are supported"
        ));
    }
    if sample_rate == 0 {
        return bad("the fmt chunk says 0 Hz".into());
    }
    if !(MIN_RATE..=MAX_RATE).contains(&sample_rate) {
        return bad(format!(
            "a sample rate of {sample_rate} Hz is not a real audio rate"
        ));
    }
    let supported = match sample_format {
        SampleFormat::Int => matches!(bits_per_sample, 8 | 16 | 24 | 32),
        SampleFormat::Float => matches!(bits_per_sample, 32 | 64),
    };
    if !supported {
        return bad(format!(
            "{bits_per_sample}-bit {sample_format} samples are not supported"
        ));
    }
    if valid_bits > bits_per_sample {
        return bad(format!(
            "{valid_bits} valid bits do not fit in {bits_per_sample}-bit samples"
        ));
    }
    let expected_align = u32::from(channels) * u32::from(bits_per_sample / 8);
    if u32::from(block_align) != expected_align {
        return bad(format!(
            "block align is {block_align} bytes but {channels} channel(s) of {bits_per_sample}-bit \
             samples need {expected_align}"
        ));
    }
    Ok(WavFormat {
        sample_format,
        format_tag,
        channels,
        sample_rate,
        bits_per_sample,
        valid_bits,
        block_align,
        channel_mask,
    })
}

fn unsupported_tag(tag: u16) -> String {
    let name = match tag {
        0x0002 | 0x0011 => "ADPCM-compressed audio".to_string(),
        0x0006 => "A-law audio".to_string(),
        0x0007 => "µ-law audio".to_string(),
        0x0050 | 0x0055 => "MPEG/MP3 audio inside a WAV".to_string(),
        other => format!("format tag 0x{other:04X}"),
    };
    format!("{name} is not supported; export as PCM or float WAV")
}
