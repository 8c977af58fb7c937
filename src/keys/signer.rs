//! Signing: the [`Signer`] trait any key store implements, and the in-memory
//! [`Ed25519Signer`] (feature `issue`).

#[cfg(feature = "issue")]
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
#[cfg(feature = "issue")]
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
#[cfg(feature = "issue")]
use ed25519_dalek::{Signer as _, SigningKey};

#[cfg(feature = "issue")]
use super::KeyError;
use super::PublicKey;

/// Produces Ed25519 signatures. Implement it for an HSM or KMS; the library
/// never needs the secret key itself. Issuers ([`crate::issue::Issuer`]) and
/// the roots of signed trust and revocation lists sign through it.
pub trait Signer {
    /// The public key that verifies this signer's signatures (its kid goes into
    /// every certificate).
    fn public_key(&self) -> PublicKey;

    /// Signs `message` with Ed25519 (RFC 8032, pure). An error keeps its
    /// cause: the issuer reports it as `IssueError::Signer` with this error as
    /// its source.
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>>;
}

/// An in-memory Ed25519 signing key. The secret is zeroized on drop.
#[cfg(feature = "issue")]
pub struct Ed25519Signer {
    key: SigningKey,
    public: PublicKey,
}

#[cfg(feature = "issue")]
impl Ed25519Signer {
    /// A signer from a 32-byte seed (the RFC 8032 secret key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        Self::from_signing_key(key)
    }

    fn from_signing_key(key: SigningKey) -> Self {
        // A public key derived from a clamped secret scalar is never of small
        // order, so the weak-key check cannot fail here.
        let public = PublicKey::from_verifying_unchecked(key.verifying_key());
        Self { key, public }
    }

    /// A signer from a PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`), as
    /// `openssl genpkey -algorithm ed25519` writes it.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Encoding(e.to_string()))?;
        Ok(Self::from_signing_key(key))
    }

    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self::from_seed(&seed))
    }

    /// The secret key as PKCS#8 PEM (for writing a key file).
    pub fn to_pkcs8_pem(&self) -> Result<zeroize::Zeroizing<String>, KeyError> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Encoding(e.to_string()))
    }
}

#[cfg(feature = "issue")]
impl Signer for Ed25519Signer {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.key.sign(message).to_bytes())
    }
}
