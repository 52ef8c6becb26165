//! The one header this crate writes: a canonical 44-byte `RIFF/WAVE` header (a 16-byte
//! `fmt ` chunk, then `data`), for fixtures and benchmarks that generate audio.

use super::SampleFormat;

/// A canonical header for `data_len` bytes of `channels` × `bits` samples at `rate`: format
/// tag 1 (integer PCM) or 3 (float), no other chunk.
pub fn canonical_header(
    sample_format: SampleFormat,
    channels: u16,
    rate: u32,
    bits: u16,
    data_len: u32,
) -> Vec<u8> {
    let align = channels * (bits / 8);
    let tag: u16 = match sample_format {
        SampleFormat::Int => 1,
        SampleFormat::Float => 3,
    };
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&36u32.wrapping_add(data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&tag.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
    h.extend_from_slice(&align.to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn the_parser_reads_what_it_writes() {
        let mut wav = canonical_header(SampleFormat::Int, 2, 44_100, 24, 600);
        wav.resize(44 + 600, 0);
        let info = super::super::read_header(&mut Cursor::new(wav)).expect("parses");
        assert_eq!(info.data_offset, 44);
        assert_eq!(info.frames, 100);
        assert_eq!(info.format.bits_per_sample, 24);
        assert_eq!(info.format.block_align, 6);
    }
}
