//! Rendering certificate text as a QR code, PNG or SVG (feature `render`).

use super::{
    boundary, clear, give_bytes, input_str, out, travelcert_bytes, travelcert_error,
    travelcert_result, Failure, TRAVELCERT_MAX_TEXT_LEN,
};
use crate::render::{self, RenderError, RenderOptions, Scale};

impl From<RenderError> for travelcert_error {
    fn from(e: RenderError) -> Self {
        let name = match &e {
            RenderError::Empty => "RenderEmpty",
            RenderError::NotAlphanumeric { .. } => "RenderNotAlphanumeric",
            RenderError::TooLarge { .. } => "RenderTooLarge",
            RenderError::InvalidOption(_) => "RenderInvalidOption",
            RenderError::ImageTooLarge { .. } => "RenderImageTooLarge",
            _ => "RenderFailed",
        };
        Failure::new(travelcert_result::RenderFailed, name, e.to_string())
    }
}

/// Render options: the library defaults (ECC Q, quiet zone 4, largest version
/// 25), with `pixels_per_module` (0 = the default, 8).
fn options(pixels_per_module: u32) -> RenderOptions {
    let mut options = RenderOptions::default();
    if pixels_per_module != 0 {
        options.scale = Scale::PixelsPerModule(pixels_per_module);
    }
    options
}

/// Renders certificate text (`text_len` bytes of UTF-8 at `text`) as a PNG
/// QR code: one alphanumeric segment in the smallest version, ECC level Q,
/// quiet zone 4, `pixels_per_module` pixels per module (0 for the default 8).
///
/// On success `*png_out` receives the PNG bytes as a new buffer (free it with
/// `travelcert_bytes_free`); on failure it is `{NULL, 0}` and `*error_out` (if
/// not NULL) says why (`TRAVELCERT_RESULT_RENDER_FAILED`, e.g. `RenderTooLarge`
/// when the text needs a version above 25). Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_render_png(
    text: *const u8,
    text_len: usize,
    pixels_per_module: u32,
    png_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(png_out, travelcert_bytes::EMPTY);
        out(png_out)?;
        let text = input_str(text, text_len, TRAVELCERT_MAX_TEXT_LEN)?;
        let png = render::png(text, &options(pixels_per_module))?;
        give_bytes(png_out, &png)
    })
}

/// Renders certificate text as an SVG QR code (same options as
/// `travelcert_render_png`; the SVG scales without loss). On success
/// `*svg_out` receives the SVG document as a new NUL-terminated buffer (free
/// it with `travelcert_bytes_free`). Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_render_svg(
    text: *const u8,
    text_len: usize,
    svg_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(svg_out, travelcert_bytes::EMPTY);
        out(svg_out)?;
        let text = input_str(text, text_len, TRAVELCERT_MAX_TEXT_LEN)?;
        let svg = render::svg(text, &options(0))?;
        give_bytes(svg_out, svg.as_bytes())
    })
}
