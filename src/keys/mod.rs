//! Issuer public keys and key ids.
//!
//! A [`PublicKey`] is an Ed25519 verifying key that has passed the load-time
//! checks: 32 bytes, a valid curve point, and not of small order (a weak key
//! under which forged signatures would verify). Its [`Kid`] is the first 8 bytes
//! of SHA-256 over the 32 raw key bytes.
//!
//! A [`Signer`] makes the signatures (an HSM, a KMS, or the in-memory
//! [`Ed25519Signer`] of feature `issue`, or `Pkcs11Signer` of feature
//! `pkcs11` for a key inside a hardware security module); issuers and list
//! roots both use it.
//!
//! With feature `encrypt`, the reader keys of encrypted certificates live here
//! too (`SharedKey`, `ReaderSecretKey`, `ReaderPublicKey`, `ReaderKeys`, FORMAT.md §13.4).

use std::fmt;

use ed25519_dalek::pkcs8::spki::DecodePublicKey;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

mod error;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
#[cfg(feature = "encrypt")]
pub mod reader;
#[cfg(feature = "encrypt")]
mod reader_error;
mod signer;

pub use error::{KeyError, SignError};
#[cfg(feature = "pkcs11")]
pub use pkcs11::{Pkcs11Error, Pkcs11Options, Pkcs11Signer, Pkcs11Uri};
#[cfg(feature = "encrypt")]
pub use reader::{ReaderKey, ReaderKeys, ReaderPublicKey, ReaderSecretKey, Recipient, SharedKey};
#[cfg(feature = "encrypt")]
pub use reader_error::{EncryptError, ReaderKeyError};
#[cfg(feature = "issue")]
pub use signer::Ed25519Signer;
pub use signer::Signer;

/// Key id: the first 8 bytes of SHA-256 of the 32-byte raw public key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kid(pub [u8; 8]);

impl Kid {
    /// The kid of a raw 32-byte public key.
    pub fn of_key(raw: &[u8; 32]) -> Self {
        let digest = Sha256::digest(raw);
        let mut kid = [0u8; 8];
        for (k, d) in kid.iter_mut().zip(digest.iter()) {
            *k = *d;
        }
        Self(kid)
    }

    /// Parses 16 hexadecimal digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kid({self})")
    }
}

/// A checked Ed25519 public key with its kid. Decompressed once at load, so
/// verification never re-parses it.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: Kid,
}

impl PublicKey {
    /// A key from its 32 raw bytes, refused when invalid or weak.
    pub fn from_bytes(raw: &[u8]) -> Result<Self, KeyError> {
        let raw: &[u8; 32] = raw
            .try_into()
            .map_err(|_| KeyError::WrongLength(raw.len()))?;
        let key = VerifyingKey::from_bytes(raw).map_err(|_| KeyError::InvalidPoint)?;
        Self::checked(key)
    }

    /// A key from 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let raw = hex::decode(text.trim()).map_err(|_| KeyError::NotHex)?;
        Self::from_bytes(&raw)
    }

    /// A key from an SPKI PEM document (`-----BEGIN PUBLIC KEY-----`), as
    /// `openssl pkey -pubout` writes it.
    pub fn from_spki_pem(pem: &str) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_public_key_pem(pem)
            .map_err(|e| KeyError::Encoding(e.to_string()))?;
        Self::checked(key)
    }

    /// A key from an SPKI DER document.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_public_key_der(der)
            .map_err(|e| KeyError::Encoding(e.to_string()))?;
        Self::checked(key)
    }

    pub(crate) fn checked(key: VerifyingKey) -> Result<Self, KeyError> {
        // RFC 8032 §5.1.3 decoding refuses y >= p; ed25519-dalek accepts it.
        if key.to_edwards().compress().0 != key.to_bytes() {
            return Err(KeyError::NonCanonical);
        }
        if key.is_weak() {
            return Err(KeyError::WeakKey);
        }
        let kid = Kid::of_key(key.as_bytes());
        Ok(Self { key, kid })
    }

    /// Wraps a key known not to be weak (one derived from a secret key).
    #[cfg(feature = "issue")]
    pub(crate) fn from_verifying_unchecked(key: VerifyingKey) -> Self {
        let kid = Kid::of_key(key.as_bytes());
        Self { key, kid }
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The decompressed key, for batch verification.
    #[cfg(feature = "verify")]
    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key as SPKI PEM.
    pub fn to_spki_pem(&self) -> String {
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        use ed25519_dalek::pkcs8::spki::EncodePublicKey;
        // Encoding a valid key cannot fail; fall back to an empty string rather than panic.
        self.key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// Checks an Ed25519 signature strictly (RFC 8032 with canonical S and no
    /// small-order R or A: `verify_strict`).
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(signature);
        self.key.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey({} kid {})",
            hex::encode(self.to_bytes()),
            self.kid
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 test 1 public key.
    const TEST1_PUB: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn kid_is_sha256_prefix_and_weak_keys_are_refused() {
        let key = PublicKey::from_hex(TEST1_PUB).unwrap();
        let digest = Sha256::digest(key.to_bytes());
        assert_eq!(key.kid().0, digest[..8]);
        // The identity point (small order) is a valid encoding but weak.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::WeakKey));
        assert_eq!(
            PublicKey::from_bytes(&[1; 31]),
            Err(KeyError::WrongLength(31))
        );
        assert_eq!(PublicKey::from_hex("zz"), Err(KeyError::NotHex));
        // y = p + 2 (non-canonical encoding of y = 2, which is on the curve? either
        // way it must not load): refused before anything else.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xef;
        non_canonical[31] = 0x7f;
        assert!(matches!(
            PublicKey::from_bytes(&non_canonical),
            Err(KeyError::NonCanonical | KeyError::InvalidPoint)
        ));
    }

    #[test]
    fn spki_pem_round_trips() {
        let key = PublicKey::from_hex(TEST1_PUB).unwrap();
        let pem = key.to_spki_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(PublicKey::from_spki_pem(&pem).unwrap(), key);
        assert!(matches!(
            PublicKey::from_spki_pem(
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            ),
            Err(KeyError::Encoding(_))
        ));
    }
}
