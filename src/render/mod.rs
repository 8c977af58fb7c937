//! Rendering certificate text as a QR code (feature `render`).
//!
//! The whole text (`TC1:` + Base45) goes into **one alphanumeric-mode
//! segment**: the Base45 alphabet is exactly the QR alphanumeric alphabet, so
//! every character costs 5.5 bits. The smallest QR version that holds the text
//! at the chosen error-correction level is used, up to
//! [`RenderOptions::max_version`] (default 25); a text that does not fit is
//! refused with [`RenderError::TooLarge`], naming the size and the limit.
//!
//! Outputs: the module matrix ([`QrMatrix`], for apps that draw it
//! themselves), PNG bytes ([`png`]), an SVG string ([`svg`]), terminal text
//! with Unicode half blocks ([`terminal`]) and a printable certificate card
//! ([`card_svg`]). No type of the underlying `qrcode` or `image` crates
//! appears in this API.
//!
//! ```
//! use travelcert::render::{self, RenderOptions};
//! let text = "TC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B";
//! let matrix = render::matrix(text, &RenderOptions::default()).unwrap();
//! assert_eq!(matrix.width(), 17 + 4 * matrix.version() as usize);
//! let png = render::png(text, &RenderOptions::default()).unwrap();
//! assert!(png.starts_with(b"\x89PNG"));
//! ```

mod card;

pub use card::{card_svg, CardOptions};

#[cfg(feature = "issue")]
use crate::issue::{IssueParams, Issued, Issuer, Signer};
#[cfg(feature = "issue")]
use crate::model::HealthRecord;

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EccLevel {
    /// About 7% of codewords can be restored.
    L,
    /// About 15%.
    M,
    /// About 25%: the default, as the EU certificate guidance recommends for
    /// codes that get printed, creased and photographed.
    Q,
    /// About 30%.
    H,
}

impl EccLevel {
    fn to_qr(self) -> qrcode::EcLevel {
        match self {
            Self::L => qrcode::EcLevel::L,
            Self::M => qrcode::EcLevel::M,
            Self::Q => qrcode::EcLevel::Q,
            Self::H => qrcode::EcLevel::H,
        }
    }

    /// `L`, `M`, `Q` or `H`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::L => "L",
            Self::M => "M",
            Self::Q => "Q",
            Self::H => "H",
        }
    }
}

impl std::fmt::Display for EccLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How large each module is drawn in raster output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Exactly this many pixels per module (1 or more).
    PixelsPerModule(u32),
    /// The largest whole number of pixels per module whose image (quiet zone
    /// included) is at most this wide; at least 1 pixel per module.
    TargetWidth(u32),
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Black.
    pub const BLACK: Self = Self(0, 0, 0);
    /// White.
    pub const WHITE: Self = Self(255, 255, 255);

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The largest raster image (width or height, pixels) [`png`] will produce.
pub const MAX_IMAGE_SIDE: u32 = 16_384;

/// Rendering options. `RenderOptions::default()` is ECC Q, a 4-module quiet
/// zone, 8 pixels per module, black on white, at most version 25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Error-correction level (default Q).
    pub ecc: EccLevel,
    /// Light modules around the code (default 4, the standard's minimum).
    pub quiet_zone: u32,
    /// Raster size (default 8 pixels per module).
    pub scale: Scale,
    /// Dark module colour (default black).
    pub dark: Rgb,
    /// Light module colour (default white).
    pub light: Rgb,
    /// The largest QR version allowed, 1..=40 (default 25: beyond it phone
    /// cameras struggle with a printed or on-screen code).
    pub max_version: u8,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            ecc: EccLevel::Q,
            quiet_zone: 4,
            scale: Scale::PixelsPerModule(8),
            dark: Rgb::BLACK,
            light: Rgb::WHITE,
            max_version: 25,
        }
    }
}

/// Why a text could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The text is empty.
    #[error("the text to render is empty")]
    Empty,
    /// A character outside the QR alphanumeric set (`0-9 A-Z space $%*+-./:`);
    /// certificate text never has one.
    #[error("character {character:?} at position {position} is not in the QR alphanumeric set")]
    NotAlphanumeric {
        /// Byte offset in the text.
        position: usize,
        /// The character.
        character: char,
    },
    /// The text does not fit the largest allowed QR version.
    #[error(
        "the text of {characters} characters does not fit a QR code of version {max_version} or \
         below at ECC {ecc} (capacity {capacity} characters){}",
        needed_version.map_or(String::new(), |v| format!("; it would need version {v}"))
    )]
    TooLarge {
        /// The text's length.
        characters: usize,
        /// The version limit applied.
        max_version: u8,
        /// The error-correction level.
        ecc: EccLevel,
        /// How many alphanumeric characters that version holds at that level.
        capacity: usize,
        /// The version the text would need, if any version up to 40 holds it.
        needed_version: Option<u8>,
    },
    /// An option is out of range.
    #[error("invalid render option: {0}")]
    InvalidOption(String),
    /// The raster image would exceed [`MAX_IMAGE_SIDE`] pixels.
    #[error("the image would be {side} pixels wide; the limit is {limit}")]
    ImageTooLarge {
        /// The width it would have.
        side: u64,
        /// [`MAX_IMAGE_SIDE`].
        limit: u32,
    },
    /// The image encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
    /// Issuing failed (from [`issue_rendered`]).
    #[cfg(feature = "issue")]
    #[error(transparent)]
    Issue(#[from] crate::IssueError),
}

/// A QR code as a square of modules, without quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    version: u8,
    ecc: EccLevel,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Modules per side (17 + 4 × version).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The QR version, 1..=40.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The error-correction level.
    pub fn ecc(&self) -> EccLevel {
        self.ecc
    }

    /// Whether the module at column `x`, row `y` is dark; `false` outside the code.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        if x >= self.width || y >= self.width {
            return false;
        }
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// All modules, row by row, `true` for dark.
    pub fn modules(&self) -> &[bool] {
        &self.dark
    }

    /// Dark test that also answers for the quiet zone (signed coordinates).
    fn dark_at(&self, x: i64, y: i64) -> bool {
        match (usize::try_from(x), usize::try_from(y)) {
            (Ok(x), Ok(y)) => self.is_dark(x, y),
            _ => false,
        }
    }
}

/// Alphanumeric characters a version holds at a level (ISO/IEC 18004 table 7),
/// computed from the data capacity the `qrcode` crate knows.
pub fn capacity(version: u8, ecc: EccLevel) -> Option<usize> {
    if !(1..=40).contains(&version) {
        return None;
    }
    let bits = qrcode::bits::Bits::new(qrcode::Version::Normal(i16::from(version)));
    let max_bits = bits.max_len(ecc.to_qr()).ok()?;
    let count_bits = match version {
        1..=9 => 9,
        10..=26 => 11,
        _ => 13,
    };
    let data_bits = max_bits.checked_sub(4 + count_bits)?;
    // 11 bits per pair, 6 for a final single character.
    let pairs = data_bits / 11;
    let single = usize::from(data_bits % 11 >= 6);
    Some(pairs * 2 + single)
}

fn check_text(text: &str) -> Result<(), RenderError> {
    if text.is_empty() {
        return Err(RenderError::Empty);
    }
    if let Some((position, character)) = text
        .char_indices()
        .find(|(_, c)| !matches!(c, '0'..='9' | 'A'..='Z' | ' ' | '$' | '%' | '*' | '+' | '-' | '.' | '/' | ':'))
    {
        return Err(RenderError::NotAlphanumeric {
            position,
            character,
        });
    }
    Ok(())
}

fn check_max_version(max_version: u8) -> Result<(), RenderError> {
    if (1..=40).contains(&max_version) {
        Ok(())
    } else {
        Err(RenderError::InvalidOption(format!(
            "max_version must be 1..=40, not {max_version}"
        )))
    }
}

/// The smallest version (≤ `max_version`) that holds `text` in one
/// alphanumeric segment at `ecc`, without building the code.
pub fn version_for(text: &str, ecc: EccLevel, max_version: u8) -> Result<u8, RenderError> {
    check_text(text)?;
    check_max_version(max_version)?;
    let needed = (1..=40u8).find(|v| capacity(*v, ecc).is_some_and(|c| c >= text.len()));
    match needed {
        Some(v) if v <= max_version => Ok(v),
        _ => Err(RenderError::TooLarge {
            characters: text.len(),
            max_version,
            ecc,
            capacity: capacity(max_version, ecc).unwrap_or(0),
            needed_version: needed,
        }),
    }
}

/// Encodes `text` as a QR code: one alphanumeric segment, the smallest version.
pub fn matrix(text: &str, options: &RenderOptions) -> Result<QrMatrix, RenderError> {
    let version = version_for(text, options.ecc, options.max_version)?;
    let ec = options.ecc.to_qr();
    let internal =
        |e: qrcode::types::QrError| RenderError::InvalidOption(format!("QR encoder: {e}"));
    let mut bits = qrcode::bits::Bits::new(qrcode::Version::Normal(i16::from(version)));
    bits.push_alphanumeric_data(text.as_bytes())
        .map_err(internal)?;
    bits.push_terminator(ec).map_err(internal)?;
    let code = qrcode::QrCode::with_bits(bits, ec).map_err(internal)?;
    Ok(QrMatrix {
        width: code.width(),
        version,
        ecc: options.ecc,
        dark: code
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    })
}

fn pixels_per_module(total_modules: u64, scale: Scale) -> Result<u32, RenderError> {
    let ppm = match scale {
        Scale::PixelsPerModule(0) => {
            return Err(RenderError::InvalidOption(
                "pixels per module must be at least 1".to_owned(),
            ))
        }
        Scale::PixelsPerModule(p) => p,
        Scale::TargetWidth(w) => u32::try_from((u64::from(w) / total_modules).max(1)).unwrap_or(1),
    };
    let side = total_modules * u64::from(ppm);
    if side > u64::from(MAX_IMAGE_SIDE) {
        return Err(RenderError::ImageTooLarge {
            side,
            limit: MAX_IMAGE_SIDE,
        });
    }
    Ok(ppm)
}

fn check_quiet_zone(quiet_zone: u32) -> Result<i64, RenderError> {
    if quiet_zone > 64 {
        return Err(RenderError::InvalidOption(format!(
            "quiet zone of {quiet_zone} modules; at most 64"
        )));
    }
    Ok(i64::from(quiet_zone))
}

/// Renders `text` as an RGB raster: `(width, pixels)`, square, row by row.
fn raster(m: &QrMatrix, options: &RenderOptions) -> Result<(u32, Vec<u8>), RenderError> {
    let qz = check_quiet_zone(options.quiet_zone)?;
    let total = m.width as u64 + 2 * qz as u64;
    let ppm = pixels_per_module(total, options.scale)?;
    let side = u32::try_from(total * u64::from(ppm)).map_err(|_| RenderError::ImageTooLarge {
        side: total * u64::from(ppm),
        limit: MAX_IMAGE_SIDE,
    })?;
    let mut row = Vec::with_capacity(side as usize * 3);
    let mut pixels = Vec::with_capacity(side as usize * side as usize * 3);
    for my in 0..total as i64 {
        row.clear();
        for mx in 0..total as i64 {
            let Rgb(r, g, b) = if m.dark_at(mx - qz, my - qz) {
                options.dark
            } else {
                options.light
            };
            for _ in 0..ppm {
                row.extend_from_slice(&[r, g, b]);
            }
        }
        for _ in 0..ppm {
            pixels.extend_from_slice(&row);
        }
    }
    Ok((side, pixels))
}

/// Encodes an RGB raster as PNG (greyscale when both colours are grey).
fn encode_png(side: u32, rgb: &[u8], grey: bool) -> Result<Vec<u8>, RenderError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    );
    let result = if grey {
        let luma: Vec<u8> = rgb
            .chunks_exact(3)
            .filter_map(|p| p.first().copied())
            .collect();
        encoder.write_image(&luma, side, side, image::ExtendedColorType::L8)
    } else {
        encoder.write_image(rgb, side, side, image::ExtendedColorType::Rgb8)
    };
    result.map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out)
}

/// Renders an already encoded matrix as PNG bytes.
pub fn matrix_png(m: &QrMatrix, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let (side, rgb) = raster(m, options)?;
    let is_grey = |c: Rgb| c.0 == c.1 && c.1 == c.2;
    encode_png(side, &rgb, is_grey(options.dark) && is_grey(options.light))
}

/// Renders `text` as a PNG image.
pub fn png(text: &str, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    matrix_png(&matrix(text, options)?, options)
}

/// The SVG path data of the dark modules, one `h`-run per horizontal stretch,
/// in module units with the quiet zone offset `qz`.
fn svg_path(m: &QrMatrix, qz: i64) -> String {
    let mut d = String::new();
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if m.is_dark(x, y) {
                let start = x;
                while x < m.width && m.is_dark(x, y) {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start as i64 + qz,
                    y as i64 + qz,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    d
}

/// Renders an already encoded matrix as a standalone SVG document. The
/// viewBox is in modules; `width`/`height` follow [`RenderOptions::scale`].
pub fn matrix_svg(m: &QrMatrix, options: &RenderOptions) -> Result<String, RenderError> {
    let qz = check_quiet_zone(options.quiet_zone)?;
    let total = m.width as u64 + 2 * qz as u64;
    let ppm = match options.scale {
        Scale::PixelsPerModule(0) => {
            return Err(RenderError::InvalidOption(
                "pixels per module must be at least 1".to_owned(),
            ))
        }
        Scale::PixelsPerModule(p) => u64::from(p),
        Scale::TargetWidth(w) => (u64::from(w) / total).max(1),
    };
    let side = total * ppm;
    Ok(format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{side}\" height=\"{side}\" ",
            "viewBox=\"0 0 {total} {total}\" shape-rendering=\"crispEdges\">\n",
            "<title>QR code, version {version}, ECC {ecc}</title>\n",
            "<rect width=\"{total}\" height=\"{total}\" fill=\"{light}\"/>\n",
            "<path fill=\"{dark}\" d=\"{d}\"/>\n",
            "</svg>\n"
        ),
        side = side,
        total = total,
        version = m.version,
        ecc = m.ecc,
        light = options.light.hex(),
        dark = options.dark.hex(),
        d = svg_path(m, qz),
    ))
}

/// Renders `text` as a standalone SVG document.
pub fn svg(text: &str, options: &RenderOptions) -> Result<String, RenderError> {
    matrix_svg(&matrix(text, options)?, options)
}

/// The terminal's background, which decides which modules get drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TerminalBackground {
    /// Light text on a dark background (most terminals): light modules are
    /// drawn with block characters, dark modules stay background.
    #[default]
    Dark,
    /// Dark text on a light background: dark modules are drawn.
    Light,
}

/// Renders an already encoded matrix for a terminal, two module rows per text
/// line with the Unicode half blocks `▀ ▄ █`. A phone camera reads it from the
/// screen when the font's line height equals twice its character width (most
/// monospace fonts come close enough).
pub fn matrix_terminal(
    m: &QrMatrix,
    quiet_zone: u32,
    background: TerminalBackground,
) -> Result<String, RenderError> {
    let qz = check_quiet_zone(quiet_zone)?;
    let total = m.width as i64 + 2 * qz;
    let drawn = |x: i64, y: i64| {
        let inside = y < total;
        let dark = m.dark_at(x - qz, y - qz);
        match background {
            TerminalBackground::Dark => inside && !dark,
            TerminalBackground::Light => inside && dark,
        }
    };
    let mut out = String::new();
    let mut y = 0;
    while y < total {
        for x in 0..total {
            out.push(match (drawn(x, y), drawn(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    Ok(out)
}

/// Renders `text` for a terminal (see [`matrix_terminal`]).
pub fn terminal(
    text: &str,
    options: &RenderOptions,
    background: TerminalBackground,
) -> Result<String, RenderError> {
    matrix_terminal(&matrix(text, options)?, options.quiet_zone, background)
}

/// A certificate issued together with its QR code.
#[cfg(feature = "issue")]
#[derive(Debug, Clone)]
pub struct IssuedQr {
    /// The issued certificate.
    pub issued: Issued,
    /// Its QR code.
    pub matrix: QrMatrix,
}

/// Issues a certificate and encodes its QR code, refusing (with
/// [`RenderError::TooLarge`], which names the size and the limit) a record
/// whose certificate would not fit `options.max_version`.
#[cfg(feature = "issue")]
pub fn issue_rendered<S: Signer>(
    issuer: &Issuer<S>,
    record: &HealthRecord,
    params: &IssueParams,
    options: &RenderOptions,
) -> Result<IssuedQr, RenderError> {
    let issued = issuer.issue(record, params)?;
    let matrix = matrix(&issued.text, options)?;
    Ok(IssuedQr { issued, matrix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_match_the_standard() {
        // ISO/IEC 18004 table 7, alphanumeric.
        assert_eq!(capacity(1, EccLevel::L), Some(25));
        assert_eq!(capacity(1, EccLevel::H), Some(10));
        assert_eq!(capacity(10, EccLevel::M), Some(311));
        assert_eq!(capacity(16, EccLevel::Q), Some(470));
        assert_eq!(capacity(25, EccLevel::Q), Some(1041));
        assert_eq!(capacity(40, EccLevel::H), Some(1852));
        assert_eq!(capacity(40, EccLevel::L), Some(4296));
        assert_eq!(capacity(0, EccLevel::L), None);
        assert_eq!(capacity(41, EccLevel::L), None);
    }

    #[test]
    fn smallest_version_is_chosen() {
        let opts = RenderOptions::default();
        // Version 1-Q holds 16 alphanumeric characters, version 2-Q 29.
        assert_eq!(matrix(&"A".repeat(16), &opts).unwrap().version(), 1);
        assert_eq!(matrix(&"A".repeat(17), &opts).unwrap().version(), 2);
        assert_eq!(matrix(&"A".repeat(29), &opts).unwrap().version(), 2);
        assert_eq!(matrix(&"A".repeat(30), &opts).unwrap().width(), 29);
    }

    #[test]
    fn too_large_names_size_and_limit() {
        let opts = RenderOptions::default();
        let err = matrix(&"A".repeat(1042), &opts).unwrap_err();
        assert_eq!(
            err,
            RenderError::TooLarge {
                characters: 1042,
                max_version: 25,
                ecc: EccLevel::Q,
                capacity: 1041,
                needed_version: Some(26)
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("1042") && msg.contains("version 25") && msg.contains("1041"));
        let huge = matrix(
            &"A".repeat(5000),
            &RenderOptions {
                max_version: 40,
                ..opts
            },
        );
        assert!(matches!(
            huge,
            Err(RenderError::TooLarge {
                needed_version: None,
                ..
            })
        ));
    }

    #[test]
    fn bad_input_and_options_are_errors() {
        let opts = RenderOptions::default();
        assert_eq!(matrix("", &opts), Err(RenderError::Empty));
        assert_eq!(
            matrix("TC1:abc", &opts),
            Err(RenderError::NotAlphanumeric {
                position: 4,
                character: 'a'
            })
        );
        let v0 = RenderOptions {
            max_version: 0,
            ..opts
        };
        assert!(matches!(
            matrix("TC1:", &v0),
            Err(RenderError::InvalidOption(_))
        ));
        let ppm0 = RenderOptions {
            scale: Scale::PixelsPerModule(0),
            ..opts
        };
        assert!(matches!(
            png("TC1:", &ppm0),
            Err(RenderError::InvalidOption(_))
        ));
        let huge = RenderOptions {
            scale: Scale::PixelsPerModule(1000),
            ..opts
        };
        assert!(matches!(
            png("TC1:", &huge),
            Err(RenderError::ImageTooLarge { .. })
        ));
    }

    #[test]
    fn png_has_the_requested_geometry() {
        let m = matrix("TC1:HELLO", &RenderOptions::default()).unwrap();
        let opts = RenderOptions {
            scale: Scale::TargetWidth(300),
            ..RenderOptions::default()
        };
        let png = matrix_png(&m, &opts).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        // 21 + 8 = 29 modules; 300 / 29 = 10 px per module.
        assert_eq!(img.width(), 290);
        for y in 0..29u32 {
            for x in 0..29u32 {
                let dark = m.dark_at(i64::from(x) - 4, i64::from(y) - 4);
                let px = img.get_pixel(x * 10 + 5, y * 10 + 5).0[0];
                assert_eq!(px, if dark { 0 } else { 255 }, "module {x},{y}");
            }
        }
    }

    #[test]
    fn svg_and_terminal_draw_every_dark_module() {
        let opts = RenderOptions::default();
        let m = matrix("TC1:HELLO WORLD", &opts).unwrap();
        let svg = matrix_svg(&m, &opts).unwrap();
        let dark_count = m.modules().iter().filter(|d| **d).count();
        let drawn: usize = svg
            .split('h')
            .skip(1)
            .filter_map(|s| s.split('v').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(drawn, dark_count);
        let term = matrix_terminal(&m, 4, TerminalBackground::Light).unwrap();
        let lines: Vec<Vec<char>> = term.lines().map(|l| l.chars().collect()).collect();
        assert_eq!(lines.len(), (21usize + 8).div_ceil(2));
        for y in 0..29usize {
            for (x, c) in lines[y / 2].iter().enumerate() {
                let c = *c;
                let top = matches!(c, '█' | '▀');
                let bottom = matches!(c, '█' | '▄');
                let drawn = if y % 2 == 0 { top } else { bottom };
                assert_eq!(drawn, m.dark_at(x as i64 - 4, y as i64 - 4));
            }
        }
    }
}
