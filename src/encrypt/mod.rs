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
//! This module is compiled only with the feature. Which structure a body
//! holds is decided by [`crate::codec::Envelope`] (always compiled), so a build
//! without the feature still refuses an encrypted certificate with the specific
//! error `Encrypted`. The structures themselves are in [`crate::cose`]
//! (`encrypt0`, `encrypt`), the reader keys and their files in [`crate::keys`]
//! ([`ReaderKey`] / [`Recipient`]); here are [`encrypt_text`] (issuers) and
//! [`open_body`] (used by [`crate::verify::Verifier::with_reader_keys`]).

pub use crate::codec::{body_to_text, Envelope, COSE_ENCRYPT0_FIRST_BYTE, COSE_ENCRYPT_HEAD};
pub use crate::keys::{EncryptError, ReaderKey, ReaderKeyError, ReaderKeys, Recipient};

/// The reader keys and their files; moved to [`crate::keys`], kept here for
/// existing callers.
pub use crate::keys::reader as keys;

/// The COSE encryption structures; moved to [`crate::cose`], kept here for
/// existing callers.
pub mod cose {
    pub use crate::cose::enc::*;
    pub use crate::cose::{encrypt, encrypt0};
}

/// Encrypts a plain certificate text (`TC1:` + Base45(body), as
/// [`crate::issue::Issuer`] writes it) for `to`: mode 1 for a shared key, mode
/// 2 for an X25519 reader public key. A fresh random IV (and ephemeral key) is
/// drawn from the operating system for every call.
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
/// only** (feature `hazmat`): reusing an IV with the same key destroys
/// confidentiality and authenticity. `ephemeral` is ignored in mode 1 and
/// required in mode 2.
#[cfg(feature = "hazmat")]
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

/// Opens a body: a plain one is returned as is; an encrypted one is decrypted
/// with the reader key its kid names (FORMAT.md §13.5) and its plaintext
/// returned, with the envelope that carried it.
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
