//! The codec stages, one module each, in the order data flows through them when
//! issuing (verification runs them backwards):
//!
//! 1. [`payload`]: health record → CBOR
//! 2. [`claims`]: certificate → CWT claims CBOR (the COSE payload)
//! 3. [`crate::cose`]: claims → signed COSE_Sign1
//! 4. [`zlib`]: COSE bytes → compressed body (only when shorter)
//! 5. [`base45`]: body → text behind the prefix `TC1:`
//!
//! `cbor` (crate-private) holds the strict reader and deterministic writer they share.

pub mod base45;
pub(crate) mod cbor;
pub mod claims;
pub mod payload;
pub mod zlib;

pub use cbor::MAX_DEPTH;

use std::borrow::Cow;

use crate::{VerifyError, PREFIX};

/// The first byte of a COSE_Sign1 (CBOR tag 18): a body starting with it is
/// uncompressed.
pub const COSE_SIGN1_FIRST_BYTE: u8 = 0xd2;

/// How the body inside a text was carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyForm {
    /// zlib(COSE).
    Compressed,
    /// The COSE bytes themselves (compression would not have made them shorter).
    Uncompressed,
}

/// Wraps COSE bytes as certificate text: zlib when that is shorter, then Base45
/// behind `TC1:`.
pub fn cose_to_text(cose: &[u8], compressed: Option<Vec<u8>>) -> String {
    let compressed = compressed.unwrap_or_else(|| zlib::compress(cose));
    let body: &[u8] = if compressed.len() < cose.len() {
        &compressed
    } else {
        cose
    };
    let mut text = String::with_capacity(PREFIX.len() + body.len() * 3 / 2 + 2);
    text.push_str(PREFIX);
    text.push_str(&base45::encode(body));
    text
}

/// Strips the prefix and decodes Base45: the body bytes.
pub fn text_to_body(text: &str) -> Result<Vec<u8>, VerifyError> {
    if text.is_empty() {
        return Err(VerifyError::Empty);
    }
    let b45 = text
        .strip_prefix(PREFIX)
        .ok_or(VerifyError::MissingPrefix)?;
    if b45.is_empty() {
        return Err(VerifyError::Empty);
    }
    base45::decode(b45)
}

/// Turns a body into COSE bytes: as is when it starts with the COSE_Sign1 tag,
/// otherwise inflated. Either way the COSE bytes are at most `inflate_limit`
/// bytes, so every later stage works on a bounded input.
pub fn body_to_cose(
    body: &[u8],
    inflate_limit: usize,
) -> Result<(Cow<'_, [u8]>, BodyForm), VerifyError> {
    // Encrypted bodies (FORMAT.md §13) are opened before this step.
    if let Some(structure) = crate::encrypt::Envelope::of(body).structure() {
        return Err(VerifyError::Encrypted { structure });
    }
    match body.first() {
        // The cap applies to uncompressed bodies too: without it a large raw
        // COSE_Sign1 (a text far beyond any QR code) reached the CBOR decoder
        // unbounded, e.g. an unprotected header of 200,000 entries took seconds.
        Some(&COSE_SIGN1_FIRST_BYTE) if body.len() > inflate_limit => {
            Err(VerifyError::InflateLimitExceeded {
                limit: inflate_limit,
            })
        }
        Some(&COSE_SIGN1_FIRST_BYTE) => Ok((Cow::Borrowed(body), BodyForm::Uncompressed)),
        Some(_) => Ok((
            Cow::Owned(zlib::inflate(body, inflate_limit)?),
            BodyForm::Compressed,
        )),
        None => Err(VerifyError::Empty),
    }
}
