//! Scanning images for QR codes (feature `scan`).

use std::os::raw::c_char;

use super::{
    boundary, clear, free_handle, give_str, handle, input, new_handle, out, travelcert_error,
    travelcert_result, Failure, Outcome, TRAVELCERT_MAX_DOCUMENT_LEN,
};
use crate::scan::{self, ScanError};

/// The texts of the QR codes found in one image (`travelcert_scan`).
///
/// Immutable: safe to read from several threads at once, and to move and
/// free on another thread.
pub struct travelcert_texts {
    texts: Vec<String>,
}

impl From<ScanError> for travelcert_error {
    fn from(e: ScanError) -> Self {
        Failure::new(travelcert_result::ScanImageInvalid, e.name(), e.to_string())
    }
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
