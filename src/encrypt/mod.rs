//! Optional confidentiality (FORMAT.md §13): certificates only authorised
//! verifiers can read.
//!
//! Compress, sign, then encrypt: the plaintext is the body a plain certificate
//! carries (zlib(COSE_Sign1), or the COSE_Sign1 itself when that is shorter) and
//! the text is `TC1:` + Base45(COSE encryption structure). Two modes:
//!
//! - **Mode 1, shared reader key**: COSE_Encrypt0 (tag 16), AES-256-GCM (alg 3),
//!   a random 96-bit IV, the reader key's kid in the unprotected header
//!   ([`cose::encrypt0`]).
//! - **Mode 2, one destination**: COSE_Encrypt (tag 96), AES-256-GCM content
//!   encryption and one recipient with ECDH-ES + HKDF-256 (alg -25) from an
//!   ephemeral X25519 key to the destination's published reader key
//!   ([`cose::encrypt`]).
//!
//! [`Envelope`] (always compiled) tells which structure a body holds, so a build
//! without the `encrypt` feature refuses an encrypted certificate with the
//! specific error `Encrypted`. Everything else here needs the feature:
//! [`ReaderKey`] / [`Recipient`] (key files, [`keys`]), [`encrypt_text`] (issuers)
//! and [`open_body`] (used by [`crate::verify::Verifier::with_reader_keys`]).

use serde::Serialize;

#[cfg(feature = "encrypt")]
pub mod cose;
#[cfg(feature = "encrypt")]
mod error;
#[cfg(feature = "encrypt")]
pub mod keys;

#[cfg(feature = "encrypt")]
pub use error::{EncryptError, ReaderKeyError};
#[cfg(feature = "encrypt")]
pub use keys::{ReaderKey, ReaderKeys, Recipient};

/// The first byte of a COSE_Encrypt0 (the CBOR head of tag 16).
pub const COSE_ENCRYPT0_FIRST_BYTE: u8 = 0xd0;
/// The first two bytes of a COSE_Encrypt (the CBOR head of tag 96).
pub const COSE_ENCRYPT_HEAD: [u8; 2] = [0xd8, 0x60];

/// What a certificate body holds, by its CBOR tag head (FORMAT.md §3, §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

/// Encrypts a plain certificate text (`TC1:` + Base45(body), as
/// [`crate::issue::Issuer`] writes it) for `to`: mode 1 for a shared key, mode
/// 2 for an X25519 reader public key. A fresh random IV (and ephemeral key) is
/// drawn from the operating system for every call.
#[cfg(feature = "encrypt")]
pub fn encrypt_text(text: &str, to: &Recipient) -> Result<String, EncryptError> {
    let body = crate::codec::text_to_body(text).map_err(EncryptError::NotPlain)?;
    let envelope = Envelope::of(&body);
    if let Some(structure) = envelope.structure() {
        return Err(EncryptError::NotPlain(crate::VerifyError::Encrypted {
            structure,
        }));
    }
    let sealed = encrypt_body(&body, to)?;
    Ok(body_to_text(&sealed))
}

/// Encrypts a plain body with a fresh random IV (and ephemeral key for mode 2).
#[cfg(feature = "encrypt")]
pub fn encrypt_body(body: &[u8], to: &Recipient) -> Result<Vec<u8>, EncryptError> {
    let mut iv = [0u8; 12];
    getrandom::fill(&mut iv).map_err(|e| EncryptError::Random(e.to_string()))?;
    match to {
        Recipient::Shared(key) => cose::encrypt0::seal(body, key, &iv),
        Recipient::X25519(public) => {
            let mut ephemeral = zeroize::Zeroizing::new([0u8; 32]);
            getrandom::fill(ephemeral.as_mut()).map_err(|e| EncryptError::Random(e.to_string()))?;
            cose::encrypt::seal(body, public, &iv, &ephemeral)
        }
    }
}

/// Encrypts with a caller-chosen IV and ephemeral secret. **For test vectors
/// only**: reusing an IV with the same key destroys confidentiality and
/// authenticity. `ephemeral` is ignored in mode 1 and required in mode 2.
#[cfg(feature = "encrypt")]
pub fn encrypt_body_fixed(
    body: &[u8],
    to: &Recipient,
    iv: &[u8; 12],
    ephemeral: Option<&[u8; 32]>,
) -> Result<Vec<u8>, EncryptError> {
    match to {
        Recipient::Shared(key) => cose::encrypt0::seal(body, key, iv),
        Recipient::X25519(public) => {
            let eph = ephemeral.ok_or_else(|| {
                EncryptError::RecipientKey("mode 2 needs an ephemeral secret".to_owned())
            })?;
            cose::encrypt::seal(body, public, iv, eph)
        }
    }
}

/// `TC1:` + Base45(body).
#[cfg(feature = "encrypt")]
pub fn body_to_text(body: &[u8]) -> String {
    let mut text = String::from(crate::PREFIX);
    text.push_str(&crate::codec::base45::encode(body));
    text
}

/// Opens a body: a plain one is returned as is; an encrypted one is decrypted
/// with the reader key its kid names (FORMAT.md §13.5) and its plaintext
/// returned, with the envelope that carried it.
#[cfg(feature = "encrypt")]
pub fn open_body(
    body: Vec<u8>,
    keys: &ReaderKeys,
) -> Result<(Vec<u8>, Envelope), crate::VerifyError> {
    match Envelope::of(&body) {
        Envelope::Plain => Ok((body, Envelope::Plain)),
        Envelope::Encrypt0 => Ok((cose::encrypt0::open(&body, keys)?, Envelope::Encrypt0)),
        Envelope::Encrypt => Ok((cose::encrypt::open(&body, keys)?, Envelope::Encrypt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VerifyError;

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
            crate::codec::body_to_cose(&[0xd0, 0x83, 0x40], 1024).unwrap_err(),
            VerifyError::Encrypted {
                structure: "COSE_Encrypt0"
            }
        );
        assert_eq!(
            crate::codec::body_to_cose(&[0xd8, 0x60, 0x84], 1024).unwrap_err(),
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
