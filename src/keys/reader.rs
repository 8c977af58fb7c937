//! Reader keys and their files (FORMAT.md §13.4).
//!
//! - [`SharedKey`]: a 256-bit AES key shared by the issuer and the readers that
//!   agreed on it (mode 1). Its kid is SHA-256(key)[0..8].
//! - [`ReaderSecretKey`] / [`ReaderPublicKey`]: a reader's X25519 key pair (mode
//!   2). The public half is published; its kid is SHA-256(public)[0..8].
//!
//! Files are small JSON documents, one key each:
//!
//! ```json
//! {"kind": "aes-256-gcm",   "kid": "<16 hex>", "key": "<64 hex>"}
//! {"kind": "x25519-secret", "kid": "<16 hex>", "secret_key": "<64 hex>", "public_key": "<64 hex>"}
//! {"kind": "x25519-public", "kid": "<16 hex>", "public_key": "<64 hex>"}
//! ```

use std::fmt;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{EncryptError, Kid, ReaderKeyError};

/// A shared AES-256-GCM reader key (mode 1). Zeroized on drop.
#[derive(Clone)]
pub struct SharedKey {
    kid: Kid,
    key: Zeroizing<[u8; 32]>,
}

impl SharedKey {
    /// The key from its 32 bytes; its kid is SHA-256(key)[0..8].
    pub fn from_bytes(key: [u8; 32]) -> Self {
        let kid = Kid::of_key(&key);
        Self {
            kid,
            key: Zeroizing::new(key),
        }
    }

    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, EncryptError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut()).map_err(|e| EncryptError::Random(e.to_string()))?;
        Ok(Self::from_bytes(*key))
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The key file (secret: distribute only to the readers that share it).
    pub fn to_json(&self) -> Zeroizing<String> {
        Zeroizing::new(
            serde_json::json!({
                "kind": "aes-256-gcm",
                "kid": self.kid.to_string(),
                "key": hex::encode(*self.key),
            })
            .to_string(),
        )
    }
}

impl fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedKey(kid {})", self.kid)
    }
}

/// A reader's published X25519 public key (mode 2), checked not to be of
/// small order.
#[derive(Clone, PartialEq, Eq)]
pub struct ReaderPublicKey {
    kid: Kid,
    key: [u8; 32],
}

impl ReaderPublicKey {
    /// The key from its 32 bytes; refused when of small order.
    pub fn from_bytes(key: [u8; 32]) -> Result<Self, ReaderKeyError> {
        // A clamped scalar is a multiple of the cofactor: the product with a
        // small-order point is the all-zero output.
        let probe = x25519_dalek::StaticSecret::from([1u8; 32]);
        if !probe
            .diffie_hellman(&x25519_dalek::PublicKey::from(key))
            .was_contributory()
        {
            return Err(ReaderKeyError::WeakKey);
        }
        Ok(Self {
            kid: Kid::of_key(&key),
            key,
        })
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The 32 raw bytes (RFC 7748 u-coordinate).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key
    }

    /// The key file (public: publish it).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "kind": "x25519-public",
            "kid": self.kid.to_string(),
            "public_key": hex::encode(self.key),
        })
        .to_string()
    }
}

impl fmt::Debug for ReaderPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ReaderPublicKey({} kid {})",
            hex::encode(self.key),
            self.kid
        )
    }
}

/// A reader's X25519 secret key (mode 2). Zeroized on drop.
#[derive(Clone)]
pub struct ReaderSecretKey {
    secret: x25519_dalek::StaticSecret,
    public: ReaderPublicKey,
}

impl ReaderSecretKey {
    /// The key from its 32 secret bytes (clamped as RFC 7748 says when used).
    pub fn from_bytes(secret: [u8; 32]) -> Result<Self, ReaderKeyError> {
        let secret = x25519_dalek::StaticSecret::from(secret);
        let public =
            ReaderPublicKey::from_bytes(x25519_dalek::PublicKey::from(&secret).to_bytes())?;
        Ok(Self { secret, public })
    }

    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, EncryptError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut()).map_err(|e| EncryptError::Random(e.to_string()))?;
        Self::from_bytes(*secret).map_err(|e| EncryptError::RecipientKey(e.to_string()))
    }

    /// The public half.
    pub fn public_key(&self) -> &ReaderPublicKey {
        &self.public
    }

    /// The key id (of the public half).
    pub fn kid(&self) -> Kid {
        self.public.kid
    }

    pub(crate) fn secret(&self) -> &x25519_dalek::StaticSecret {
        &self.secret
    }

    /// The key file (secret: keep it with the reader).
    pub fn to_json(&self) -> Zeroizing<String> {
        Zeroizing::new(
            serde_json::json!({
                "kind": "x25519-secret",
                "kid": self.kid().to_string(),
                "secret_key": hex::encode(self.secret.as_bytes()),
                "public_key": hex::encode(self.public.key),
            })
            .to_string(),
        )
    }
}

impl fmt::Debug for ReaderSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReaderSecretKey(kid {})", self.kid())
    }
}

/// A key a verifier decrypts with.
#[derive(Debug, Clone)]
pub enum ReaderKey {
    /// Mode 1.
    Shared(SharedKey),
    /// Mode 2.
    X25519(ReaderSecretKey),
}

impl ReaderKey {
    /// The key id.
    pub fn kid(&self) -> Kid {
        match self {
            Self::Shared(k) => k.kid(),
            Self::X25519(k) => k.kid(),
        }
    }

    /// Loads a reader key file holding a secret (`aes-256-gcm` or `x25519-secret`).
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReaderKeyError> {
        match KeyFile::from_json(bytes)? {
            KeyFile::Shared(k) => Ok(Self::Shared(k)),
            KeyFile::Secret(k) => Ok(Self::X25519(k)),
            KeyFile::Public(_) => Err(ReaderKeyError::PublicOnly),
        }
    }
}

/// What an issuer encrypts to.
#[derive(Debug, Clone)]
pub enum Recipient {
    /// Mode 1: COSE_Encrypt0 under a shared key.
    Shared(SharedKey),
    /// Mode 2: COSE_Encrypt to a reader's X25519 public key.
    X25519(ReaderPublicKey),
}

impl Recipient {
    /// The reader kid that goes into the certificate.
    pub fn kid(&self) -> Kid {
        match self {
            Self::Shared(k) => k.kid(),
            Self::X25519(k) => k.kid(),
        }
    }

    /// Loads any reader key file: a shared key gives mode 1, an X25519 public
    /// (or secret) key mode 2.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReaderKeyError> {
        Ok(match KeyFile::from_json(bytes)? {
            KeyFile::Shared(k) => Self::Shared(k),
            KeyFile::Secret(k) => Self::X25519(k.public),
            KeyFile::Public(k) => Self::X25519(k),
        })
    }
}

/// The reader keys a verifier holds, looked up by kid.
#[derive(Debug, Clone, Default)]
pub struct ReaderKeys {
    keys: Vec<ReaderKey>,
}

impl ReaderKeys {
    /// No keys: every encrypted certificate fails with `ReaderKeyUnknown`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key (a key with the same kid as one held is ignored: the first wins).
    pub fn add(&mut self, key: ReaderKey) {
        if self.get(&key.kid()).is_none() {
            self.keys.push(key);
        }
    }

    /// This set with `key` added.
    pub fn with(mut self, key: ReaderKey) -> Self {
        self.add(key);
        self
    }

    /// The key with this kid.
    pub fn get(&self, kid: &Kid) -> Option<&ReaderKey> {
        self.keys.iter().find(|k| k.kid() == *kid)
    }

    /// Every key, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &ReaderKey> {
        self.keys.iter()
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl FromIterator<ReaderKey> for ReaderKeys {
    fn from_iter<I: IntoIterator<Item = ReaderKey>>(iter: I) -> Self {
        let mut keys = Self::new();
        for k in iter {
            keys.add(k);
        }
        keys
    }
}

/// A loaded reader key file of any kind.
#[derive(Debug, Clone)]
pub enum KeyFile {
    /// `aes-256-gcm`.
    Shared(SharedKey),
    /// `x25519-secret`.
    Secret(ReaderSecretKey),
    /// `x25519-public`.
    Public(ReaderPublicKey),
}

#[derive(Deserialize)]
#[serde(tag = "kind")]
enum Json {
    #[serde(rename = "aes-256-gcm")]
    Shared { kid: Option<String>, key: String },
    #[serde(rename = "x25519-secret")]
    Secret {
        kid: Option<String>,
        secret_key: String,
        public_key: Option<String>,
    },
    #[serde(rename = "x25519-public")]
    Public {
        kid: Option<String>,
        public_key: String,
    },
}

impl KeyFile {
    /// Parses a reader key file; the kid (and the public key of a secret key
    /// file), when given, must match the key.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReaderKeyError> {
        let json: Json =
            serde_json::from_slice(bytes).map_err(|e| ReaderKeyError::Json(e.to_string()))?;
        let (file, declared) = match json {
            Json::Shared { kid, key } => (
                Self::Shared(SharedKey::from_bytes(*hex32("key", &key)?)),
                kid,
            ),
            Json::Secret {
                kid,
                secret_key,
                public_key,
            } => {
                let key = ReaderSecretKey::from_bytes(*hex32("secret_key", &secret_key)?)?;
                if let Some(p) = public_key {
                    if *hex32("public_key", &p)? != key.public.key {
                        return Err(ReaderKeyError::PublicMismatch);
                    }
                }
                (Self::Secret(key), kid)
            }
            Json::Public { kid, public_key } => (
                Self::Public(ReaderPublicKey::from_bytes(*hex32(
                    "public_key",
                    &public_key,
                )?)?),
                kid,
            ),
        };
        let derived = match &file {
            Self::Shared(k) => k.kid(),
            Self::Secret(k) => k.kid(),
            Self::Public(k) => k.kid(),
        };
        if let Some(declared) = declared {
            if Kid::from_hex(&declared.to_ascii_lowercase()) != Some(derived) {
                return Err(ReaderKeyError::KidMismatch {
                    declared,
                    derived: derived.to_string(),
                });
            }
        }
        Ok(file)
    }
}

fn hex32(field: &'static str, text: &str) -> Result<Zeroizing<[u8; 32]>, ReaderKeyError> {
    let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| ReaderKeyError::Field {
        field,
        reason: "not hexadecimal".to_owned(),
    })?);
    let mut out = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return Err(ReaderKeyError::Field {
            field,
            reason: format!("{} bytes, not 32", bytes.len()),
        });
    }
    out.copy_from_slice(&bytes);
    Ok(out)
}
