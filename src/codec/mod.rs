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
#[cfg(feature = "issue")]
mod deflate;
pub mod dictionary;
mod inflate;
pub mod payload;
pub mod zlib;

pub use cbor::MAX_DEPTH;

use std::borrow::Cow;

use crate::{VerifyError, PREFIX};

/// The first byte of a COSE_Sign1 (CBOR tag 18): a body starting with it is
/// uncompressed.
pub const COSE_SIGN1_FIRST_BYTE: u8 = 0xd2;
/// The first byte of a COSE_Encrypt0 (the CBOR head of tag 16).
pub const COSE_ENCRYPT0_FIRST_BYTE: u8 = 0xd0;
/// The first two bytes of a COSE_Encrypt (the CBOR head of tag 96).
pub const COSE_ENCRYPT_HEAD: [u8; 2] = [0xd8, 0x60];

/// What a certificate body holds, by its CBOR tag head (FORMAT.md §3, §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Envelope {
    /// Not encrypted: a COSE_Sign1 (tag 18) or zlib.
    #[serde(rename = "none")]
    Plain,
    /// Mode 1: COSE_Encrypt0 (tag 16) under a shared reader key.
    #[serde(rename = "cose_encrypt0")]
    Encrypt0,
    /// Mode 2: COSE_Encrypt (tag 96) to one reader's X25519 public key.
    #[serde(rename = "cose_encrypt")]
    Encrypt,
}

impl Envelope {
    /// Dispatches on the first bytes: `D0` is COSE_Encrypt0, `D8 60`
    /// COSE_Encrypt, anything else (`D2` COSE_Sign1, or zlib) is plain.
    pub fn of(body: &[u8]) -> Self {
        match body {
            [COSE_ENCRYPT0_FIRST_BYTE, ..] => Self::Encrypt0,
            [a, b, ..] if [*a, *b] == COSE_ENCRYPT_HEAD => Self::Encrypt,
            _ => Self::Plain,
        }
    }

    /// The COSE structure's name for an encrypted body, `None` when plain.
    pub fn structure(self) -> Option<&'static str> {
        match self {
            Self::Plain => None,
            Self::Encrypt0 => Some("COSE_Encrypt0"),
            Self::Encrypt => Some("COSE_Encrypt"),
        }
    }
}

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
    match compressed {
        Some(compressed) => shorter_to_text(cose, &compressed),
        None => {
            let mut compressed = Vec::new();
            zlib::compress_into(cose, &mut compressed);
            shorter_to_text(cose, &compressed)
        }
    }
}

/// The text of the compressed body if it is strictly shorter than the COSE
/// bytes, else of the COSE bytes.
fn shorter_to_text(cose: &[u8], compressed: &[u8]) -> String {
    body_to_text(if compressed.len() < cose.len() {
        compressed
    } else {
        cose
    })
}

/// `TC1:` + Base45(body): the text of any body, plain or encrypted.
pub fn body_to_text(body: &[u8]) -> String {
    base45::encode_after(PREFIX, body)
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
    if let Some(structure) = Envelope::of(body).structure() {
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

/// [`body_to_cose`], then `f` on the COSE bytes. A compressed body is
/// inflated into a buffer kept for the next call on this thread (up to the
/// default cap, [`zlib::DEFAULT_INFLATE_LIMIT`]; a larger one is freed).
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) fn with_cose<R>(
    body: &[u8],
    inflate_limit: usize,
    f: impl FnOnce(&[u8], BodyForm) -> Result<R, VerifyError>,
) -> Result<R, VerifyError> {
    thread_local! {
        static INFLATED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let compressed = Envelope::of(body) == Envelope::Plain
        && !matches!(body.first(), Some(&COSE_SIGN1_FIRST_BYTE) | None);
    if !compressed {
        let (cose, form) = body_to_cose(body, inflate_limit)?;
        return f(&cose, form);
    }
    INFLATED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            let result = zlib::inflate_reusing(body, inflate_limit, &mut buffer)
                .and_then(|()| f(&buffer, BodyForm::Compressed));
            if buffer.capacity() > zlib::DEFAULT_INFLATE_LIMIT.saturating_add(1) {
                *buffer = Vec::new();
            }
            result
        }
        // Re-entered on this thread (never in practice): a buffer of its own.
        Err(_) => {
            let (cose, form) = body_to_cose(body, inflate_limit)?;
            f(&cose, form)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(feature = "verify", not(feature = "encrypt")))]
    fn text(body: &[u8]) -> String {
        format!("{}{}", crate::PREFIX, crate::codec::base45::encode(body))
    }

    #[test]
    fn the_tag_head_selects_the_envelope_and_decoding_names_it() {
        assert_eq!(Envelope::of(&[0xd0, 0x83]), Envelope::Encrypt0);
        assert_eq!(Envelope::of(&[0xd8, 0x60, 0x84]), Envelope::Encrypt);
        for plain in [
            &[0xd2, 0x84][..],
            &[0x78, 0xda],
            &[0xd8, 0x12],
            &[0xd8],
            &[],
        ] {
            assert_eq!(Envelope::of(plain), Envelope::Plain, "{plain:02x?}");
        }
        assert_eq!(
            body_to_cose(&[0xd0, 0x83, 0x40], 1024).unwrap_err(),
            VerifyError::Encrypted {
                structure: "COSE_Encrypt0"
            }
        );
        assert_eq!(
            body_to_cose(&[0xd8, 0x60, 0x84], 1024).unwrap_err(),
            VerifyError::Encrypted {
                structure: "COSE_Encrypt"
            }
        );
    }

    /// A build without the `encrypt` feature refuses an encrypted
    /// certificate with the specific `Encrypted`, not a zlib or signature error.
    #[cfg(all(feature = "verify", not(feature = "encrypt")))]
    #[test]
    fn a_verifier_without_the_feature_says_encrypted() {
        let verifier = crate::verify::Verifier::new(crate::trust::TrustStore::new());
        let now = crate::model::Timestamp::from_unix(1_615_453_200).unwrap();
        for (body, structure) in [
            (&[0xd0, 0x83, 0x43, 0xa1, 0x01, 0x03][..], "COSE_Encrypt0"),
            (
                &[0xd8, 0x60, 0x84, 0x43, 0xa1, 0x01, 0x03][..],
                "COSE_Encrypt",
            ),
        ] {
            let e = verifier.verify(&text(body), now).unwrap_err();
            assert_eq!(e, VerifyError::Encrypted { structure });
            assert_eq!(e.name(), "Encrypted");
        }
    }
}
