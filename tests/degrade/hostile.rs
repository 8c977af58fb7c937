//! Hostile images for the scan work bound (`tests/scan_robustness.rs`,
//! `benches/qr.rs`): small files built to make a QR decoder do as much work
//! as possible. Only `image` is used, so the bench can include this file too.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::nonminimal_bool,
    clippy::manual_is_multiple_of
)]

use image::{GrayImage, Luma};

/// One hostile image.
pub struct Hostile {
    pub name: String,
    pub img: GrayImage,
}

impl Hostile {
    /// The image as PNG bytes (a few kilobytes: the patterns repeat).
    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.img
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }
}

fn is_finder_module(x: u32, y: u32) -> bool {
    // 7×7: dark ring, light ring, dark 3×3 centre.
    let ring = x.min(y).min(6 - x).min(6 - y);
    ring != 1
}

/// The whole image tiled with QR finder patterns (7 modules and a 1-module
/// light gap, so every pattern is a plausible corner of many codes), at
/// `ppm` pixels per module.
pub fn finder_tiles(side: u32, ppm: u32) -> Hostile {
    let img = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / ppm) % 8, (y / ppm) % 8);
        let dark = mx < 7 && my < 7 && is_finder_module(mx, my);
        Luma([if dark { 0 } else { 255 }])
    });
    Hostile {
        name: format!("finder-tiles-{side}-{ppm}px"),
        img,
    }
}

/// Finder patterns of many sizes (1 to 4 px/module) in rows, so every
/// size ratio test has partners.
pub fn finder_tiles_mixed(side: u32) -> Hostile {
    let mut img = GrayImage::from_pixel(side, side, Luma([255]));
    let mut y = 0;
    let mut band = 0u32;
    while y < side {
        let ppm = 1 + band % 4;
        let step = 8 * ppm;
        let mut x = (band * 3) % step;
        while x + 7 * ppm <= side && y + 7 * ppm <= side {
            for my in 0..7 * ppm {
                for mx in 0..7 * ppm {
                    if is_finder_module(mx / ppm, my / ppm) {
                        img.put_pixel(x + mx, y + my, Luma([0]));
                    }
                }
            }
            x += step;
        }
        y += step;
        band += 1;
    }
    Hostile {
        name: format!("finder-tiles-mixed-{side}"),
        img,
    }
}

/// Decoy codes: 21×21-module symbols with three finder patterns, timing
/// patterns and pseudo-random data, so every triple passes the geometry
/// tests and reaches sampling and error correction, where it fails.
pub fn decoy_codes(side: u32, ppm: u32, seed: u64) -> Hostile {
    let period = 25; // 21 modules and a 4-module gap (2 each side)
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let modules = side / ppm;
    let mut dark = vec![false; (modules * modules) as usize];
    for ty in 0..modules / period {
        for tx in 0..modules / period {
            let (ox, oy) = (tx * period + 2, ty * period + 2);
            for my in 0..21 {
                for mx in 0..21 {
                    let finder =
                        |fx: u32, fy: u32| mx >= fx && mx < fx + 7 && my >= fy && my < fy + 7;
                    let d = if finder(0, 0) {
                        is_finder_module(mx, my)
                    } else if finder(14, 0) {
                        is_finder_module(mx - 14, my)
                    } else if finder(0, 14) {
                        is_finder_module(mx, my - 14)
                    } else if (mx < 8 && my < 8) || (mx >= 13 && my < 8) || (mx < 8 && my >= 13) {
                        false // separators
                    } else if my == 6 || mx == 6 {
                        (mx + my) % 2 == 0 // timing patterns
                    } else {
                        next() & 1 == 1
                    };
                    dark[((oy + my) * modules + ox + mx) as usize] = d;
                }
            }
        }
    }
    let img = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / ppm, y / ppm);
        let d = mx < modules && my < modules && dark[(my * modules + mx) as usize];
        Luma([if d { 0 } else { 255 }])
    });
    Hostile {
        name: format!("decoy-codes-{side}-{ppm}px"),
        img,
    }
}

/// A checkerboard of `cell`-pixel squares.
pub fn checkerboard(side: u32, cell: u32) -> Hostile {
    let img = GrayImage::from_fn(side, side, |x, y| {
        Luma([if (x / cell + y / cell) % 2 == 0 {
            0
        } else {
            255
        }])
    });
    Hostile {
        name: format!("checkerboard-{side}-{cell}px"),
        img,
    }
}

/// Black-and-white noise in `cell`-pixel blocks (dark with probability ½).
pub fn noise(side: u32, cell: u32, seed: u64) -> Hostile {
    let mut state = seed;
    let cells = side.div_ceil(cell);
    let bits: Vec<bool> = (0..cells * cells)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) & 1 == 1
        })
        .collect();
    let img = GrayImage::from_fn(side, side, |x, y| {
        Luma([if bits[((y / cell) * cells + x / cell) as usize] {
            0
        } else {
            255
        }])
    });
    Hostile {
        name: format!("noise-{side}-{cell}px"),
        img,
    }
}

/// `code` (a clean rendered QR code) repeated over the whole image.
pub fn many_codes(side: u32, code: &GrayImage) -> Hostile {
    let (w, h) = code.dimensions();
    let img = GrayImage::from_fn(side, side, |x, y| *code.get_pixel(x % w, y % h));
    Hostile {
        name: format!("many-codes-{side}-{}px", w),
        img,
    }
}

/// The set asserted in `tests/scan_robustness.rs`; `code` is a small clean
/// QR rendering for the many-codes case.
pub fn hostile_set(code: &GrayImage) -> Vec<Hostile> {
    vec![
        finder_tiles(1200, 1),
        finder_tiles(1200, 2),
        finder_tiles(1200, 3),
        finder_tiles(2400, 1),
        finder_tiles(2400, 2),
        finder_tiles_mixed(1200),
        decoy_codes(1200, 2, 1),
        decoy_codes(2400, 3, 2),
        checkerboard(1200, 1),
        checkerboard(1200, 3),
        noise(1200, 1, 3),
        noise(1200, 2, 4),
        many_codes(1200, code),
        // Near the 50-megapixel cap: reduced before decoding.
        checkerboard(7000, 2),
        finder_tiles(7000, 2),
    ]
}
