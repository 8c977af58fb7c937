//! Rendering options and the render error.

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
    pub(super) fn to_qr(self) -> qrcode::EcLevel {
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

    pub(super) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The largest raster image (width or height, pixels) [`png`](crate::render::png()) will produce.
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
    /// The PDF card could not be made: a font file that does not load, or
    /// the layout or PDF writer failing (feature `pdf`).
    #[error("PDF card: {0}")]
    Pdf(String),
    /// Issuing failed (from [`issue_rendered`](crate::render::issue_rendered)).
    #[cfg(feature = "issue")]
    #[error(transparent)]
    Issue(#[from] crate::IssueError),
}
