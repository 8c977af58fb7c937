//! The key boundary's errors: loading keys and signing with them.

/// Why a key could not be loaded (or generated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM or DER document could not be parsed, or is not an Ed25519 key.
    #[error("not an Ed25519 key in PEM/DER form: {0}")]
    Encoding(String),
    /// Raw key bytes of the wrong length.
    #[error("an Ed25519 key has 32 bytes, not {0}")]
    WrongLength(usize),
    /// The bytes are not hexadecimal.
    #[error("the key is not valid hexadecimal")]
    NotHex,
    /// The 32 bytes do not decode to a point on the curve.
    #[error("the public key is not a valid Ed25519 point")]
    InvalidPoint,
    /// A non-canonical encoding (y not below p), which RFC 8032 decoding refuses.
    #[error("the public key is not canonically encoded (y >= p)")]
    NonCanonical,
    /// A small-order (weak) public key, under which forged signatures verify.
    #[error("the public key is a small-order (weak) Ed25519 point and is refused")]
    WeakKey,
    /// The operating system's random number generator failed while
    /// generating a key.
    #[error("no randomness for the new key: {0}")]
    Random(String),
}

impl KeyError {
    /// The stable name (the C API's): `KeyEncoding`, `KeyWrongLength`,
    /// `KeyNotHex`, `KeyInvalidPoint`, `KeyNonCanonical`, `KeyWeak` or
    /// `KeyRandom`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Encoding(_) => "KeyEncoding",
            Self::WrongLength(_) => "KeyWrongLength",
            Self::NotHex => "KeyNotHex",
            Self::InvalidPoint => "KeyInvalidPoint",
            Self::NonCanonical => "KeyNonCanonical",
            Self::WeakKey => "KeyWeak",
            Self::Random(_) => "KeyRandom",
        }
    }
}

/// A [`crate::keys::Signer`] failed (an HSM or KMS error, say). The signer's
/// own error is kept as the [`std::error::Error::source`].
/// Cloning shares the cause; two `SignError`s are equal when they share it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the signer failed: {source}")]
pub struct SignError {
    #[source]
    source: std::sync::Arc<dyn std::error::Error + Send + Sync>,
}

impl SignError {
    /// Wraps the signer's error.
    pub fn new(source: Box<dyn std::error::Error + Send + Sync>) -> Self {
        Self {
            source: source.into(),
        }
    }

    /// The signer's error.
    pub fn cause(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.source.as_ref()
    }
}

impl PartialEq for SignError {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.source, &other.source)
    }
}

impl Eq for SignError {}
