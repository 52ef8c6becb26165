//! Memory stays flat: a 20-minute stem or master costs the same heap as a 2-minute one. The
//! audio is generated on the fly by a `Read` impl, so the test itself holds nothing.

use std::io::{self, Read};

use trackout_media::NoProgress;
use trackout_media::analysis::{ScanOptions, analyse_master, analyse_stem};

use crate::alloc::peak_heap;

/// A 24-bit WAV stream of `frames`, computed as it is read.
struct SyntheticWav {
    header: Vec<u8>,
    pos: u64,
    len: u64,
}

impl SyntheticWav {
    fn new(seconds: u64, rate: u32, channels: u16) -> Self {
        let frames = seconds * u64::from(rate);
        let data = frames * u64::from(channels) * 3;
        let mut h = Vec::with_capacity(44);
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&((36 + data) as u32).to_le_bytes());
        h.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0");
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * u32::from(channels) * 3).to_le_bytes());
        h.extend_from_slice(&(channels * 3).to_le_bytes());
        h.extend_from_slice(&24u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&(data as u32).to_le_bytes());
        SyntheticWav {
            header: h,
            pos: 0,
            len: 44 + data,
        }
    }

    /// A triangle wave with a little hashed noise: loud, varied, deterministic.
    fn sample(index: u64) -> i32 {
        let frame = index / 2;
        let tri = (frame % 200) as i32 - 100;
        let noise = (index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as i32 - 2048;
        tri * 40_000 + noise * 100
    }
}

impl Read for SyntheticWav {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.len - self.pos) as usize;
        for b in &mut buf[..n] {
            *b = if self.pos < 44 {
                self.header[self.pos as usize]
            } else {
                let offset = self.pos - 44;
                let sample = Self::sample(offset / 3);
                sample.to_le_bytes()[(offset % 3) as usize]
            };
            self.pos += 1;
        }
        Ok(n)
    }
}

const OPTIONS: ScanOptions = ScanOptions {
    max_seconds: 3_600,
    stream_len: None,
};

#[test]
fn a_20_minute_stem_uses_the_heap_of_a_2_minute_one() {
    let scan = |minutes: u64| {
        peak_heap(|| {
            let stem = analyse_stem(
                SyntheticWav::new(minutes * 60, 44_100, 2),
                &OPTIONS,
                &NoProgress,
            )
            .expect("scans");
            assert_eq!(stem.levels.frames, minutes * 60 * 44_100);
        })
        .1
    };
    let (short, long) = (scan(2), scan(20));
    assert!(
        long <= short + 4_096,
        "2 min: {short} bytes, 20 min: {long} bytes"
    );
    assert!(long < 4 << 20, "{long} bytes of heap for one stem");
}

#[test]
fn a_20_minute_master_uses_the_heap_of_a_2_minute_one() {
    // Mono at 8 kHz: the loudness meter is unoptimised in test builds, and memory growth
    // would show with the duration, whatever the rate.
    let scan = |minutes: u64| {
        peak_heap(|| {
            let m = analyse_master(
                SyntheticWav::new(minutes * 60, 8_000, 1),
                &OPTIONS,
                &NoProgress,
            )
            .expect("scans");
            assert!(m.integrated_lufs.is_finite() && m.true_peak > 0.0);
        })
        .1
    };
    let (short, long) = (scan(2), scan(20));
    assert!(
        long <= short + 4_096,
        "2 min: {short} bytes, 20 min: {long} bytes"
    );
    assert!(long < 8 << 20, "{long} bytes of heap for one master");
}
