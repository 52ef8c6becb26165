use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

use super::*;

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn a_real_cover_passes_and_renders_every_size() {
    let bytes = png(640, 400);
    let inspected = inspect(&bytes).unwrap();
    assert_eq!((inspected.width, inspected.height), (640, 400));
    let sizes = render(&bytes).unwrap();
    // 960 is more than the image has: that size stays at the image's own 400.
    assert_eq!(
        sizes.iter().map(|r| r.width).collect::<Vec<_>>(),
        [160, 400, 400]
    );
    for r in &sizes {
        assert!(r.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert_eq!(CoverFormat::sniff(&r.webp), Some(CoverFormat::Webp));
        let back = image::load_from_memory(&r.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (r.width, r.width));
    }
}

#[test]
fn hostile_images_are_refused_with_the_reason() {
    let good = png(400, 400);
    let mut cut = good.clone();
    cut.truncate(good.len() / 2);
    assert!(inspect(&cut).unwrap_err().contains("cut short"));
    let mut glued = good.clone();
    glued.extend_from_slice(b"PK\x03\x04<script>alert(1)</script>");
    assert!(
        inspect(&glued)
            .unwrap_err()
            .contains("other data after its end")
    );
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    assert!(inspect(svg).unwrap_err().contains("SVG"));
    assert!(
        inspect(&png(200, 200))
            .unwrap_err()
            .contains("at least 300")
    );
}
