//! The real `trackout` binary, as a producer or an operator runs it.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod check;
mod sale;
mod serve;

use std::io::Cursor;
use std::path::Path;

/// A 24-bit stereo sine stem of `seconds`.
pub fn write_stem(path: &Path, seconds: f64, freq: f64) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 44_100.0) as u32 {
        let v = (0.5 * 8_388_607.0 * (std::f64::consts::TAU * freq * f64::from(n) / 44_100.0).sin())
            as i32;
        writer.write_sample(v).unwrap();
        writer.write_sample(v).unwrap();
    }
    writer.finalize().unwrap();
}

/// A stored zip of every file in `dir`.
pub fn zip_dir(dir: &Path) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        zip.start_file(path.file_name().unwrap().to_str().unwrap(), options)
            .unwrap();
        std::io::copy(&mut std::fs::File::open(&path).unwrap(), &mut zip).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}
