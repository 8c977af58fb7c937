//! The degraded image set for `tests/scan_robustness.rs` (and the decoder
//! comparison in `tools/decoder-compare`): certificates issued here, rendered
//! with `travelcert::render`, then degraded with `image` and a seeded PRNG.
//! No outside tools, fully deterministic.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::needless_range_loop
)]

use image::{GrayImage, Luma};
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::render::{self, RenderOptions, Scale};

/// SplitMix64: small, seeded, good enough for test images.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// One degraded image and the texts it holds.
pub struct Case {
    pub class: &'static str,
    /// Encoded image (PNG, or JPEG for the JPEG class).
    pub bytes: Vec<u8>,
    pub expected: Vec<String>,
    pub width: u32,
    pub height: u32,
}

/// The classes, with the severity each one is generated at.
pub const CLASSES: &[(&str, &str)] = &[
    (
        "screenshot",
        "rendered at 4 px/module, resized (bilinear) to 1.5–3 px/module",
    ),
    ("jpeg", "3 px/module, JPEG quality 25–40"),
    (
        "rotation",
        "4 px/module, rotated by a uniform angle in 0–360°",
    ),
    (
        "perspective",
        "4 px/module, each corner moved up to 8% of the side",
    ),
    ("blur", "4 px/module, Gaussian blur σ = 1.6 px (0.4 module)"),
    (
        "noise",
        "4 px/module, Gaussian sensor noise σ = 32 grey levels",
    ),
    (
        "low-contrast",
        "4 px/module, dark 110 on light 150 (contrast 16%)",
    ),
    (
        "inverted",
        "4 px/module, light modules on a dark background",
    ),
    (
        "small-in-photo",
        "code area 20% of a 2000×1500 noisy gradient photo, tilted ±10°",
    ),
    (
        "two-codes",
        "two certificates at 4 px/module side by side; both must be read",
    ),
];

/// Certificates of varying content (ids, names, record counts) from `seed`.
pub fn certificates(n: usize, rng: &mut Rng) -> Vec<String> {
    let base: HealthRecord =
        serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
    let issuer = Issuer::new(
        Ed25519Signer::from_seed(&[0x42; 32]),
        CountryCode::new("CN").unwrap(),
    );
    (0..n)
        .map(|i| {
            let mut record = base.clone();
            record.holder.document_number = format!("E{:08}", rng.next_u64() % 100_000_000);
            let keep = (rng.next_u64() % 3) as usize;
            record.vaccinations.truncate(keep);
            if i % 2 == 1 {
                record.antibody_tests.clear();
            }
            let mut id = [0u8; 8];
            id.copy_from_slice(&rng.next_u64().to_le_bytes());
            let params = IssueParams::new(
                Timestamp::from_unix(1_615_377_600 + i as i64 * 3600).unwrap(),
                48 * 3600,
            )
            .with_id(CertificateId::new(&id).unwrap());
            issuer.issue(&record, &params).unwrap().text
        })
        .collect()
}

/// The clean code as a greyscale image at `ppm` pixels per module.
pub fn clean(text: &str, ppm: u32) -> GrayImage {
    let png = render::png(
        text,
        &RenderOptions {
            scale: Scale::PixelsPerModule(ppm),
            ..RenderOptions::default()
        },
    )
    .unwrap();
    image::load_from_memory(&png).unwrap().to_luma8()
}

fn sample_bilinear(img: &GrayImage, x: f64, y: f64, bg: u8) -> u8 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x0 = x.floor() as i64;
    let y0 = y.floor() as i64;
    let fx = x - x0 as f64;
    let fy = y - y0 as f64;
    let px = |xx: i64, yy: i64| -> f64 {
        if xx < 0 || yy < 0 || xx >= w || yy >= h {
            f64::from(bg)
        } else {
            f64::from(img.get_pixel(xx as u32, yy as u32).0[0])
        }
    };
    let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
    let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

/// Output pixel (x, y) takes the source at `inverse(x, y)`.
fn warp(
    img: &GrayImage,
    w: u32,
    h: u32,
    bg: u8,
    inverse: impl Fn(f64, f64) -> (f64, f64),
) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = inverse(f64::from(x) + 0.5, f64::from(y) + 0.5);
        Luma([sample_bilinear(img, sx - 0.5, sy - 0.5, bg)])
    })
}

pub fn rotate(img: &GrayImage, degrees: f64, bg: u8) -> GrayImage {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    let (s, c) = degrees.to_radians().sin_cos();
    let ow = (w * c.abs() + h * s.abs()).ceil();
    let oh = (w * s.abs() + h * c.abs()).ceil();
    warp(img, ow as u32, oh as u32, bg, |x, y| {
        let (dx, dy) = (x - ow / 2.0, y - oh / 2.0);
        (c * dx + s * dy + w / 2.0, -s * dx + c * dy + h / 2.0)
    })
}

/// Solves the 8 homography coefficients mapping `from[i]` to `to[i]`.
fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> [f64; 8] {
    let mut a = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = from[i];
        let (u, v) = to[i];
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|p, q| a[*p][col].abs().total_cmp(&a[*q][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = a[row][col] / a[col][col];
                for k in col..9 {
                    a[row][k] -= f * a[col][k];
                }
            }
        }
    }
    let mut h = [0.0; 8];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h
}

/// Moves each corner by up to `amount` × side, keeping the canvas size plus margin.
pub fn perspective(img: &GrayImage, amount: f64, rng: &mut Rng) -> GrayImage {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    let m = amount * w;
    let src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let mut dst = src;
    for p in &mut dst {
        p.0 += rng.range(-m, m) + m;
        p.1 += rng.range(-m, m) + m;
    }
    // Inverse map: output → source.
    let hm = homography(dst, src);
    warp(
        img,
        (w + 2.0 * m) as u32,
        (h + 2.0 * m) as u32,
        255,
        |x, y| {
            let d = hm[6] * x + hm[7] * y + 1.0;
            (
                (hm[0] * x + hm[1] * y + hm[2]) / d,
                (hm[3] * x + hm[4] * y + hm[5]) / d,
            )
        },
    )
}

pub fn add_noise(img: &mut GrayImage, sigma: f64, rng: &mut Rng) {
    for p in img.pixels_mut() {
        p.0[0] = (f64::from(p.0[0]) + sigma * rng.normal())
            .round()
            .clamp(0.0, 255.0) as u8;
    }
}

pub fn png_bytes(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn jpeg_bytes(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

fn case(class: &'static str, img: &GrayImage, expected: Vec<String>) -> Case {
    Case {
        class,
        bytes: png_bytes(img),
        expected,
        width: img.width(),
        height: img.height(),
    }
}

/// `per_class` images of each class in [`CLASSES`], from `seed`.
pub fn degraded_set(per_class: usize, seed: u64) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    let certs = certificates(per_class * 2, &mut rng);
    let mut cases = Vec::new();
    for i in 0..per_class {
        let text = &certs[i];
        let one = vec![text.clone()];

        // Screenshot: 4 px/module scaled down to 1.5–3 px/module.
        let ppm = 1.5 + 1.5 * (i as f64 / (per_class.max(2) - 1) as f64);
        let src = clean(text, 4);
        let side = (f64::from(src.width()) * ppm / 4.0).round() as u32;
        let shot = image::imageops::resize(&src, side, side, image::imageops::FilterType::Triangle);
        cases.push(case("screenshot", &shot, one.clone()));

        // JPEG quality 25–40 at 3 px/module.
        let img = clean(text, 3);
        let q = 25 + (i as u8 % 4) * 5;
        let bytes = jpeg_bytes(&img, q);
        cases.push(Case {
            class: "jpeg",
            bytes,
            expected: one.clone(),
            width: img.width(),
            height: img.height(),
        });

        let src4 = clean(text, 4);
        let angle = rng.range(0.0, 360.0);
        cases.push(case("rotation", &rotate(&src4, angle, 255), one.clone()));
        cases.push(case(
            "perspective",
            &perspective(&src4, 0.08, &mut rng),
            one.clone(),
        ));
        cases.push(case(
            "blur",
            &image::imageops::blur(&src4, 1.6),
            one.clone(),
        ));

        let mut noisy = src4.clone();
        add_noise(&mut noisy, 32.0, &mut rng);
        cases.push(case("noise", &noisy, one.clone()));

        let low = GrayImage::from_fn(src4.width(), src4.height(), |x, y| {
            Luma([if src4.get_pixel(x, y).0[0] < 128 {
                110
            } else {
                150
            }])
        });
        cases.push(case("low-contrast", &low, one.clone()));

        let mut inv = src4.clone();
        image::imageops::invert(&mut inv);
        cases.push(case("inverted", &inv, one.clone()));

        cases.push(case(
            "small-in-photo",
            &in_photo(text, &mut rng),
            one.clone(),
        ));

        let other = &certs[per_class + i];
        let b = clean(other, 4);
        let mut two = GrayImage::from_pixel(
            src4.width() + b.width(),
            src4.height().max(b.height()),
            Luma([255]),
        );
        image::imageops::overlay(&mut two, &src4, 0, 0);
        image::imageops::overlay(&mut two, &b, i64::from(src4.width()), 0);
        cases.push(case("two-codes", &two, vec![text.clone(), other.clone()]));
    }
    cases
}

/// A 2000×1500 "photo": smooth gradient and noise, the code (on white paper)
/// tilted, the code itself filling 20% of the photo's area.
fn in_photo(text: &str, rng: &mut Rng) -> GrayImage {
    photo(text, 2000, 1500, rng)
}

/// A `pw × ph` "photo": smooth gradient and noise, the code (on white paper)
/// tilted by up to 10°, the code itself filling 20% of the photo's area.
pub fn photo(text: &str, pw: u32, ph: u32, rng: &mut Rng) -> GrayImage {
    let code = clean(text, 4);
    let target = (0.2 * f64::from(pw) * f64::from(ph)).sqrt();
    let side = target.round() as u32;
    let code = image::imageops::resize(&code, side, side, image::imageops::FilterType::Triangle);
    let code = rotate(&code, rng.range(-10.0, 10.0), 255);
    let (g0, g1) = (rng.range(60.0, 120.0), rng.range(140.0, 220.0));
    let mut photo = GrayImage::from_fn(pw, ph, |x, y| {
        let t = (f64::from(x) + f64::from(y)) / f64::from(pw + ph);
        Luma([(g0 + (g1 - g0) * t) as u8])
    });
    let x = rng.range(0.0, f64::from(pw - code.width())) as i64;
    let y = rng.range(0.0, f64::from(ph - code.height())) as i64;
    // The rotated code keeps a white surround, like a printout lying in the photo.
    image::imageops::overlay(&mut photo, &code, x, y);
    add_noise(&mut photo, 8.0, rng);
    photo
}
