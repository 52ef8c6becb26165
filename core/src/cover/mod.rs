//! Cover art: what an uploaded image must be (checked before it is stored) and the sizes the
//! pages use (made by the worker). Plain functions over bytes, no database; the decode always
//! runs under `image`'s `Limits`, and the original is never served: every size is re-encoded,
//! so nothing hidden in the upload (a script after the image, another file glued on) leaves
//! the store.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// Each side of a cover, at most. A 5000×5000 RGBA image is 100 MB decoded: the cap bounds
/// the worker's memory whatever the file claims.
pub const MAX_SIDE: u32 = 5000;
/// Each side of a cover, at least: smaller art is blurry on the beat page.
pub const MIN_SIDE: u32 = 300;
/// What one decode may allocate (the decoded image and the decoder's own buffers).
pub const MAX_ALLOC: u64 = 160 * 1024 * 1024;
/// The square sizes made, in pixels: the player and lists, the catalog cards, the beat page
/// (each about twice the CSS size, for sharp screens).
pub const SIZES: [u32; 3] = [160, 480, 960];
const JPEG_QUALITY: u8 = 84;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverFormat {
    Jpeg,
    Png,
    Webp,
}

impl CoverFormat {
    pub const ACCEPTED: &'static str = "image/jpeg, image/png or image/webp";

    /// The body type a cover upload may declare (`image/jpg` is what some tools send).
    pub fn from_content_type(content_type: &str) -> Option<CoverFormat> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(CoverFormat::Jpeg),
            "image/png" => Some(CoverFormat::Png),
            "image/webp" => Some(CoverFormat::Webp),
            _ => None,
        }
    }

    /// What the bytes are, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<CoverFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(CoverFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(CoverFormat::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(CoverFormat::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            CoverFormat::Jpeg => "image/jpeg",
            CoverFormat::Png => "image/png",
            CoverFormat::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            CoverFormat::Jpeg => "jpg",
            CoverFormat::Png => "png",
            CoverFormat::Webp => "webp",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            CoverFormat::Jpeg => ImageFormat::Jpeg,
            CoverFormat::Png => ImageFormat::Png,
            CoverFormat::Webp => ImageFormat::WebP,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CoverFormat::Jpeg => "JPEG",
            CoverFormat::Png => "PNG",
            CoverFormat::Webp => "WebP",
        }
    }
}

/// What the upload check learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub format: CoverFormat,
    pub width: u32,
    pub height: u32,
}

/// What something that is not an image looks like, for the refusal.
fn describe(bytes: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let text = head.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<?xml") || text.contains("<svg") {
        "an SVG (XML) file; export the artwork as JPEG or PNG"
    } else if text.starts_with("<!doctype") || text.starts_with("<html") {
        "an HTML page, not an image"
    } else if bytes.starts_with(b"GIF8") {
        "a GIF; export the artwork as JPEG or PNG"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF; export the artwork as JPEG or PNG"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "a HEIC/AVIF image; export the artwork as JPEG or PNG"
    } else {
        "not a JPEG, PNG or WebP image"
    }
}

/// Where the image itself ends, by its format's own framing; bytes after it are something
/// else riding along (a zip, a script: a polyglot), or the image is cut short.
fn check_framing(bytes: &[u8], format: CoverFormat) -> Result<(), String> {
    match format {
        CoverFormat::Jpeg => {
            let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            if end < 4 || bytes[end - 2..end] != [0xFF, 0xD9] {
                return Err("the JPEG is cut short or has other data after its end (no end-of-image marker at the end of the file)".into());
            }
        }
        CoverFormat::Png => {
            const IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
            match bytes.windows(IEND.len()).position(|w| w == IEND) {
                None => return Err("the PNG is cut short (it has no IEND chunk)".into()),
                Some(at) if at + IEND.len() != bytes.len() => {
                    return Err(format!(
                        "the PNG has {} bytes of other data after its end; export it again",
                        bytes.len() - at - IEND.len()
                    ));
                }
                Some(_) => {}
            }
        }
        CoverFormat::Webp => {
            let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
            let whole = declared + 8 + (declared & 1);
            if whole > bytes.len() {
                return Err(
                    "the WebP is cut short (its RIFF header claims more than the file holds)"
                        .into(),
                );
            }
            if whole < bytes.len() {
                return Err(format!(
                    "the WebP has {} bytes of other data after its end; export it again",
                    bytes.len() - whole
                ));
            }
        }
    }
    Ok(())
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8], format: CoverFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format.image_format());
    reader.limits(limits());
    reader
}

/// The upload check, cheap enough for the request: the signature, the framing (nothing after
/// the image, nothing missing from its end) and the dimensions from the header, before any
/// pixel is decoded. A decompression bomb (a small file claiming 50,000 × 50,000 pixels) is
/// refused here by its header.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, String> {
    let format = CoverFormat::sniff(bytes).ok_or_else(|| format!("this is {}", describe(bytes)))?;
    check_framing(bytes, format)?;
    // The header alone, whatever it claims: the claim is what is judged next.
    let mut unlimited = ImageReader::new(Cursor::new(bytes));
    unlimited.set_format(format.image_format());
    unlimited.limits(Limits::no_limits());
    let (width, height) = unlimited
        .into_dimensions()
        .map_err(|e| format!("the {} header cannot be read: {e}", format.name()))?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "the image is {width} × {height} pixels; covers may be at most {MAX_SIDE} × {MAX_SIDE}"
        ));
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(format!(
            "the image is {width} × {height} pixels; covers must be at least {MIN_SIDE} × {MIN_SIDE} (3000 × 3000 looks best)"
        ));
    }
    Ok(Inspected {
        format,
        width,
        height,
    })
}

/// One size of a cover, encoded.
pub struct Rendition {
    pub width: u32,
    pub jpeg: Vec<u8>,
    pub webp: Vec<u8>,
}

/// Decodes the upload (under the limits) and makes every size: the centre square, resized
/// with Lanczos, as JPEG and as (lossless) WebP. CPU work: run it on the blocking pool.
pub fn render(bytes: &[u8]) -> Result<Vec<Rendition>, String> {
    let inspected = inspect(bytes)?;
    let image = reader(bytes, inspected.format)
        .decode()
        .map_err(|e| format!("the image cannot be decoded: {e}"))?;
    // Opaque RGB: JPEG has no alpha, and a transparent cover would show the page through it.
    let image = DynamicImage::ImageRgb8(image.to_rgb8());
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    SIZES
        .iter()
        .map(|&size| {
            let size = size.min(side);
            let scaled = if size == side {
                square.clone()
            } else {
                square.resize_exact(size, size, FilterType::Lanczos3)
            };
            let mut jpeg = Vec::new();
            scaled
                .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                    &mut jpeg,
                    JPEG_QUALITY,
                ))
                .map_err(|e| format!("encoding the JPEG: {e}"))?;
            let mut webp = Vec::new();
            scaled
                .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut webp))
                .map_err(|e| format!("encoding the WebP: {e}"))?;
            Ok(Rendition {
                width: size,
                jpeg,
                webp,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
