//! Whole-buffer sample decoding. Each format is one tight loop over `chunks_exact`, which the
//! compiler vectorises; per-sample readers (hound's iterator) run about 5x slower.

use super::{SampleFormat, WavFormat};

const SCALE_8: f32 = 1.0 / 128.0;
const SCALE_16: f32 = 1.0 / 32_768.0;
/// 24-bit samples are decoded into the top of an i32, so 24 and 32-bit share one scale.
const SCALE_32: f32 = 1.0 / 2_147_483_648.0;

/// Decodes the whole samples in `bytes` into `out`, normalised so full scale is ±1.0, and
/// returns how many it wrote (bounded by both buffers). Integer formats below 32 bits convert
/// exactly; 32-bit integers round to f32's 24-bit mantissa.
pub fn decode_f32(format: &WavFormat, bytes: &[u8], out: &mut [f32]) -> usize {
    let width = format.bytes_per_sample();
    let n = (bytes.len() / width).min(out.len());
    let (bytes, out) = (&bytes[..n * width], &mut out[..n]);
    match (format.sample_format, width) {
        (SampleFormat::Int, 1) => {
            for (o, &b) in out.iter_mut().zip(bytes) {
                *o = f32::from(i16::from(b) - 128) * SCALE_8;
            }
        }
        (SampleFormat::Int, 2) => {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                *o = f32::from(i16::from_le_bytes([b[0], b[1]])) * SCALE_16;
            }
        }
        (SampleFormat::Int, 3) => {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(3)) {
                *o = i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * SCALE_32;
            }
        }
        (SampleFormat::Int, 4) => {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                *o = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 * SCALE_32;
            }
        }
        (SampleFormat::Float, 4) => {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        (SampleFormat::Float, 8) => {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(8)) {
                *o = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32;
            }
        }
        _ => unreachable!("WavFormat is validated by the header parser"),
    }
    n
}

/// Decodes integer samples as stored (8-bit with its 128 offset removed, 24-bit sign-extended),
/// the way hound reads them. Returns `None` for float formats.
pub fn decode_i32(format: &WavFormat, bytes: &[u8], out: &mut [i32]) -> Option<usize> {
    if format.sample_format != SampleFormat::Int {
        return None;
    }
    let width = format.bytes_per_sample();
    let n = (bytes.len() / width).min(out.len());
    let (bytes, out) = (&bytes[..n * width], &mut out[..n]);
    match width {
        1 => out
            .iter_mut()
            .zip(bytes)
            .for_each(|(o, &b)| *o = i32::from(b) - 128),
        2 => out
            .iter_mut()
            .zip(bytes.chunks_exact(2))
            .for_each(|(o, b)| *o = i32::from(i16::from_le_bytes([b[0], b[1]]))),
        3 => out
            .iter_mut()
            .zip(bytes.chunks_exact(3))
            .for_each(|(o, b)| *o = i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8),
        _ => out
            .iter_mut()
            .zip(bytes.chunks_exact(4))
            .for_each(|(o, b)| *o = i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
    }
    Some(n)
}

/// The lowest and highest values a format can hold, as `decode_f32` returns them: a run of
/// samples at (or past) these is clipping.
pub fn full_scale(format: &WavFormat) -> (f32, f32) {
    match format.sample_format {
        SampleFormat::Float => (-1.0, 1.0),
        SampleFormat::Int => {
            // Meaningful bits, not the container: 20-bit audio in 24-bit words tops out at
            // 0x7FFFF0, not 0x7FFFFF.
            let half = (1u64 << (format.valid_bits.clamp(8, 32) - 1)) as f64;
            (-1.0, ((half - 1.0) / half) as f32)
        }
    }
}
