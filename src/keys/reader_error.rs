//! Errors of the encryption boundary: loading reader keys and encrypting.
//! They live with the keys (the lowest module that raises them) and are
//! re-exported from `crate::encrypt`.
//! Decryption failures are [`crate::VerifyError`] variants (FORMAT.md §13.6).

use crate::VerifyError;

/// Why a reader key file could not be loaded (FORMAT.md §13.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReaderKeyError {
    /// The document is not reader-key JSON of a known kind.
    #[error("reader key JSON: {0}")]
    Json(String),
    /// A key field is not hexadecimal or has the wrong length.
    #[error("reader key field {field}: {reason}")]
    Field {
        /// The field's name.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The declared kid differs from the kid derived from the key.
    #[error("declared kid {declared} but the key's kid is {derived}")]
    KidMismatch {
        /// The kid written in the file.
        declared: String,
        /// The derived kid.
        derived: String,
    },
    /// The declared public key is not the one the secret key gives.
    #[error("public_key does not belong to secret_key")]
    PublicMismatch,
    /// An X25519 public key of small order (the shared secret would be zero).
    #[error("the X25519 public key is of small order and is refused")]
    WeakKey,
    /// The file holds a public key only, which cannot decrypt.
    #[error("a reader public key cannot decrypt; give the secret key file")]
    PublicOnly,
}

/// Why a certificate could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// The input is not a plain certificate text (it does not decode, or it is
    /// already encrypted).
    #[error("not a plain certificate: {0}")]
    NotPlain(VerifyError),
    /// The recipient key cannot be used.
    #[error("recipient key: {0}")]
    RecipientKey(String),
    /// The operating system's random number generator failed.
    #[error("no randomness for the IV or ephemeral key: {0}")]
    Random(String),
    /// AES-GCM refused the plaintext (beyond its length limit).
    #[error("AES-GCM encryption failed")]
    Cipher,
}
