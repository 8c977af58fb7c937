//! Reading QR codes from images (feature `scan`).
//!
//! [`scan`] takes encoded image bytes (PNG or JPEG) and returns the text of
//! every QR code it finds, in the order found, each text once. It runs a fast
//! pass first and, only when that finds nothing, more tolerant passes
//! ([`ScanOptions::fallbacks`]): a globally (Otsu) binarised copy (low
//! contrast), a downscaled copy (large photos, noise), an upscaled copy (codes
//! at under 2 pixels per module) and a binarised downscaled copy. Every pass
//! reads dark-on-light codes and, when it finds none, inverted ones.
//!
//! Decoding uses the detector and decoder of the `rxing` crate (a port of
//! ZXing and zxing-cpp, QR only; chosen over `rqrr` by measurement, see
//! docs/qr.md), driven from here; no type of it or of `image` appears in this API.
//!
//! # Limits on work
//!
//! An image is untrusted input read before any signature is checked, so the
//! work of a scan is bounded by fixed counts, not by a clock:
//!
//! - the image is refused before its pixels are decoded when a side exceeds
//!   [`DEFAULT_MAX_SIDE`] or it has more than [`DEFAULT_MAX_PIXELS`] pixels;
//! - an image with more than [`DECODE_PIXELS`] pixels is first reduced by an
//!   integer factor (box filter); the tolerant pass on a binarised
//!   full-resolution copy runs only up to [`FULL_RESOLUTION_FALLBACK_PIXELS`];
//!   no tolerant pass runs after a fast pass that a limit cut short;
//! - at most 5 passes, each linear in the pixels: binarising, and searching
//!   every third row for finder patterns, where a candidate is compared only
//!   with the patterns that reach its row;
//! - a pass stops searching after [`MAX_FINDER_PATTERNS`] finder patterns and
//!   combines only the [`MAX_FINDER_PATTERNS_KEPT`] largest into candidate
//!   triples (each with at most 15 nearest partners, as zxing-cpp does);
//! - at most [`MAX_SAMPLED_SETS`] candidate triples are sampled and put
//!   through error correction per scan, over all passes, most plausible
//!   first; when the budget is spent, no further pass runs.
//!
//! [`scan_report`] returns these counts with the texts; when a limit cut the
//! work short, [`ScanReport::truncated`] says so. An image built to exhaust
//! the decoder (say, tiled with thousands of finder patterns or decoy codes)
//! then yields no code, quickly, rather than a long search; ordinary photos
//! and screenshots hold a few finder patterns and stay far below the limits.
//!
//! ```
//! # #[cfg(feature = "render")] {
//! let png = travelcert::render::png("TC1:HELLO", &Default::default()).unwrap();
//! assert_eq!(travelcert::scan::scan(&png).unwrap(), vec!["TC1:HELLO".to_owned()]);
//! # }
//! ```

use std::io::Cursor;

mod binarize;
mod reader;

/// The largest image side [`scan`] accepts by default, in pixels.
pub const DEFAULT_MAX_SIDE: u32 = 12_000;

/// The most pixels [`scan`] decodes by default: 50 megapixels, above any
/// phone photo. A few kilobytes of PNG or JPEG can declare far more; the
/// dimensions are checked before any pixel is allocated.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

/// The finder-pattern search of one decoder pass stops after this many
/// patterns. A real image holds three per code; only an image built to make
/// the decoder work (a sheet tiled with finder patterns) comes near it.
pub const MAX_FINDER_PATTERNS: usize = 1024;

/// Of the finder patterns found in one decoder pass, at most this many (the
/// largest) are combined into candidate triples.
pub const MAX_FINDER_PATTERNS_KEPT: usize = 256;

/// At most this many candidate triples of finder patterns are sampled and
/// put through error correction in one [`scan`], over all passes together.
pub const MAX_SAMPLED_SETS: usize = 128;

/// Images with more pixels than this (16 megapixels) are reduced by an
/// integer factor before decoding, so that no pass handles more.
pub const DECODE_PIXELS: usize = 16_000_000;

/// The tolerant pass on a binarised full-resolution copy runs only on images
/// up to this many pixels (4 megapixels); larger ones get the passes on their
/// halved copy.
pub const FULL_RESOLUTION_FALLBACK_PIXELS: usize = 4_000_000;

/// What one scan found and the work it did: every count is bounded by the
/// limits in the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanReport {
    /// The QR texts found, in the order found, each once.
    pub texts: Vec<String>,
    /// Decoder passes run (the fast pass and any tolerant passes; each
    /// covers both polarities).
    pub passes: usize,
    /// Finder patterns found, summed over passes and polarities.
    pub finder_patterns: usize,
    /// Candidate triples sampled and decoded (at most [`MAX_SAMPLED_SETS`]).
    pub sets_sampled: usize,
    /// A limit cut the work short: the image may hold a code that was not
    /// read.
    pub truncated: bool,
    /// Passes in which the decoder failed internally (counted as finding
    /// nothing).
    pub decoder_failures: usize,
    sets_budget: usize,
}

impl ScanReport {
    fn sets_left(&self) -> usize {
        self.sets_budget.saturating_sub(self.sets_sampled)
    }
}

/// Why an image could not be scanned. Finding no code is not an error: it is
/// an empty result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The input is empty.
    #[error("the image is empty")]
    Empty,
    /// The bytes are not an image format this build reads (PNG, JPEG).
    #[error("not a PNG or JPEG image")]
    UnsupportedFormat,
    /// The image is larger than the limit.
    #[error("the image is {width}×{height} pixels; the limit is {limit} pixels per side")]
    TooLarge {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// The limit.
        limit: u32,
    },
    /// The image has more pixels than the limit.
    #[error("the image is {width}×{height} pixels; the limit is {limit} pixels in all")]
    TooManyPixels {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// The limit.
        limit: u64,
    },
    /// The image is corrupt or truncated.
    #[error("the image could not be decoded: {0}")]
    Decode(String),
}

impl ScanError {
    /// The stable name (FORMAT.md): `ScanEmpty`, `ScanUnsupportedFormat`,
    /// `ScanImageTooLarge` or `ScanDecode`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Empty => "ScanEmpty",
            Self::UnsupportedFormat => "ScanUnsupportedFormat",
            Self::TooLarge { .. } | Self::TooManyPixels { .. } => "ScanImageTooLarge",
            Self::Decode(_) => "ScanDecode",
        }
    }
}

/// Scan options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Run the tolerant passes when the fast pass finds nothing (default true).
    pub fallbacks: bool,
    /// Refuse images with a side longer than this (default [`DEFAULT_MAX_SIDE`]).
    pub max_side: u32,
    /// Refuse images with more pixels than this (default [`DEFAULT_MAX_PIXELS`]).
    pub max_pixels: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            fallbacks: true,
            max_side: DEFAULT_MAX_SIDE,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// A greyscale image, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreyImage {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl GreyImage {
    /// Wraps `width × height` luma bytes; `None` when the length differs.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<Self> {
        (pixels.len() as u64 == u64::from(width) * u64::from(height)).then_some(Self {
            width,
            height,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    fn px(&self, x: usize, y: usize) -> u8 {
        self.pixels
            .get(y * self.width as usize + x)
            .copied()
            .unwrap_or(255)
    }
}

/// Decodes PNG or JPEG bytes to greyscale, refusing images with a side over
/// `max_side` or more than `max_pixels` pixels before allocating their pixels.
pub fn decode_image(bytes: &[u8], max_side: u32, max_pixels: u64) -> Result<GreyImage, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Empty);
    }
    let format = image::guess_format(bytes).map_err(|_| ScanError::UnsupportedFormat)?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(ScanError::UnsupportedFormat);
    }
    // The header alone gives the dimensions; a corrupt header is left to the
    // full decode below, which reports it.
    if let Ok((width, height)) =
        image::ImageReader::with_format(Cursor::new(bytes), format).into_dimensions()
    {
        if u64::from(width) * u64::from(height) > max_pixels {
            return Err(ScanError::TooManyPixels {
                width,
                height,
                limit: max_pixels,
            });
        }
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    let pixels = (u64::from(max_side) * u64::from(max_side)).min(max_pixels);
    limits.max_alloc = Some(pixels * 4 + (64 << 20));
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            let (width, height) = image::ImageReader::with_format(Cursor::new(bytes), format)
                .into_dimensions()
                .unwrap_or((0, 0));
            ScanError::TooLarge {
                width,
                height,
                limit: max_side,
            }
        }
        image::ImageError::Unsupported(_) => ScanError::UnsupportedFormat,
        other => ScanError::Decode(other.to_string()),
    })?;
    let luma = img.into_luma8();
    let (width, height) = luma.dimensions();
    Ok(GreyImage {
        width,
        height,
        pixels: luma.into_raw(),
    })
}

/// Every QR text in the image, with the default options.
pub fn scan(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    scan_with(bytes, &ScanOptions::default())
}

/// Every QR text in the image.
pub fn scan_with(bytes: &[u8], options: &ScanOptions) -> Result<Vec<String>, ScanError> {
    let img = decode_image(bytes, options.max_side, options.max_pixels)?;
    Ok(scan_grey(&img, options))
}

/// Every QR text in raw RGBA pixels (`width × height`, 4 bytes per pixel, row
/// by row, as a browser canvas's `ImageData` holds them), for camera frames
/// and images a platform already decoded. Transparent pixels count as white.
/// The size limits of `options` apply; a buffer of the wrong length is
/// `Decode`.
pub fn scan_rgba(
    width: u32,
    height: u32,
    rgba: &[u8],
    options: &ScanOptions,
) -> Result<Vec<String>, ScanError> {
    if rgba.is_empty() {
        return Err(ScanError::Empty);
    }
    if width > options.max_side || height > options.max_side {
        return Err(ScanError::TooLarge {
            width,
            height,
            limit: options.max_side,
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > options.max_pixels {
        return Err(ScanError::TooManyPixels {
            width,
            height,
            limit: options.max_pixels,
        });
    }
    if rgba.len() as u64 != pixels * 4 {
        return Err(ScanError::Decode(format!(
            "{} bytes of RGBA for {width}×{height} pixels (expected {})",
            rgba.len(),
            pixels * 4
        )));
    }
    let luma = rgba
        .chunks_exact(4)
        .map(|px| match *px {
            [r, g, b, a] => {
                // Rec. 709 luma (as `image` computes it), composited over white.
                let y = (2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b)) / 10_000;
                let a = u32::from(a);
                u8::try_from((y * a + 255 * (255 - a)) / 255).unwrap_or(255)
            }
            _ => 255,
        })
        .collect();
    let img = GreyImage {
        width,
        height,
        pixels: luma,
    };
    Ok(scan_grey(&img, options))
}

/// Every QR text in an already decoded greyscale image.
pub fn scan_grey(img: &GreyImage, options: &ScanOptions) -> Vec<String> {
    scan_grey_report(img, options).texts
}

/// Every QR text in the image, with an account of the work done.
pub fn scan_report(bytes: &[u8], options: &ScanOptions) -> Result<ScanReport, ScanError> {
    let img = decode_image(bytes, options.max_side, options.max_pixels)?;
    Ok(scan_grey_report(&img, options))
}

/// Every QR text in an already decoded greyscale image, with an account of
/// the work done.
pub fn scan_grey_report(img: &GreyImage, options: &ScanOptions) -> ScanReport {
    let mut report = ScanReport {
        sets_budget: MAX_SAMPLED_SETS,
        ..ScanReport::default()
    };
    let mut found = Vec::new();
    // Above the decode resolution, the image is first reduced by an integer
    // factor (box filter), so no pass handles more than that many pixels.
    let reduced = reduce_to(img, DECODE_PIXELS);
    let img = reduced.as_ref().unwrap_or(img);
    reader::read(img, &mut report, &mut found);
    // A fast pass cut short by a limit saw an image built of finder patterns:
    // the tolerant passes (for faint or blurred codes) would not help.
    if found.is_empty() && options.fallbacks && !report.truncated {
        let passes: [fn(&GreyImage) -> Option<GreyImage>; 4] = [
            |i| (i.pixels.len() <= FULL_RESOLUTION_FALLBACK_PIXELS).then(|| binarise(i)),
            |i| downscale(i),
            |i| upscale(i),
            |i| downscale(i).map(|d| binarise(&d)),
        ];
        for pass in passes {
            if report.sets_left() == 0 {
                break;
            }
            if let Some(variant) = pass(img) {
                reader::read(&variant, &mut report, &mut found);
                if !found.is_empty() {
                    break;
                }
            }
        }
    }
    report.texts = found;
    report
}

#[cfg(test)]
fn invert(img: &GreyImage) -> GreyImage {
    GreyImage {
        width: img.width,
        height: img.height,
        pixels: img.pixels.iter().map(|p| 255 - p).collect(),
    }
}

/// Reduces an image with more than `max_pixels` pixels by the smallest
/// integer factor that brings it under (box filter); `None` when it is
/// already small enough.
fn reduce_to(img: &GreyImage, max_pixels: usize) -> Option<GreyImage> {
    let pixels = img.pixels.len();
    if pixels <= max_pixels {
        return None;
    }
    let mut k = 2usize;
    while pixels / (k * k) > max_pixels {
        k += 1;
    }
    let (w, h) = (img.width as usize / k, img.height as usize / k);
    let area = u32::try_from(k * k).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0u32;
            for dy in 0..k {
                for dx in 0..k {
                    sum += u32::from(img.px(x * k + dx, y * k + dy));
                }
            }
            out.push(u8::try_from(sum / area).unwrap_or(255));
        }
    }
    Some(GreyImage {
        width: u32::try_from(w).unwrap_or(0),
        height: u32::try_from(h).unwrap_or(0),
        pixels: out,
    })
}

/// Halves an image whose shorter side exceeds 800 pixels (box filter): removes
/// sensor noise and JPEG ringing and makes huge modules smaller.
fn downscale(img: &GreyImage) -> Option<GreyImage> {
    if img.width.min(img.height) <= 800 {
        return None;
    }
    let (w, h) = (img.width / 2, img.height / 2);
    let mut pixels = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        for x in 0..w as usize {
            let sum = u32::from(img.px(2 * x, 2 * y))
                + u32::from(img.px(2 * x + 1, 2 * y))
                + u32::from(img.px(2 * x, 2 * y + 1))
                + u32::from(img.px(2 * x + 1, 2 * y + 1));
            pixels.push(u8::try_from(sum / 4).unwrap_or(255));
        }
    }
    Some(GreyImage {
        width: w,
        height: h,
        pixels,
    })
}

/// Doubles a small image (bilinear), for codes drawn at under 2 pixels per
/// module. Only for images up to 1200 pixels per side.
fn upscale(img: &GreyImage) -> Option<GreyImage> {
    if img.width.max(img.height) > 1200 || img.width < 2 || img.height < 2 {
        return None;
    }
    let (w, h) = (img.width * 2, img.height * 2);
    let mut pixels = Vec::with_capacity(w as usize * h as usize);
    let max_x = img.width as usize - 1;
    let max_y = img.height as usize - 1;
    for y in 0..h as usize {
        let sy = ((y as f32 + 0.5) / 2.0 - 0.5).max(0.0);
        let y0 = (sy as usize).min(max_y);
        let y1 = (y0 + 1).min(max_y);
        let fy = sy - y0 as f32;
        for x in 0..w as usize {
            let sx = ((x as f32 + 0.5) / 2.0 - 0.5).max(0.0);
            let x0 = (sx as usize).min(max_x);
            let x1 = (x0 + 1).min(max_x);
            let fx = sx - x0 as f32;
            let top = f32::from(img.px(x0, y0)) * (1.0 - fx) + f32::from(img.px(x1, y0)) * fx;
            let bottom = f32::from(img.px(x0, y1)) * (1.0 - fx) + f32::from(img.px(x1, y1)) * fx;
            pixels.push((top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8);
        }
    }
    Some(GreyImage {
        width: w,
        height: h,
        pixels,
    })
}

/// Binarises with one global Otsu threshold: robust to low contrast and to the
/// soft edges of blur, where rqrr's local threshold struggles.
fn binarise(img: &GreyImage) -> GreyImage {
    let mut hist = [0u64; 256];
    for p in &img.pixels {
        if let Some(h) = hist.get_mut(usize::from(*p)) {
            *h += 1;
        }
    }
    let total = img.pixels.len() as f64;
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, n)| i as f64 * *n as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut threshold) = (0.0, 0.0, -1.0, 128u8);
    for (t, n) in hist.iter().enumerate() {
        w_b += *n as f64;
        if w_b == 0.0 {
            continue;
        }
        let w_f = total - w_b;
        if w_f == 0.0 {
            break;
        }
        sum_b += t as f64 * *n as f64;
        let m_b = sum_b / w_b;
        let m_f = (sum_all - sum_b) / w_f;
        let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
        if between > best {
            best = between;
            threshold = u8::try_from(t).unwrap_or(128);
        }
    }
    GreyImage {
        width: img.width,
        height: img.height,
        pixels: img
            .pixels
            .iter()
            .map(|p| if *p <= threshold { 0 } else { 255 })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_specific_errors() {
        assert_eq!(scan(b""), Err(ScanError::Empty));
        assert_eq!(scan(b"hello world"), Err(ScanError::UnsupportedFormat));
        assert_eq!(
            scan(b"GIF89a\x01\x00\x01\x00"),
            Err(ScanError::UnsupportedFormat)
        );
        let mut png = Vec::new();
        image::GrayImage::new(4, 4)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(matches!(
            scan(&png[..png.len() - 20]),
            Err(ScanError::Decode(_))
        ));
        assert_eq!(scan(&png), Ok(vec![]));
        let few_pixels = ScanOptions {
            max_pixels: 15,
            ..ScanOptions::default()
        };
        assert_eq!(
            scan_with(&png, &few_pixels),
            Err(ScanError::TooManyPixels {
                width: 4,
                height: 4,
                limit: 15
            })
        );
        let small = ScanOptions {
            max_side: 3,
            ..ScanOptions::default()
        };
        assert_eq!(
            scan_with(&png, &small),
            Err(ScanError::TooLarge {
                width: 4,
                height: 4,
                limit: 3
            })
        );
    }

    #[test]
    fn otsu_splits_two_levels() {
        let img = GreyImage::new(4, 1, vec![100, 110, 140, 150]).unwrap();
        assert_eq!(binarise(&img).pixels, vec![0, 0, 255, 255]);
        assert_eq!(invert(&img).pixels, vec![155, 145, 115, 105]);
        assert!(GreyImage::new(4, 2, vec![0; 7]).is_none());
    }
}
