//! Trust data: the issuer public keys a verifier accepts.
//!
//! A [`TrustStore`] maps kids to [`TrustedKey`]s (several keys may share a kid;
//! the verifier tries each). Keys are checked once, when the store loads: wrong
//! length, invalid point and weak (small-order) keys are refused, and each key is
//! kept decompressed so verification never re-parses it.
//!
//! The JSON schema (FORMAT.md §Trust store):
//!
//! ```json
//! {"keys": [{
//!   "kid": "8b2e…",                       // optional; must equal SHA-256(key)[..8]
//!   "country": "CN",
//!   "public_key": "<64 hex digits>",      // or "public_key_pem": "-----BEGIN PUBLIC KEY-----…"
//!   "not_before": "2021-01-01T00:00:00Z", // optional
//!   "not_after": "2031-01-01T00:00:00Z",  // optional
//!   "record_kinds": ["nat", "antibody", "vaccination"],
//!   "revoked": true,                      // optional; default false
//!   "max_validity": 2592000               // optional; seconds, bounds exp - iat
//! }]}
//! ```
//!
//! Signed trust lists ([`TrustList`], FORMAT.md §12) carry the same keys as
//! CBOR under a root key's signature; [`RevocationList`] carries withdrawn
//! certificate ids; [`ListState`] remembers sequence numbers (no rollback) and
//! rotated roots between loads, kept by [`StateDir`] in a directory the
//! verifier owns. [`TrustInputs`] puts it together under one rule: once a
//! [`Root`] is configured, every trust input must be a list it signed.

#[cfg(feature = "hcert")]
mod csca;
#[cfg(feature = "hcert")]
mod dsc;
mod error;
mod inputs;
mod revocation;
mod roots;
#[cfg(feature = "shc")]
mod shc;
mod signed;
mod state;
mod state_dir;

#[cfg(feature = "hcert")]
pub use csca::Csca;
#[cfg(feature = "hcert")]
pub(crate) use dsc::HcertAlg;
#[cfg(feature = "hcert")]
pub use dsc::{Dsc, DscUsage, MAX_DSC_LEN};
pub use error::{SignedListError, TrustError};
pub use inputs::{TrustInputError, TrustInputs};
pub use revocation::{revocation_id, RevocationId, RevocationList};
pub use roots::{fingerprint, Root};
pub use signed::{DocumentType, ListKind, ListedShcIssuer, TrustList};
pub use state::ListState;
pub use state_dir::{StateDir, StateError, StateListError};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::keys::{Kid, PublicKey};
use crate::model::{CountryCode, RecordKind, Timestamp};

/// One issuer key with what it may be used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The checked public key.
    pub key: PublicKey,
    /// The country whose certificates it signs.
    pub country: CountryCode,
    /// The key is valid for certificates issued at or after this instant.
    pub not_before: Option<Timestamp>,
    /// The key is valid for certificates issued at or before this instant.
    pub not_after: Option<Timestamp>,
    /// The record kinds it may sign.
    pub record_kinds: Vec<RecordKind>,
    /// The issuer withdrew the key: certificates it signed fail with
    /// `KeyRevoked`.
    pub revoked: bool,
    /// The longest validity (`exp - iat`, seconds) a certificate it signs may
    /// have; longer ones fail with `ValidityTooLong`. `None`: no limit.
    pub max_validity: Option<u64>,
    /// The root whose signed list vouched for the key (`None`: the key came
    /// from an unsigned JSON store or was added by the caller).
    pub vouched_by: Option<PublicKey>,
}

impl TrustedKey {
    /// A key for `country` allowed to sign every record kind, with no validity limits.
    pub fn new(key: PublicKey, country: CountryCode) -> Self {
        Self {
            key,
            country,
            not_before: None,
            not_after: None,
            record_kinds: RecordKind::KNOWN.to_vec(),
            revoked: false,
            max_validity: None,
            vouched_by: None,
        }
    }

    /// Whether the key was valid at `at`.
    pub fn valid_at(&self, at: Timestamp) -> bool {
        self.not_before.is_none_or(|nb| at >= nb) && self.not_after.is_none_or(|na| at <= na)
    }

    /// Whether the key may sign `kind`.
    pub fn allows(&self, kind: RecordKind) -> bool {
        self.record_kinds.contains(&kind)
    }
}

/// The issuer keys a verifier trusts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    by_kid: HashMap<Kid, Vec<TrustedKey>>,
    len: usize,
    /// Document signer certificates for `HC1:` certificates, by kid.
    #[cfg(feature = "hcert")]
    dscs: HashMap<Vec<u8>, Vec<Dsc>>,
    /// SMART Health Card issuers with their key sets.
    #[cfg(feature = "shc")]
    shc_issuers: Vec<shc::ShcIssuer>,
    /// Loaded from a signed trust list (or merged with one): unsigned trust
    /// data is refused from then on.
    signed: bool,
}

/// The JSON form of one key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    country: CountryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key_pem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_before: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_after: Option<Timestamp>,
    record_kinds: Vec<RecordKind>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_validity: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreJson {
    keys: Vec<KeyJson>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads the JSON form, checking every key. The JSON store is unsigned:
    /// a verifier that has root keys configured must not use it (see
    /// [`TrustInputs`], which refuses it then).
    pub fn from_json(json: &[u8]) -> Result<Self, TrustError> {
        let doc: StoreJson =
            serde_json::from_slice(json).map_err(|e| TrustError::Json(e.to_string()))?;
        let mut store = Self::new();
        for (index, k) in doc.keys.into_iter().enumerate() {
            store.add(key_from_json(index, k)?);
        }
        Ok(store)
    }

    /// Loads a signed trust list (FORMAT.md §12): `Ok` only when it is signed by
    /// one of `root_keys`, valid at `now` and strictly newer than
    /// `last_sequence` (0 before the first list). Returns the store and the
    /// list's sequence number, which the caller persists and passes next time.
    /// [`TrustList::verify`] also gives the list's next root keys.
    pub fn from_signed_list(
        bytes: &[u8],
        root_keys: &[PublicKey],
        now: Timestamp,
        last_sequence: u64,
    ) -> Result<(Self, u64), SignedListError> {
        let (list, _) = TrustList::verify(bytes, root_keys, now, last_sequence)?;
        let sequence = list.sequence;
        Ok((list.into_store(), sequence))
    }

    /// Whether this store came from a signed trust list (or was merged with
    /// one). Such a store refuses unsigned trust data with
    /// `TrustError::UnsignedRefused` (`TrustUnsignedRefused`): a DSC that was
    /// not checked against CSCAs, a SMART Health Card key set or revocation
    /// list. Under a root those come inside the list.
    pub fn is_signed(&self) -> bool {
        self.signed
    }

    /// Marks the store as loaded from a signed trust list.
    pub(crate) fn mark_signed(&mut self) {
        self.signed = true;
    }

    /// The JSON form (pretty-printed), keys in kid order.
    pub fn to_json(&self) -> String {
        let keys = self.keys().map(key_to_json).collect();
        serde_json::to_string_pretty(&StoreJson { keys }).unwrap_or_default()
    }

    /// Adds a key (keeping any others with the same kid).
    pub fn add(&mut self, key: TrustedKey) {
        self.by_kid.entry(key.key.kid()).or_default().push(key);
        self.len += 1;
    }

    /// Adds every key (and DSC and SMART Health Card issuer) of `other`; the
    /// result is signed when either was ([`TrustStore::is_signed`]).
    pub fn merge(&mut self, other: TrustStore) {
        self.signed |= other.signed;
        for key in other.by_kid.into_values().flatten() {
            self.add(key);
        }
        #[cfg(feature = "hcert")]
        for dsc in other.dscs.into_values().flatten() {
            self.insert_dsc(dsc);
        }
        #[cfg(feature = "shc")]
        for issuer in other.shc_issuers {
            match self.shc_issuers.iter_mut().find(|i| i.url == issuer.url) {
                Some(mine) => {
                    mine.keys.extend(issuer.keys);
                    mine.crls.extend(issuer.crls);
                }
                None => self.shc_issuers.push(issuer),
            }
        }
    }

    /// Adds a document signer certificate (keeping any others with the same
    /// kid). A DSC not checked against CSCAs ([`Dsc::chained`]) is unsigned
    /// trust data: refused when the store is signed
    /// ([`TrustStore::is_signed`]).
    #[cfg(feature = "hcert")]
    pub fn add_dsc(&mut self, dsc: Dsc) -> Result<(), TrustError> {
        if self.signed && !dsc.chain_checked() {
            return Err(TrustError::UnsignedRefused {
                what: "a bare document signer certificate",
                remedy: "it must come inside the list or chain to a configured CSCA",
            });
        }
        self.insert_dsc(dsc);
        Ok(())
    }

    /// Adds the document signer certificates in `bytes` (PEM, DER or the EU
    /// gateway's trust-list JSON), each checked against `cscas` when any is
    /// given ([`Dsc::chained`]). With no CSCA they are bare and a signed
    /// store refuses them before reading them. Returns how many were added.
    #[cfg(feature = "hcert")]
    pub fn add_dscs(&mut self, bytes: &[u8], cscas: &[Csca]) -> Result<usize, TrustError> {
        if self.signed && cscas.is_empty() {
            return Err(TrustError::UnsignedRefused {
                what: "a bare document signer certificate",
                remedy: "it must come inside the list or chain to a configured CSCA",
            });
        }
        let dscs = Dsc::load(bytes)?;
        let count = dscs.len();
        for dsc in dscs {
            self.insert_dsc(if cscas.is_empty() {
                dsc
            } else {
                dsc.chained(cscas)
            });
        }
        Ok(count)
    }

    /// Adds a DSC whether or not the store is signed (listed DSCs, merges).
    #[cfg(feature = "hcert")]
    pub(crate) fn insert_dsc(&mut self, dsc: Dsc) {
        self.dscs.entry(dsc.kid().to_vec()).or_default().push(dsc);
    }

    /// The DSCs with this kid.
    #[cfg(feature = "hcert")]
    pub fn dscs_for(&self, kid: &[u8]) -> &[Dsc] {
        self.dscs.get(kid).map_or(&[], Vec::as_slice)
    }

    /// Every DSC, in kid order.
    #[cfg(feature = "hcert")]
    pub fn dscs(&self) -> impl Iterator<Item = &Dsc> {
        let mut kids: Vec<&Vec<u8>> = self.dscs.keys().collect();
        kids.sort();
        kids.into_iter().flat_map(|kid| self.dscs_for(kid))
    }

    /// The keys with this kid.
    pub fn get(&self, kid: &Kid) -> &[TrustedKey] {
        self.by_kid.get(kid).map_or(&[], Vec::as_slice)
    }

    /// Every key, in kid order.
    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        let mut kids: Vec<&Kid> = self.by_kid.keys().collect();
        kids.sort();
        kids.into_iter().flat_map(|kid| self.get(kid))
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No keys at all (and, with `hcert`, no DSCs).
    pub fn is_empty(&self) -> bool {
        #[cfg(feature = "hcert")]
        if !self.dscs.is_empty() {
            return false;
        }
        #[cfg(feature = "shc")]
        if !self.shc_issuers.is_empty() {
            return false;
        }
        self.len == 0
    }
}

fn key_to_json(k: &TrustedKey) -> KeyJson {
    KeyJson {
        kid: Some(k.key.kid().to_string()),
        country: k.country,
        public_key: Some(hex::encode(k.key.to_bytes())),
        public_key_pem: None,
        not_before: k.not_before,
        not_after: k.not_after,
        record_kinds: k.record_kinds.clone(),
        revoked: k.revoked,
        max_validity: k.max_validity,
    }
}

fn key_from_json(index: usize, k: KeyJson) -> Result<TrustedKey, TrustError> {
    let key = match (&k.public_key, &k.public_key_pem) {
        (Some(hex), None) => PublicKey::from_hex(hex),
        (None, Some(pem)) => PublicKey::from_spki_pem(pem),
        _ => return Err(TrustError::KeyForm { index }),
    }
    .map_err(|source| TrustError::Key { index, source })?;
    if let Some(declared) = &k.kid {
        if Kid::from_hex(declared) != Some(key.kid()) {
            return Err(TrustError::KidMismatch {
                index,
                declared: declared.clone(),
                derived: key.kid(),
            });
        }
    }
    if let (Some(nb), Some(na)) = (k.not_before, k.not_after) {
        if na < nb {
            return Err(TrustError::Validity { index });
        }
    }
    if k.record_kinds.is_empty() {
        return Err(TrustError::NoRecordKinds { index });
    }
    if k.max_validity == Some(0) {
        return Err(TrustError::MaxValidity { index });
    }
    Ok(TrustedKey {
        key,
        country: k.country,
        not_before: k.not_before,
        not_after: k.not_after,
        record_kinds: k.record_kinds,
        revoked: k.revoked,
        max_validity: k.max_validity,
        vouched_by: None,
    })
}

/// The JSON form of a trust list (for people; what is signed is the CBOR).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListJson {
    issued_at: Timestamp,
    sequence: u64,
    expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    next_roots: Vec<String>,
    keys: Vec<KeyJson>,
    /// Document signer certificates (type 4 lists).
    #[cfg(feature = "hcert")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dscs: Vec<DscJson>,
    /// SMART Health Card issuers (type 4 lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shc_issuers: Vec<ShcIssuerJson>,
}

/// The JSON form of a listed SMART Health Card issuer: its country, URL and
/// key set (the JWKS object itself).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShcIssuerJson {
    country: CountryCode,
    url: String,
    keys: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    crls: Vec<serde_json::Value>,
}

/// JSON bytes as a JSON value; bytes that are not JSON show as their text.
fn json_value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The JSON form of a listed DSC: its country, the DER in base64 and, when
/// it is listed under another kid than its fingerprint, that kid (base64).
#[cfg(feature = "hcert")]
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DscJson {
    country: CountryCode,
    certificate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

impl TrustList {
    /// The JSON form: `issued_at`, `sequence`, `expires_at`, `next_roots`
    /// (hex), `keys` as in the trust-store JSON (FORMAT.md §7.2) and, with
    /// `hcert`, `dscs` (FORMAT.md §12.5).
    pub fn to_json(&self) -> String {
        let doc = ListJson {
            issued_at: self.issued_at,
            sequence: self.sequence,
            expires_at: self.expires_at,
            next_roots: self
                .next_roots
                .iter()
                .map(|k| hex::encode(k.to_bytes()))
                .collect(),
            keys: self.keys.iter().map(key_to_json).collect(),
            #[cfg(feature = "hcert")]
            dscs: self
                .dscs
                .iter()
                .filter_map(|d| {
                    use base64ct::Encoding;
                    Some(DscJson {
                        country: d.country()?,
                        certificate: base64ct::Base64::encode_string(d.der()),
                        kid: (d.kid() != d.fingerprint().0.as_slice())
                            .then(|| base64ct::Base64::encode_string(d.kid())),
                    })
                })
                .collect(),
            shc_issuers: self
                .shc_issuers
                .iter()
                .map(|i| ShcIssuerJson {
                    country: i.country,
                    url: i.url.clone(),
                    keys: json_value(&i.jwks),
                    crls: i.crls.iter().map(|c| json_value(c)).collect(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Reads the JSON form, checking every key as [`TrustStore::from_json`] does.
    pub fn from_json(json: &[u8]) -> Result<Self, TrustError> {
        let doc: ListJson =
            serde_json::from_slice(json).map_err(|e| TrustError::Json(e.to_string()))?;
        let keys = doc
            .keys
            .into_iter()
            .enumerate()
            .map(|(i, k)| key_from_json(i, k))
            .collect::<Result<Vec<_>, _>>()?;
        let next_roots = doc
            .next_roots
            .iter()
            .enumerate()
            .map(|(index, h)| {
                PublicKey::from_hex(h).map_err(|source| TrustError::Key { index, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        #[cfg(feature = "hcert")]
        let dscs = doc
            .dscs
            .into_iter()
            .enumerate()
            .map(|(index, d)| {
                let der = dsc::base64_decode(&d.certificate).ok_or(TrustError::Dsc {
                    index,
                    reason: "certificate is not base64".into(),
                })?;
                let mut dsc = Dsc::parse(index, &der, false)?.with_country(d.country);
                if let Some(kid) = d.kid {
                    dsc = dsc.with_kid(dsc::base64_decode(&kid).filter(|k| !k.is_empty()).ok_or(
                        TrustError::Dsc {
                            index,
                            reason: "kid is not base64".into(),
                        },
                    )?);
                }
                Ok(dsc)
            })
            .collect::<Result<Vec<_>, TrustError>>()?;
        let shc_issuers = doc
            .shc_issuers
            .into_iter()
            .map(|i| {
                let mut entry = ListedShcIssuer::new(
                    i.url,
                    i.country,
                    serde_json::to_vec(&i.keys).unwrap_or_default(),
                );
                entry.crls = i
                    .crls
                    .iter()
                    .map(|c| serde_json::to_vec(c).unwrap_or_default())
                    .collect();
                #[cfg(feature = "shc")]
                entry.check()?;
                Ok(entry)
            })
            .collect::<Result<Vec<_>, TrustError>>()?;
        Ok(Self {
            issued_at: doc.issued_at,
            sequence: doc.sequence,
            expires_at: doc.expires_at,
            keys,
            next_roots,
            #[cfg(feature = "hcert")]
            dscs,
            shc_issuers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyError;

    const TEST1: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn entry(key_field: &str) -> String {
        format!(r#"{{"keys": [{{"country": "CN", {key_field}, "record_kinds": ["nat"]}}]}}"#)
    }

    #[test]
    fn bad_keys_are_refused_with_their_own_error() {
        // The identity point: valid encoding, small order.
        let weak = format!("01{}", "00".repeat(31));
        let err = TrustStore::from_json(entry(&format!(r#""public_key": "{weak}""#)).as_bytes());
        assert_eq!(
            err,
            Err(TrustError::Key {
                index: 0,
                source: KeyError::WeakKey
            })
        );
        let err = TrustStore::from_json(entry(r#""public_key": "d75a98""#).as_bytes());
        assert_eq!(
            err,
            Err(TrustError::Key {
                index: 0,
                source: KeyError::WrongLength(3)
            })
        );
        let err = TrustStore::from_json(entry(r#""public_key": "xyz""#).as_bytes());
        assert_eq!(
            err,
            Err(TrustError::Key {
                index: 0,
                source: KeyError::NotHex
            })
        );
        let both = format!(r#""public_key": "{TEST1}", "public_key_pem": "x""#);
        assert_eq!(
            TrustStore::from_json(entry(&both).as_bytes()),
            Err(TrustError::KeyForm { index: 0 })
        );
        let kid = format!(r#""kid": "0000000000000000", "public_key": "{TEST1}""#);
        assert!(matches!(
            TrustStore::from_json(entry(&kid).as_bytes()),
            Err(TrustError::KidMismatch { index: 0, .. })
        ));
        let no_kinds = format!(
            r#"{{"keys": [{{"country": "CN", "public_key": "{TEST1}", "record_kinds": []}}]}}"#
        );
        assert_eq!(
            TrustStore::from_json(no_kinds.as_bytes()),
            Err(TrustError::NoRecordKinds { index: 0 })
        );
        assert!(matches!(
            TrustStore::from_json(b"{"),
            Err(TrustError::Json(_))
        ));
    }

    #[test]
    fn pem_and_hex_forms_load_the_same_key_and_shared_kids_are_kept() {
        let key = PublicKey::from_hex(TEST1).unwrap();
        let pem = serde_json::to_string(&key.to_spki_pem()).unwrap();
        let json = format!(
            r#"{{"keys": [
                {{"country": "CN", "public_key": "{TEST1}", "record_kinds": ["nat"]}},
                {{"country": "PK", "public_key_pem": {pem}, "record_kinds": ["vaccination"]}}
            ]}}"#
        );
        let store = TrustStore::from_json(json.as_bytes()).unwrap();
        assert_eq!(store.len(), 2);
        let both = store.get(&key.kid());
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].key, both[1].key);
        assert_ne!(both[0].country, both[1].country);
        // JSON export round-trips.
        let again = TrustStore::from_json(store.to_json().as_bytes()).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again.get(&key.kid()).len(), 2);
    }
}
