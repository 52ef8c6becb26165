//! The RIFF/WAVE parser and the sample scan over arbitrary bytes: no panic, no hang, no
//! allocation sized by what the bytes claim.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use trackout_media::NoProgress;
use trackout_media::analysis::{ScanOptions, analyse_master, analyse_stem};
use trackout_media::wav;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = wav::read_header(&mut Cursor::new(data)) {
        // A header that passed must describe bytes that exist.
        assert!(info.data_offset + info.data_len <= data.len() as u64);
        assert!(info.frames * u64::from(info.format.block_align) <= info.data_len);
    }
    let known = ScanOptions {
        max_seconds: 1_200,
        stream_len: Some(data.len() as u64),
    };
    let streamed = ScanOptions {
        max_seconds: 1_200,
        stream_len: None,
    };
    let stem = analyse_stem(Cursor::new(data), &known, &NoProgress);
    let _ = analyse_stem(Cursor::new(data), &streamed, &NoProgress);
    if let Ok(stem) = stem {
        let levels = stem.levels;
        assert!(levels.peak.is_finite() && levels.rms.is_finite() && levels.dc_offset.is_finite());
        assert!(levels.rms <= levels.peak + 1e-6);
    }
    let _ = analyse_master(Cursor::new(data), &known, &NoProgress);
});
