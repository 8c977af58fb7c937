//! `scan::scan_rgba`: raw RGBA pixels (a browser canvas's `ImageData`, camera
//! frames) in, QR texts out; transparency counts as white; size limits and a
//! wrong buffer length are errors with their stable names.

use travelcert::render::{self, RenderOptions};
use travelcert::scan::{scan_rgba, ScanError, ScanOptions};

const TEXT: &str = "TC1:NCFOXN%TSFDH3DHNQ8O9KB2W$A4-C2KW8P%BZEJ0";

/// The code drawn `px` pixels per module with a 4-module quiet zone: dark
/// modules in `dark`, light ones in `light` (RGBA).
fn draw(px: usize, dark: [u8; 4], light: [u8; 4]) -> (u32, u32, Vec<u8>) {
    let m = render::matrix(TEXT, &RenderOptions::default()).unwrap();
    let side = (m.width() + 8) * px;
    let mut rgba = Vec::with_capacity(side * side * 4);
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / px).wrapping_sub(4), (y / px).wrapping_sub(4));
            let is_dark = mx < m.width() && my < m.width() && m.is_dark(mx, my);
            rgba.extend_from_slice(if is_dark { &dark } else { &light });
        }
    }
    (side as u32, side as u32, rgba)
}

#[test]
fn reads_coloured_pixels() {
    let (w, h, rgba) = draw(3, [10, 20, 90, 255], [250, 230, 120, 255]);
    let texts = scan_rgba(w, h, &rgba, &ScanOptions::default()).unwrap();
    assert_eq!(texts, vec![TEXT.to_owned()]);
}

#[test]
fn transparent_background_counts_as_white() {
    // Light modules fully transparent black: read as white, not as black.
    let (w, h, rgba) = draw(3, [0, 0, 0, 255], [0, 0, 0, 0]);
    let texts = scan_rgba(w, h, &rgba, &ScanOptions::default()).unwrap();
    assert_eq!(texts, vec![TEXT.to_owned()]);
}

#[test]
fn no_code_is_an_empty_result() {
    let rgba = vec![255u8; 64 * 64 * 4];
    assert!(scan_rgba(64, 64, &rgba, &ScanOptions::default())
        .unwrap()
        .is_empty());
}

#[test]
fn wrong_length_and_limits_are_named_errors() {
    let e = scan_rgba(10, 10, &[0u8; 399], &ScanOptions::default()).unwrap_err();
    assert!(matches!(e, ScanError::Decode(_)));
    assert_eq!(e.name(), "ScanDecode");
    assert_eq!(
        scan_rgba(10, 10, &[], &ScanOptions::default())
            .unwrap_err()
            .name(),
        "ScanEmpty"
    );
    let small = ScanOptions {
        max_side: 8,
        ..ScanOptions::default()
    };
    let e = scan_rgba(10, 10, &[0u8; 400], &small).unwrap_err();
    assert!(matches!(e, ScanError::TooLarge { .. }));
    assert_eq!(e.name(), "ScanImageTooLarge");
    let few = ScanOptions {
        max_pixels: 99,
        ..ScanOptions::default()
    };
    assert_eq!(
        scan_rgba(10, 10, &[0u8; 400], &few).unwrap_err().name(),
        "ScanImageTooLarge"
    );
}
