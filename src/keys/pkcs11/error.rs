//! The PKCS#11 boundary's error.

use crate::keys::KeyError;

/// Why a PKCS#11 key could not be opened, generated or used. Each variant has
/// a stable name ([`Pkcs11Error::name`], FORMAT.md §9).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The PKCS#11 URI is malformed or holds an attribute this library does
    /// not know (an ignored selector could pick another key).
    #[error("invalid PKCS#11 URI: {0}")]
    InvalidUri(String),
    /// No module path: neither the URI's `module-path` nor the options
    /// (`--pkcs11-module`, `TRAVELCERT_PKCS11_MODULE`) give one.
    #[error("no PKCS#11 module: give module-path in the URI, --pkcs11-module or TRAVELCERT_PKCS11_MODULE")]
    NoModule,
    /// The module could not be loaded or initialised.
    #[error("PKCS#11 module {path}: {reason}")]
    ModuleNotFound {
        /// The module path.
        path: String,
        /// What the loader or `C_Initialize` said.
        reason: String,
    },
    /// No PIN: neither `pin-source` nor the options (`TRAVELCERT_PKCS11_PIN`) give one.
    #[error("no PKCS#11 PIN: give pin-source=file:/path in the URI or set TRAVELCERT_PKCS11_PIN")]
    NoPin,
    /// The `pin-source` file could not be read.
    #[error("PIN source {path}: {reason}")]
    PinSource {
        /// The file.
        path: String,
        /// Why it could not be read.
        reason: String,
    },
    /// No token matches the URI's token attributes.
    #[error("no PKCS#11 token matches {0}")]
    TokenNotFound(String),
    /// Several tokens match: add `token`, `serial` or `slot-id`.
    #[error("{count} PKCS#11 tokens match {uri}: add token=, serial= or slot-id=")]
    TokenAmbiguous {
        /// The URI (without any PIN).
        uri: String,
        /// How many tokens match.
        count: usize,
    },
    /// The token refused the PIN.
    #[error("the token refused the PIN (wrong PIN)")]
    WrongPin,
    /// The token's user PIN is locked after too many wrong PINs.
    #[error("the token's user PIN is locked")]
    PinLocked,
    /// No private key on the token matches the URI's `object` and `id`.
    #[error("no private key on the token matches {0}")]
    KeyNotFound(String),
    /// Several private keys match: add `id` or a more specific `object`.
    #[error("{count} private keys match {uri}: add id= or a more specific object=")]
    KeyAmbiguous {
        /// The URI (without any PIN).
        uri: String,
        /// How many keys match.
        count: usize,
    },
    /// `keygen` would create a second key under a label or id already used.
    #[error("a key matching {0} already exists on the token (keygen never replaces a key)")]
    KeyExists(String),
    /// The key is not an Ed25519 (`CKK_EC_EDWARDS` on edwards25519) key.
    #[error("the token key is not an Ed25519 key: {0}")]
    WrongKeyType(String),
    /// The token does not offer `CKM_EDDSA` (or Ed25519 key generation).
    #[error("the token does not support {0}")]
    MechanismUnsupported(String),
    /// The key's public half is missing or not a valid Ed25519 public key.
    #[error("the token's public key is unusable: {0}")]
    InvalidPublicKey(String),
    /// A test signature made at open does not verify under the public key
    /// read from the token: the public and private objects are not one pair.
    #[error("the token's private key does not match its public key")]
    KeyMismatch,
    /// After the token came back, its key is not the one read at start:
    /// nothing is signed with a key the trust store does not hold.
    #[error("the token's key changed since the signer was opened (was kid {was}, now kid {now}); refusing to sign")]
    KeyChanged {
        /// The kid read at start.
        was: String,
        /// The kid read after recovering.
        now: String,
    },
    /// The token or its session went away and did not come back within the
    /// bounded retries.
    #[error("the PKCS#11 device is gone (removed or reset) and did not come back after {attempts} attempts: {last}")]
    DeviceRemoved {
        /// How many times the signer tried.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The token returned a signature that is not 64 bytes.
    #[error("the token returned a {0}-byte signature, not 64 bytes")]
    SignatureLength(usize),
    /// Any other failure the token reported.
    #[error("PKCS#11 {0}")]
    Device(String),
}

impl Pkcs11Error {
    /// The variant's stable name (FORMAT.md §9).
    pub fn name(&self) -> &'static str {
        match self {
            Self::InvalidUri(_) => "Pkcs11UriInvalid",
            Self::NoModule => "Pkcs11NoModule",
            Self::ModuleNotFound { .. } => "Pkcs11ModuleNotFound",
            Self::NoPin => "Pkcs11NoPin",
            Self::PinSource { .. } => "Pkcs11PinSource",
            Self::TokenNotFound(_) => "Pkcs11TokenNotFound",
            Self::TokenAmbiguous { .. } => "Pkcs11TokenAmbiguous",
            Self::WrongPin => "Pkcs11WrongPin",
            Self::PinLocked => "Pkcs11PinLocked",
            Self::KeyNotFound(_) => "Pkcs11KeyNotFound",
            Self::KeyAmbiguous { .. } => "Pkcs11KeyAmbiguous",
            Self::KeyExists(_) => "Pkcs11KeyExists",
            Self::WrongKeyType(_) => "Pkcs11WrongKeyType",
            Self::MechanismUnsupported(_) => "Pkcs11MechanismUnsupported",
            Self::InvalidPublicKey(_) => "Pkcs11InvalidPublicKey",
            Self::KeyMismatch => "Pkcs11KeyMismatch",
            Self::KeyChanged { .. } => "Pkcs11KeyChanged",
            Self::DeviceRemoved { .. } => "Pkcs11DeviceRemoved",
            Self::SignatureLength(_) => "Pkcs11SignatureLength",
            Self::Device(_) => "Pkcs11Device",
        }
    }
}

impl From<KeyError> for Pkcs11Error {
    fn from(e: KeyError) -> Self {
        Self::InvalidPublicKey(e.to_string())
    }
}
