//! The QR module matrix: capacity, version choice and encoding.

use super::*;

/// A QR code as a square of modules, without quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub(super) width: usize,
    pub(super) version: u8,
    pub(super) ecc: EccLevel,
    pub(super) dark: Vec<bool>,
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
    pub(super) fn dark_at(&self, x: i64, y: i64) -> bool {
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
    let qr_version = bits.version();
    let (data, ec_codewords) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), qr_version, ec).map_err(internal)?;
    let mut canvas = qrcode::canvas::Canvas::new(qr_version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_codewords);
    let width = 17 + 4 * usize::from(version);
    Ok(QrMatrix {
        width,
        version,
        ecc: options.ecc,
        dark: super::mask::apply_best_mask(&canvas, width),
    })
}
