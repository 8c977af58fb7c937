//! The signed statement and its opaque parts: [`Certificate`], [`CertificateId`],
//! and the unknown items a later format version may add ([`Extensions`], [`RawCbor`]).

use super::*;

/// A signed statement about one traveller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The issuing country (CWT claim `iss`).
    pub issuer: CountryCode,
    /// When the certificate was issued (CWT claim `iat`).
    pub issued_at: Timestamp,
    /// When the certificate stops being valid (CWT claim `exp`).
    pub expires_at: Timestamp,
    /// The certificate id (CWT claim `cti`), 8 to 16 bytes, hex in JSON.
    pub certificate_id: CertificateId,
    /// What the certificate says about its holder.
    pub record: HealthRecord,
    /// CWT claims this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub unknown_claims: Extensions,
}

/// A certificate id: 8 to 16 bytes, unique per issuer. Use it (with the issuer)
/// to identify a certificate, never the text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateId(Vec<u8>);

impl CertificateId {
    /// The shortest id, in bytes.
    pub const MIN_LEN: usize = 8;
    /// The longest id, in bytes.
    pub const MAX_LEN: usize = 16;

    /// Wraps 8 to 16 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, RecordError> {
        if (Self::MIN_LEN..=Self::MAX_LEN).contains(&bytes.len()) {
            Ok(Self(bytes.to_vec()))
        } else {
            Err(RecordError::new(
                "certificate_id",
                format!("must be 8 to 16 bytes, not {}", bytes.len()),
            ))
        }
    }

    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateId({})", hex::encode(&self.0))
    }
}

impl fmt::Display for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl TryFrom<String> for CertificateId {
    type Error = RecordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bytes = hex::decode(&s)
            .map_err(|_| RecordError::new("certificate_id", "must be hexadecimal"))?;
        Self::new(&bytes)
    }
}

impl From<CertificateId> for String {
    fn from(id: CertificateId) -> Self {
        hex::encode(id.0)
    }
}

/// One CBOR data item, kept byte for byte; hex in JSON.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RawCbor(Vec<u8>);

impl RawCbor {
    /// Wraps the encoding of exactly one well-formed CBOR item. The codec checks
    /// well-formedness when it decodes or encodes it.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The encoded item.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for RawCbor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawCbor({})", hex::encode(&self.0))
    }
}

impl TryFrom<String> for RawCbor {
    type Error = RecordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        hex::decode(&s)
            .map(Self)
            .map_err(|_| RecordError::new("unknown item", "must be hexadecimal CBOR"))
    }
}

impl From<RawCbor> for String {
    fn from(raw: RawCbor) -> Self {
        hex::encode(raw.0)
    }
}

/// Map entries under integer keys this version does not know, kept verbatim.
/// In JSON an object from the decimal key to the hex of the CBOR value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extensions(BTreeMap<i64, RawCbor>);

impl Extensions {
    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries, by key.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &RawCbor)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// Adds an entry, replacing any under the same key.
    pub fn insert(&mut self, key: i64, value: RawCbor) {
        self.0.insert(key, value);
    }

    /// The value under `key`.
    pub fn get(&self, key: i64) -> Option<&RawCbor> {
        self.0.get(&key)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}
