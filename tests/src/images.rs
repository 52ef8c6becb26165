//! Cover art for the tests, made in code: real images, and the hostile files a cover upload
//! must refuse.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// Artwork with some structure (gradients and rings), so that resizing has work to do.
pub fn artwork(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        // A dim violet field with a soft glow and faint rings: it reads as cover art.
        let d = (fx - 0.62).hypot(fy - 0.38);
        let glow = (1.0 - d * 1.6).max(0.0);
        let ring = ((d * 28.0).sin() * 0.5 + 0.5) * 0.18;
        let v = |base: f32, k: f32| ((base + k * glow + ring * 120.0).min(255.0)) as u8;
        Rgb([
            v(28.0 + fx * 40.0, 200.0),
            v(14.0, 90.0),
            v(60.0 + fy * 70.0, 220.0),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encoding a test image");
    out.into_inner()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    artwork(width, height, ImageFormat::Png)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    artwork(width, height, ImageFormat::Jpeg)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A decompression bomb: a small, well-formed PNG whose header claims `side` × `side` pixels
/// (50,000² RGB is 7.5 GB decoded).
pub fn png_bomb(side: u32) -> Vec<u8> {
    let mut png = png(8, 8);
    // IHDR's data sits at bytes 16..29 (after the signature, length and type); its CRC after.
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A JPEG cut off half way (an interrupted export).
pub fn truncated_jpeg() -> Vec<u8> {
    let mut jpeg = jpeg(600, 600);
    jpeg.truncate(jpeg.len() / 2);
    jpeg
}

/// A polyglot: a valid PNG with a zip holding a script glued after it, a file that is an
/// image to one program and an archive (or a page) to another.
pub fn polyglot() -> Vec<u8> {
    let mut bytes = png(600, 600);
    bytes.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00");
    bytes.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    bytes
}

pub fn svg() -> Vec<u8> {
    br##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" onload="alert(1)">
  <script>alert(document.cookie)</script><rect width="600" height="600" fill="#7c5cff"/>
</svg>"##
        .to_vec()
}
