//! QR codes: rendering certificate text (PNG, SVG) and scanning images.

use std::os::raw::c_char;

use super::{
    boundary, clear, free_handle, give_bytes, give_str, handle, input, input_str, new_handle, out,
    travelcert_bytes, travelcert_error, travelcert_result, Failure, Outcome,
    TRAVELCERT_MAX_DOCUMENT_LEN, TRAVELCERT_MAX_TEXT_LEN,
};
use crate::render::{self, RenderError, RenderOptions, Scale};
use crate::scan::{self, ScanError};

/// The texts of the QR codes found in one image (`travelcert_scan`).
///
/// Immutable: safe to read from several threads at once, and to move and
/// free on another thread.
pub struct travelcert_texts {
    texts: Vec<String>,
}

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

impl From<ScanError> for travelcert_error {
    fn from(e: ScanError) -> Self {
        let name = match &e {
            ScanError::Empty => "ScanEmpty",
            ScanError::UnsupportedFormat => "ScanUnsupportedFormat",
            ScanError::TooLarge { .. } | ScanError::TooManyPixels { .. } => "ScanImageTooLarge",
            _ => "ScanDecode",
        };
        Failure::new(travelcert_result::ScanImageInvalid, name, e.to_string())
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

/// Finds every QR code in an encoded image (PNG or JPEG, `image_len` bytes at
/// `image`). On success `*texts_out` receives a new handle (free it with
/// `travelcert_texts_free`) holding zero or more texts: finding no code is
/// not an error. On failure (`TRAVELCERT_RESULT_SCAN_IMAGE_INVALID`: not a
/// PNG/JPEG, corrupt, or over the size limit) it is NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_scan(
    image: *const u8,
    image_len: usize,
    texts_out: *mut *mut travelcert_texts,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(texts_out, std::ptr::null_mut());
        let texts_out = out(texts_out)?;
        let image = input(image, image_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let texts = scan::scan(image)?;
        texts_out.set(new_handle(travelcert_texts { texts }));
        Ok(())
    })
}

/// Writes how many texts `texts` holds to `*len_out`.
#[no_mangle]
pub extern "C" fn travelcert_texts_len(
    texts: *const travelcert_texts,
    len_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        let len_out = out(len_out)?;
        len_out.set(handle(texts)?.texts.len());
        Ok(())
    })
}

/// Borrows text `index` (from 0): `*text_out` points at its UTF-8 bytes (not
/// NUL-terminated) and `*len_out` receives their count. The pointer stays
/// valid until `texts` is freed; do not free it.
/// `TRAVELCERT_RESULT_INDEX_OUT_OF_RANGE` when `index` is too large.
#[no_mangle]
pub extern "C" fn travelcert_texts_get(
    texts: *const travelcert_texts,
    index: usize,
    text_out: *mut *const c_char,
    len_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || -> Outcome {
        clear(text_out, std::ptr::null());
        clear(len_out, 0);
        let texts = handle(texts)?;
        let text = texts
            .texts
            .get(index)
            .ok_or_else(|| Failure::plain(travelcert_result::IndexOutOfRange, "IndexOutOfRange"))?;
        give_str(text, text_out, len_out)
    })
}

/// Frees a texts handle. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_texts_free(texts: *mut travelcert_texts) {
    free_handle(texts)
}
