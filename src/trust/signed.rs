//! Signed trust lists (FORMAT.md §12): issuer keys signed by a root key.
//!
//! A [`TrustList`] is a CBOR map carried as the payload of a COSE_Sign1 signed
//! by a root key of the issuing authority. Loading one
//! ([`TrustList::verify`], [`super::TrustStore::from_signed_list`]) checks, in
//! this order: the COSE structure; a root key with the header's kid and a strict
//! Ed25519 signature under it; the document type; the fields; the list's own
//! validity (`issued_at <= now <= expires_at`); the sequence number (strictly
//! greater than the last one the caller accepted: no rollback); and every key,
//! exactly as the JSON store checks them (wrong length, invalid or weak point).
//!
//! Root rotation: a list may name `next_roots`. [`super::ListState`] records
//! who introduced whom (with the signed list as evidence) and honours an
//! introduced root only while its introducer is configured, with the
//! introducer's scope (FORMAT.md §12.2, §12.6).
//!
//! Decoding uses the strict [`Reader`] (no generic value tree); unknown map keys
//! are refused, because an ignored restriction would widen trust.
//!
//! (About 620 lines: the signed-list envelope, the trust-list document and
//! its key entries are kept together because loading checks them in one pass.)

use crate::codec::cbor::{encode, Reader, Writer};
use crate::cose::CoseSign1;
use crate::keys::{Kid, PublicKey};
use crate::model::{CountryCode, RecordKind, Timestamp};
use crate::{SignedListError, VerifyError};

use super::roots::{unscoped, Root};
use super::{TrustStore, TrustedKey};

/// The document types a root may sign (map key 0 of every signed list), so a
/// list of one type can never be taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    /// `1`: a trust list.
    TrustList,
    /// `2`: a revocation list.
    RevocationList,
    /// `3`: a trust list whose keys may carry `max_validity` (FORMAT.md
    /// §12.2); otherwise read exactly as type 1.
    TrustListV2,
    /// `4`: a trust list that may also carry document signer certificates
    /// (FORMAT.md §12.2); its keys are read as in type 3.
    TrustListDsc,
}

impl DocumentType {
    /// The wire code.
    pub fn code(self) -> u64 {
        match self {
            Self::TrustList => 1,
            Self::RevocationList => 2,
            Self::TrustListV2 => 3,
            Self::TrustListDsc => 4,
        }
    }

    /// An English name.
    pub fn name(self) -> &'static str {
        match self {
            Self::TrustList => "trust list",
            Self::RevocationList => "revocation list",
            Self::TrustListV2 => "trust list (type 3)",
            Self::TrustListDsc => "trust list (type 4)",
        }
    }

    fn from_code(code: u64) -> Option<Self> {
        match code {
            1 => Some(Self::TrustList),
            2 => Some(Self::RevocationList),
            3 => Some(Self::TrustListV2),
            4 => Some(Self::TrustListDsc),
            _ => None,
        }
    }

    /// The kind of list: trust lists of both types share one kind (and so one
    /// sequence counter, FORMAT.md §12.1).
    pub fn kind(self) -> ListKind {
        match self {
            Self::TrustList | Self::TrustListV2 | Self::TrustListDsc => ListKind::Trust,
            Self::RevocationList => ListKind::Revocation,
        }
    }
}

/// The kind of a signed list: what identifies a list, with its signing root,
/// for sequence numbers (FORMAT.md §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// Trust lists (document types 1, 3 and 4).
    Trust,
    /// Revocation lists (document type 2).
    Revocation,
}

impl ListKind {
    /// The name used in state files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Trust => "trust",
            Self::Revocation => "revocation",
        }
    }
}

/// Map keys of the common list header.
pub(crate) mod key {
    pub const TYPE: i64 = 0;
    pub const ISSUED_AT: i64 = 1;
    pub const SEQUENCE: i64 = 2;
    pub const EXPIRES_AT: i64 = 3;
    pub const BODY: i64 = 4;
    pub const NEXT_ROOTS: i64 = 5;
    pub const DSCS: i64 = 6;
    pub const SHC_ISSUERS: i64 = 7;
}

/// Map keys of one SMART Health Card issuer entry (type 4).
mod shc_entry {
    pub const URL: i64 = 1;
    pub const COUNTRY: i64 = 2;
    pub const KEYS: i64 = 3;
    pub const CRLS: i64 = 4;
}

/// The most revocation lists one SMART Health Card issuer entry may carry
/// (one per key of its key set, at most 64 keys).
const MAX_LISTED_CRLS: usize = 64;

/// The longest key set a SMART Health Card issuer entry may carry, in bytes.
const MAX_LISTED_JWKS_LEN: usize = 64 * 1024;

/// Map keys of one document signer certificate entry (type 4).
mod dsc_entry {
    pub const CERTIFICATE: i64 = 1;
    pub const COUNTRY: i64 = 2;
    pub const KID: i64 = 3;
}

/// The longest DSC a list entry may carry, in bytes of DER.
const MAX_LISTED_DSC_LEN: usize = 16 * 1024;

/// Map keys of one trusted key entry.
mod entry {
    pub const PUBLIC_KEY: i64 = 1;
    pub const COUNTRY: i64 = 2;
    pub const NOT_BEFORE: i64 = 3;
    pub const NOT_AFTER: i64 = 4;
    pub const RECORD_KINDS: i64 = 5;
    pub const REVOKED: i64 = 6;
    pub const MAX_VALIDITY: i64 = 7;
}

/// The most entries the lists accept in one array (keys, roots).
const MAX_KEYS: usize = 65_536;

/// A trust list: the issuer keys, with the list's own issue time, sequence
/// number and expiry, and the root keys that sign the next lists (rotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// When the list was issued.
    pub issued_at: Timestamp,
    /// The list's sequence number, from 1; each new list has a greater one.
    pub sequence: u64,
    /// After this instant the list is no longer accepted.
    pub expires_at: Timestamp,
    /// The issuer keys (a revoked key is listed with `revoked: true`).
    pub keys: Vec<TrustedKey>,
    /// Root keys that sign the following lists (root rotation); usually empty.
    pub next_roots: Vec<PublicKey>,
    /// Document signer certificates for `HC1:` certificates (type 4), each
    /// with its country.
    #[cfg(feature = "hcert")]
    pub dscs: Vec<super::Dsc>,
    /// SMART Health Card issuers with their key sets (type 4). A verifier
    /// built without `shc` checks the entries and does not use them.
    pub shc_issuers: Vec<ListedShcIssuer>,
}

/// A SMART Health Card issuer in a trust list: its URL (the cards' `iss`),
/// the country whose root scope it falls under, and its key set (the JWKS
/// JSON it publishes at `<url>/.well-known/jwks.json`), signed by the root
/// like every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedShcIssuer {
    /// The issuer URL: https, no trailing slash.
    pub url: String,
    /// The country (ISO 3166-1 alpha-2) the signing root's scope must allow.
    pub country: CountryCode,
    /// The key set, as the issuer publishes it (JSON), at most 64 KiB.
    pub jwks: Vec<u8>,
    /// The revocation lists of its keys (method `rid`, JSON, as published at
    /// `<url>/.well-known/crl/<kid>.json`); usually empty.
    pub crls: Vec<Vec<u8>>,
    /// The root whose signature covered this entry, set when a list is
    /// decoded under a root (not encoded).
    pub vouched_by: Option<PublicKey>,
}

impl ListedShcIssuer {
    /// An entry for `url` with its key set and no revocation lists.
    pub fn new(url: impl Into<String>, country: CountryCode, jwks: Vec<u8>) -> Self {
        Self {
            url: url.into(),
            country,
            jwks,
            crls: Vec::new(),
            vouched_by: None,
        }
    }

    /// The entry as a verifier will load it: its URL, key set and revocation
    /// lists read as `TrustStore::add_shc_issuer` and `add_shc_crl` read them
    /// (a list must name a key of this key set, with its `crlVersion`).
    #[cfg(feature = "shc")]
    pub fn check(&self) -> Result<(), crate::TrustError> {
        let mut store = TrustStore::new();
        store.add_shc_issuer(&self.url, &self.jwks)?;
        for crl in &self.crls {
            store.add_shc_crl(crl)?;
        }
        Ok(())
    }
}

/// A signed list opened and its signature checked: the common header and the
/// raw body item.
pub(crate) struct Opened<'a> {
    pub issued_at: Timestamp,
    pub sequence: u64,
    pub expires_at: Timestamp,
    pub body: &'a [u8],
    pub next_roots: Option<&'a [u8]>,
    pub dscs: Option<&'a [u8]>,
    pub shc_issuers: Option<&'a [u8]>,
    pub signer: Kid,
    /// The root whose signature verified (None when inspecting).
    pub root: Option<Root>,
    pub doc_type: DocumentType,
}

fn malformed(e: VerifyError) -> SignedListError {
    SignedListError::Malformed(e)
}

fn field(field: impl Into<String>, reason: impl Into<String>) -> SignedListError {
    SignedListError::Field {
        field: field.into(),
        reason: reason.into(),
    }
}

fn instant(r: &mut Reader<'_>, name: &str) -> Result<Timestamp, SignedListError> {
    let n = r.u64(name).map_err(malformed)?;
    i64::try_from(n)
        .ok()
        .and_then(|n| Timestamp::from_unix(n).ok())
        .ok_or_else(|| field(name, format!("{n} is not an instant up to 9999-12-31")))
}

/// The kid in a signed list's header (only the COSE structure is parsed;
/// nothing is checked), or `None` when it does not parse.
pub(crate) fn signer_kid(cose: &[u8]) -> Option<Kid> {
    CoseSign1::parse(cose).ok().map(|s| s.header.kid)
}

/// Parses the COSE_Sign1, checks the signature under `roots` (when given) and
/// the common header. `roots = None` decodes without checking (inspection).
pub(crate) fn open<'a>(
    cose: &'a [u8],
    roots: Option<&[Root]>,
    expected: ListKind,
) -> Result<Opened<'a>, SignedListError> {
    let sign1 = CoseSign1::parse(cose).map_err(malformed)?;
    let kid = sign1.header.kid;
    let mut root = None;
    if let Some(roots) = roots {
        let mut candidates = roots.iter().filter(|r| r.key().kid() == kid).peekable();
        if candidates.peek().is_none() {
            return Err(SignedListError::UnknownRoot { kid });
        }
        let tbs = sign1.to_be_signed();
        root = candidates
            .find(|r| r.key().verify_strict(&tbs, &sign1.signature))
            .cloned();
        if root.is_none() {
            return Err(SignedListError::SignatureInvalid { kid });
        }
    }
    let mut r = Reader::new(sign1.payload);
    let mut items: Vec<(i64, &'a [u8])> = Vec::new();
    r.int_map("the list map", |r, k| {
        items.push((k, r.raw_item(1)?));
        Ok(())
    })
    .map_err(malformed)?;
    r.finish().map_err(malformed)?;
    let get = |k: i64| items.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let required = |k: i64, name: &str| get(k).ok_or_else(|| field(name, "is missing"));

    let mut tr = Reader::new(required(key::TYPE, "type")?);
    let code = tr.u64("the document type").map_err(malformed)?;
    let doc_type = match DocumentType::from_code(code) {
        Some(t) if t.kind() == expected => t,
        found => {
            return Err(SignedListError::WrongDocumentType {
                expected: match expected {
                    ListKind::Trust => DocumentType::TrustList.name(),
                    ListKind::Revocation => DocumentType::RevocationList.name(),
                },
                found: found.map_or_else(
                    || format!("document of unknown type {code}"),
                    |t| t.name().to_owned(),
                ),
            });
        }
    };
    for (k, _) in &items {
        let allowed = match doc_type {
            DocumentType::TrustListDsc => (key::TYPE..=key::SHC_ISSUERS).contains(k),
            DocumentType::TrustList | DocumentType::TrustListV2 => {
                (key::TYPE..=key::NEXT_ROOTS).contains(k)
            }
            DocumentType::RevocationList => (key::TYPE..=key::BODY).contains(k),
        };
        if !allowed {
            return Err(field(format!("key {k}"), "is not defined for this list"));
        }
    }
    let issued_at = instant(
        &mut Reader::new(required(key::ISSUED_AT, "issued_at")?),
        "issued_at",
    )?;
    let sequence = Reader::new(required(key::SEQUENCE, "sequence")?)
        .u64("sequence")
        .map_err(malformed)?;
    let expires_at = instant(
        &mut Reader::new(required(key::EXPIRES_AT, "expires_at")?),
        "expires_at",
    )?;
    if expires_at <= issued_at {
        return Err(field("expires_at", "is not after issued_at"));
    }
    Ok(Opened {
        issued_at,
        sequence,
        expires_at,
        body: required(key::BODY, "body")?,
        next_roots: get(key::NEXT_ROOTS),
        dscs: get(key::DSCS),
        shc_issuers: get(key::SHC_ISSUERS),
        signer: kid,
        root,
        doc_type,
    })
}

/// The checks that follow a good signature: the list's validity at `now` and
/// the sequence number against the last one accepted.
pub(crate) fn check_fresh(
    o: &Opened<'_>,
    now: Timestamp,
    last_sequence: u64,
) -> Result<(), SignedListError> {
    if now < o.issued_at {
        return Err(SignedListError::NotYetValid {
            issued_at: o.issued_at,
        });
    }
    if now > o.expires_at {
        return Err(SignedListError::Expired {
            expires_at: o.expires_at,
        });
    }
    if o.sequence <= last_sequence {
        return Err(SignedListError::Rollback {
            sequence: o.sequence,
            last_sequence,
        });
    }
    Ok(())
}

/// Encodes the common header around `body` (an encoded item), with the
/// list's optional fields (`key::NEXT_ROOTS` and after, each an encoded item).
pub(crate) fn encode_list(
    doc: DocumentType,
    issued_at: Timestamp,
    sequence: u64,
    expires_at: Timestamp,
    body: Vec<u8>,
    optional: Vec<(i64, Vec<u8>)>,
) -> Vec<u8> {
    let uint = |n: u64| {
        encode(|w| {
            w.uint(n);
        })
    };
    let mut entries = vec![
        (key::TYPE, uint(doc.code())),
        (key::ISSUED_AT, uint(issued_at.unix().unsigned_abs())),
        (key::SEQUENCE, uint(sequence)),
        (key::EXPIRES_AT, uint(expires_at.unix().unsigned_abs())),
        (key::BODY, body),
    ];
    entries.extend(optional);
    encode(|w| {
        w.map_sorted(entries);
    })
}

impl TrustList {
    /// An empty list.
    pub fn new(issued_at: Timestamp, sequence: u64, expires_at: Timestamp) -> Self {
        Self {
            issued_at,
            sequence,
            expires_at,
            keys: Vec::new(),
            next_roots: Vec::new(),
            #[cfg(feature = "hcert")]
            dscs: Vec::new(),
            shc_issuers: Vec::new(),
        }
    }

    /// The list's CBOR (the COSE payload), deterministically encoded.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.array(self.keys.len());
        for k in &self.keys {
            w.raw(&encode_key(k));
        }
        let roots = (!self.next_roots.is_empty()).then(|| {
            encode(|w| {
                w.array(self.next_roots.len());
                for r in &self.next_roots {
                    w.bytes(&r.to_bytes());
                }
            })
        });
        #[cfg(feature = "hcert")]
        let dscs = (!self.dscs.is_empty()).then(|| {
            encode(|w| {
                w.array(self.dscs.len());
                for d in &self.dscs {
                    w.raw(&encode_dsc(d));
                }
            })
        });
        #[cfg(not(feature = "hcert"))]
        let dscs = None;
        let shc_issuers = (!self.shc_issuers.is_empty()).then(|| {
            encode(|w| {
                w.array(self.shc_issuers.len());
                for i in &self.shc_issuers {
                    w.raw(&encode_shc_issuer(i));
                }
            })
        });
        let optional = [
            (key::NEXT_ROOTS, roots),
            (key::DSCS, dscs),
            (key::SHC_ISSUERS, shc_issuers),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
        encode_list(
            self.document_type(),
            self.issued_at,
            self.sequence,
            self.expires_at,
            w.into_bytes(),
            optional,
        )
    }

    /// Lists a SMART Health Card revocation list with the listed issuer whose
    /// key set has the key it names (with that key's `crlVersion`); fails,
    /// listing nothing, when no listed issuer takes it.
    #[cfg(feature = "shc")]
    pub fn add_shc_crl(&mut self, crl: Vec<u8>) -> Result<(), crate::TrustError> {
        let mut refusal = None;
        for entry in &mut self.shc_issuers {
            entry.crls.push(crl.clone());
            match entry.check() {
                Ok(()) => return Ok(()),
                Err(e) => {
                    entry.crls.pop();
                    refusal = Some(e);
                }
            }
        }
        Err(refusal.unwrap_or(crate::TrustError::ShcCrl {
            reason: "the list has no SMART Health Card issuer".to_owned(),
        }))
    }

    /// The document type the list is encoded as: 4 when it carries DSCs or
    /// SMART Health Card issuers, 3 when a key carries `max_validity` (which
    /// type 1 cannot express), else 1.
    pub fn document_type(&self) -> DocumentType {
        #[cfg(feature = "hcert")]
        if !self.dscs.is_empty() {
            return DocumentType::TrustListDsc;
        }
        if !self.shc_issuers.is_empty() {
            return DocumentType::TrustListDsc;
        }
        if self.keys.iter().any(|k| k.max_validity.is_some()) {
            DocumentType::TrustListV2
        } else {
            DocumentType::TrustList
        }
    }

    /// Signs the list with a root key: the COSE_Sign1 bytes to distribute.
    /// A listed DSC must have a country (its own subject `C` or one given
    /// with [`crate::trust::Dsc::with_country`]); a listed SMART Health Card
    /// issuer must load as a verifier will load it ([`ListedShcIssuer::check`]).
    #[cfg(feature = "issue")]
    pub fn sign(&self, root: &impl crate::keys::Signer) -> Result<Vec<u8>, crate::keys::SignError> {
        #[cfg(feature = "hcert")]
        if let Some(i) = self.dscs.iter().position(|d| d.country().is_none()) {
            return Err(crate::keys::SignError::new(
                format!("DSC #{i} has no country: give one").into(),
            ));
        }
        #[cfg(feature = "shc")]
        for (i, entry) in self.shc_issuers.iter().enumerate() {
            entry.check().map_err(|e| {
                crate::keys::SignError::new(format!("SMART Health Card issuer #{i}: {e}").into())
            })?;
        }
        sign_list(root, &self.to_cbor())
    }

    /// Loads a signed list: `Ok` only when it is signed by one of `roots`, valid
    /// at `now`, newer than `last_sequence` (use 0 before the first list) and
    /// every key loads. Also returns the kid of the root that signed it. The
    /// roots are unscoped; see [`TrustList::verify_with_roots`].
    pub fn verify(
        cose: &[u8],
        roots: &[PublicKey],
        now: Timestamp,
        last_sequence: u64,
    ) -> Result<(Self, Kid), SignedListError> {
        let (list, root) = Self::verify_with_roots(cose, &unscoped(roots), now, last_sequence)?;
        Ok((list, root.key().kid()))
    }

    /// Like [`TrustList::verify`] with scoped roots: every key must be of a
    /// country in the signing root's scope (`ListKeyOutOfScope`), and each
    /// key's `vouched_by` names the root. Also returns that root.
    pub fn verify_with_roots(
        cose: &[u8],
        roots: &[Root],
        now: Timestamp,
        last_sequence: u64,
    ) -> Result<(Self, Root), SignedListError> {
        let opened = open(cose, Some(roots), ListKind::Trust)?;
        check_fresh(&opened, now, last_sequence)?;
        let list = Self::decode(&opened)?;
        let root = opened
            .root
            .ok_or(SignedListError::UnknownRoot { kid: opened.signer })?;
        Ok((list, root))
    }

    /// The list signed by `root`, checking only its signature, type and
    /// content (not its validity or sequence): the evidence that `root`
    /// introduced its `next_roots`.
    pub(crate) fn verify_signature_only(cose: &[u8], root: &Root) -> Result<Self, SignedListError> {
        let opened = open(cose, Some(std::slice::from_ref(root)), ListKind::Trust)?;
        Self::decode(&opened)
    }

    /// Decodes a signed list WITHOUT checking its signature, validity or
    /// sequence (for `trust inspect`); also returns the signer's kid.
    pub fn inspect(cose: &[u8]) -> Result<(Self, Kid), SignedListError> {
        let opened = open(cose, None, ListKind::Trust)?;
        let signer = opened.signer;
        Ok((Self::decode(&opened)?, signer))
    }

    fn decode(o: &Opened<'_>) -> Result<Self, SignedListError> {
        let mut r = Reader::new(o.body);
        let n = r.array("the key array").map_err(malformed)?;
        if n > MAX_KEYS {
            return Err(field(
                "keys",
                format!("has {n} entries; at most {MAX_KEYS}"),
            ));
        }
        let mut keys = Vec::with_capacity(n);
        let v2 = matches!(
            o.doc_type,
            DocumentType::TrustListV2 | DocumentType::TrustListDsc
        );
        for index in 0..n {
            let mut key = decode_key(&mut r, index, v2)?;
            if let Some(root) = &o.root {
                if !root.allows(key.country) {
                    return Err(SignedListError::KeyOutOfScope {
                        index,
                        country: key.country.to_string(),
                        root: root.fingerprint(),
                    });
                }
                key.vouched_by = Some(root.key().clone());
            }
            keys.push(key);
        }
        r.finish().map_err(malformed)?;
        let mut next_roots = Vec::new();
        if let Some(raw) = o.next_roots {
            let mut r = Reader::new(raw);
            let n = r.array("the next roots").map_err(malformed)?;
            for index in 0..n.min(MAX_KEYS) {
                let b = r.bytes("a root key").map_err(malformed)?;
                next_roots.push(
                    PublicKey::from_bytes(b)
                        .map_err(|e| field(format!("next_roots[{index}]"), e.to_string()))?,
                );
            }
            r.finish().map_err(malformed)?;
        }
        #[cfg_attr(not(feature = "hcert"), allow(unused_variables))]
        let dscs = match o.dscs {
            Some(raw) => decode_dscs(raw, o.root.as_ref())?,
            None => Vec::new(),
        };
        let shc_issuers = match o.shc_issuers {
            Some(raw) => decode_shc_issuers(raw, o.root.as_ref())?,
            None => Vec::new(),
        };
        Ok(Self {
            issued_at: o.issued_at,
            sequence: o.sequence,
            expires_at: o.expires_at,
            keys,
            next_roots,
            #[cfg(feature = "hcert")]
            dscs,
            shc_issuers,
        })
    }

    /// The list's entries as a trust store (revoked keys included, marked
    /// revoked). The store is signed ([`TrustStore::is_signed`]): it refuses
    /// unsigned trust data added later.
    pub fn into_store(self) -> TrustStore {
        let mut store = TrustStore::new();
        store.mark_signed();
        for k in self.keys {
            store.add(k);
        }
        #[cfg(feature = "hcert")]
        for d in self.dscs {
            store.insert_dsc(d);
        }
        // A decoded list's entries were read by these same calls when it was
        // decoded (`ListedShcIssuer::check`), so none fails here; an entry of
        // a list built by hand that does not load is left out
        // (`TrustList::sign` refuses to sign such a list).
        #[cfg(feature = "shc")]
        for i in self.shc_issuers {
            if store
                .add_listed_shc_issuer(&i.url, &i.jwks, i.vouched_by)
                .is_ok()
            {
                for crl in &i.crls {
                    let _ = store.insert_shc_crl(crl);
                }
            }
        }
        store
    }
}

/// A listed DSC as the store keeps it (with `hcert`); without the feature
/// the entries are checked and dropped (the verifier cannot use them).
#[cfg(feature = "hcert")]
type ListedDsc = super::Dsc;
#[cfg(not(feature = "hcert"))]
type ListedDsc = ();

/// One entry of a type-4 entry array being read: its name for errors, the
/// first failure found inside its map (the map is read to its end first, so
/// a malformed item after a bad field is still reported as malformed), and
/// the fields every entry shares.
struct EntryReader<'n> {
    array: &'n str,
    index: usize,
    failure: Option<SignedListError>,
    country: Option<CountryCode>,
}

impl EntryReader<'_> {
    /// The error name of field `f` of this entry, e.g. `dscs[3].country`.
    fn name(&self, f: &str) -> String {
        format!("{}[{}].{f}", self.array, self.index)
    }

    /// Records a failure (the first one wins).
    fn fail(&mut self, f: impl Into<String>, reason: impl Into<String>) {
        let name = self.name(&f.into());
        self.failure.get_or_insert(field(name, reason));
    }

    /// Reads the country field.
    fn read_country(&mut self, r: &mut Reader<'_>) -> Result<(), VerifyError> {
        match CountryCode::new(r.text("the country")?) {
            Ok(c) => self.country = Some(c),
            Err(e) => self.fail("country", e.to_string()),
        }
        Ok(())
    }

    /// Skips a key the format does not define, and records it as a failure.
    fn unknown(&mut self, r: &mut Reader<'_>, label: i64) -> Result<(), VerifyError> {
        r.raw_item(3)?;
        let name = format!("{}[{}] key {label}", self.array, self.index);
        self.failure.get_or_insert(field(name, "is not defined"));
        Ok(())
    }

    /// A required field, or the error naming it.
    fn required<T>(&self, value: Option<T>, f: &str) -> Result<T, SignedListError> {
        value.ok_or_else(|| field(self.name(f), "is missing"))
    }

    /// A byte field of at most `max` bytes.
    fn at_most<'b>(
        &self,
        value: &'b [u8],
        f: &str,
        max: usize,
    ) -> Result<&'b [u8], SignedListError> {
        if value.len() > max {
            return Err(field(self.name(f), format!("is longer than {max} bytes")));
        }
        Ok(value)
    }

    /// The first failure found while reading the entry's map, if any.
    fn failed(&mut self) -> Result<(), SignedListError> {
        self.failure.take().map_or(Ok(()), Err)
    }

    /// The entry's country, which must be present and within the signing
    /// root's scope (`out_of_scope` builds that error).
    fn scoped_country(
        &self,
        root: Option<&Root>,
        out_of_scope: fn(usize, String, String) -> SignedListError,
    ) -> Result<CountryCode, SignedListError> {
        let country = self.required(self.country, "country")?;
        match root {
            Some(root) if !root.allows(country) => Err(out_of_scope(
                self.index,
                country.to_string(),
                root.fingerprint(),
            )),
            _ => Ok(country),
        }
    }
}

/// Reads a type-4 entry array named `array` (at most [`MAX_KEYS`] entries):
/// `entry` reads each entry's map with the `EntryReader` it is given.
fn decode_entries<'a, T>(
    raw: &'a [u8],
    array: &str,
    what: &str,
    mut entry: impl FnMut(&mut Reader<'a>, EntryReader<'_>) -> Result<T, SignedListError>,
) -> Result<Vec<T>, SignedListError> {
    let mut r = Reader::new(raw);
    let n = r.array(what).map_err(malformed)?;
    if n > MAX_KEYS {
        return Err(field(array, format!("has {n} entries; at most {MAX_KEYS}")));
    }
    let mut out = Vec::with_capacity(n.min(1024));
    for index in 0..n {
        let reader = EntryReader {
            array,
            index,
            failure: None,
            country: None,
        };
        out.push(entry(&mut r, reader)?);
    }
    r.finish().map_err(malformed)?;
    Ok(out)
}

/// The DSC entries of a type-4 list: each checked (fields, length, country
/// against the signing root's scope) and, with `hcert`, read as a DSC.
fn decode_dscs(raw: &[u8], root: Option<&Root>) -> Result<Vec<ListedDsc>, SignedListError> {
    decode_entries(raw, "dscs", "the DSC array", |r, mut e| {
        let mut der = None;
        let mut kid = None;
        r.int_map("a DSC entry", |r, label| match label {
            dsc_entry::CERTIFICATE => r.bytes("the certificate").map(|v| der = Some(v)),
            dsc_entry::COUNTRY => e.read_country(r),
            dsc_entry::KID => r.bytes("the kid").map(|v| kid = Some(v)),
            other => e.unknown(r, other),
        })
        .map_err(malformed)?;
        e.failed()?;
        let der = e.required(der, "certificate")?;
        e.required(e.country, "country")?;
        let der = e.at_most(der, "certificate", MAX_LISTED_DSC_LEN)?;
        if kid.is_some_and(<[u8]>::is_empty) {
            return Err(field(e.name("kid"), "is empty"));
        }
        let index = e.index;
        let country = e.scoped_country(root, |index, country, root| {
            SignedListError::DscOutOfScope {
                index,
                country,
                root,
            }
        })?;
        #[cfg(feature = "hcert")]
        {
            let mut dsc = super::Dsc::parse(index, der, false)
                .map_err(|e| SignedListError::Dsc {
                    index,
                    reason: e.to_string(),
                })?
                .with_country(country);
            if let Some(kid) = kid {
                dsc = dsc.with_kid(kid.to_vec());
            }
            if let Some(root) = root {
                dsc = dsc.vouched(root.key().clone());
            }
            Ok(dsc)
        }
        #[cfg(not(feature = "hcert"))]
        {
            let _ = (index, country, der, kid);
            Ok(())
        }
    })
}

/// The SMART Health Card issuer entries of a type-4 list: each checked
/// (fields, length, country against the signing root's scope) and, with
/// `shc`, its URL and key set read as `TrustStore::add_shc_issuer` reads them.
fn decode_shc_issuers(
    raw: &[u8],
    root: Option<&Root>,
) -> Result<Vec<ListedShcIssuer>, SignedListError> {
    decode_entries(
        raw,
        "shc_issuers",
        "the SMART Health Card issuer array",
        |r, mut e| {
            let mut url = None;
            let mut jwks = None;
            let mut crls = Vec::new();
            r.int_map("a SMART Health Card issuer entry", |r, label| match label {
                shc_entry::URL => r.text("the issuer URL").map(|v| url = Some(v)),
                shc_entry::COUNTRY => e.read_country(r),
                shc_entry::KEYS => r.bytes("the key set").map(|v| jwks = Some(v)),
                shc_entry::CRLS => {
                    let n = r.array("the revocation lists")?;
                    if n > MAX_LISTED_CRLS {
                        e.fail(
                            "crls",
                            format!("has {n} entries; at most {MAX_LISTED_CRLS}"),
                        );
                    }
                    for i in 0..n {
                        if i < MAX_LISTED_CRLS {
                            crls.push(r.bytes("a revocation list")?.to_vec());
                        } else {
                            r.raw_item(3)?;
                        }
                    }
                    Ok(())
                }
                other => e.unknown(r, other),
            })
            .map_err(malformed)?;
            e.failed()?;
            let url = e.required(url, "url")?;
            e.required(e.country, "country")?;
            let jwks = e.at_most(e.required(jwks, "keys")?, "keys", MAX_LISTED_JWKS_LEN)?;
            let index = e.index;
            let country = e.scoped_country(root, |index, country, root| {
                SignedListError::ShcIssuerOutOfScope {
                    index,
                    country,
                    root,
                }
            })?;
            let entry = ListedShcIssuer {
                url: url.to_owned(),
                country,
                jwks: jwks.to_vec(),
                crls,
                vouched_by: root.map(|r| r.key().clone()),
            };
            #[cfg(feature = "shc")]
            entry.check().map_err(|e| SignedListError::ShcIssuer {
                index,
                reason: e.to_string(),
            })?;
            #[cfg(not(feature = "shc"))]
            let _ = index;
            Ok(entry)
        },
    )
}

fn encode_shc_issuer(i: &ListedShcIssuer) -> Vec<u8> {
    let mut entries = vec![
        (
            shc_entry::URL,
            encode(|w| {
                w.text(&i.url);
            }),
        ),
        (
            shc_entry::COUNTRY,
            encode(|w| {
                w.text(i.country.as_str());
            }),
        ),
        (
            shc_entry::KEYS,
            encode(|w| {
                w.bytes(&i.jwks);
            }),
        ),
    ];
    if !i.crls.is_empty() {
        entries.push((
            shc_entry::CRLS,
            encode(|w| {
                w.array(i.crls.len());
                for crl in &i.crls {
                    w.bytes(crl);
                }
            }),
        ));
    }
    encode(|w| {
        w.map_sorted(entries);
    })
}

#[cfg(feature = "hcert")]
fn encode_dsc(d: &super::Dsc) -> Vec<u8> {
    let mut entries = vec![(
        dsc_entry::CERTIFICATE,
        encode(|w| {
            w.bytes(d.der());
        }),
    )];
    if let Some(country) = d.country() {
        entries.push((
            dsc_entry::COUNTRY,
            encode(|w| {
                w.text(country.as_str());
            }),
        ));
    }
    if d.kid() != d.fingerprint().0.as_slice() {
        entries.push((
            dsc_entry::KID,
            encode(|w| {
                w.bytes(d.kid());
            }),
        ));
    }
    encode(|w| {
        w.map_sorted(entries);
    })
}

fn encode_key(k: &TrustedKey) -> Vec<u8> {
    let uint = |n: u64| {
        encode(|w| {
            w.uint(n);
        })
    };
    let mut entries = vec![
        (
            entry::PUBLIC_KEY,
            encode(|w| {
                w.bytes(&k.key.to_bytes());
            }),
        ),
        (
            entry::COUNTRY,
            encode(|w| {
                w.text(k.country.as_str());
            }),
        ),
        (
            entry::RECORD_KINDS,
            encode(|w| {
                w.array(k.record_kinds.len());
                for kind in &k.record_kinds {
                    w.uint(u64::from(kind.code()));
                }
            }),
        ),
    ];
    if let Some(nb) = k.not_before {
        entries.push((entry::NOT_BEFORE, uint(nb.unix().unsigned_abs())));
    }
    if let Some(na) = k.not_after {
        entries.push((entry::NOT_AFTER, uint(na.unix().unsigned_abs())));
    }
    if let Some(max) = k.max_validity {
        entries.push((entry::MAX_VALIDITY, uint(max)));
    }
    if k.revoked {
        entries.push((
            entry::REVOKED,
            encode(|w| {
                w.bool(true);
            }),
        ));
    }
    encode(|w| {
        w.map_sorted(entries);
    })
}

fn decode_key(r: &mut Reader<'_>, index: usize, v2: bool) -> Result<TrustedKey, SignedListError> {
    let name = |f: &str| format!("keys[{index}].{f}");
    let mut key = None;
    let mut country = None;
    let mut not_before = None;
    let mut not_after = None;
    let mut kinds = None;
    let mut revoked = false;
    let mut max_validity = None;
    // The closure can only return VerifyError; field errors are carried out.
    let mut failure: Option<SignedListError> = None;
    r.int_map("a trusted key", |r, label| {
        match label {
            entry::PUBLIC_KEY => {
                let b = r.bytes("the public key")?;
                match PublicKey::from_bytes(b) {
                    Ok(k) => key = Some(k),
                    Err(source) => {
                        failure.get_or_insert(SignedListError::Key { index, source });
                    }
                }
            }
            entry::COUNTRY => {
                let c = r.text("the country")?;
                match CountryCode::new(c) {
                    Ok(c) => country = Some(c),
                    Err(e) => {
                        failure.get_or_insert(field(name("country"), e.to_string()));
                    }
                }
            }
            entry::NOT_BEFORE | entry::NOT_AFTER => match instant(r, "not_before / not_after") {
                Ok(t) if label == entry::NOT_BEFORE => not_before = Some(t),
                Ok(t) => not_after = Some(t),
                Err(e) => {
                    failure.get_or_insert(e);
                }
            },
            entry::RECORD_KINDS => {
                let n = r.array("the record kinds")?;
                let mut v = Vec::with_capacity(n.min(16));
                for _ in 0..n {
                    v.push(RecordKind::from_code(r.code("a record kind")?));
                }
                kinds = Some(v);
            }
            entry::REVOKED => revoked = r.bool("the revoked flag")?,
            entry::MAX_VALIDITY if v2 => {
                let n = r.u64("max_validity")?;
                if n == 0 {
                    failure.get_or_insert(field(name("max_validity"), "must be at least 1 second"));
                }
                max_validity = Some(n);
            }
            other => {
                r.raw_item(3)?;
                failure.get_or_insert(field(
                    format!("keys[{index}] key {other}"),
                    "is not defined",
                ));
            }
        }
        Ok(())
    })
    .map_err(malformed)?;
    if let Some(f) = failure {
        return Err(f);
    }
    let key = key.ok_or_else(|| field(name("public_key"), "is missing"))?;
    let country = country.ok_or_else(|| field(name("country"), "is missing"))?;
    let record_kinds = kinds.ok_or_else(|| field(name("record_kinds"), "is missing"))?;
    if record_kinds.is_empty() {
        return Err(field(name("record_kinds"), "must name at least one kind"));
    }
    if let (Some(nb), Some(na)) = (not_before, not_after) {
        if na < nb {
            return Err(field(name("not_after"), "is before not_before"));
        }
    }
    Ok(TrustedKey {
        key,
        country,
        not_before,
        not_after,
        record_kinds,
        revoked,
        max_validity,
        vouched_by: None,
    })
}

/// Signs a list's `payload` as a COSE_Sign1 under the root `signer` (Ed25519,
/// its kid in the protected header).
#[cfg(feature = "issue")]
pub(crate) fn sign_list(
    signer: &(impl crate::keys::Signer + ?Sized),
    payload: &[u8],
) -> Result<Vec<u8>, crate::keys::SignError> {
    let header = crate::cose::ProtectedHeader {
        alg: crate::cose::Algorithm::Ed25519,
        kid: signer.public_key().kid(),
    };
    crate::cose::sign1::sign(&header, payload, |tbs| signer.sign(tbs))
        .map_err(crate::keys::SignError::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A type-4 list with one DSC entry, wrapped in a COSE_Sign1 whose
    /// signature is not checked (inspection).
    fn type4(entry: Vec<u8>) -> Vec<u8> {
        let t = Timestamp::from_unix(1_600_000_000).unwrap_or_else(|_| unreachable!());
        let body = encode(|w| {
            w.array(0);
        });
        let dscs = encode(|w| {
            w.array(1).raw(&entry);
        });
        let payload = encode_list(
            DocumentType::TrustListDsc,
            t,
            1,
            t.saturating_add(60),
            body,
            vec![(key::DSCS, dscs)],
        );
        let header = crate::cose::ProtectedHeader {
            alg: crate::cose::Algorithm::Ed25519,
            kid: Kid([0; 8]),
        };
        crate::cose::sign1::sign(&header, &payload, |_| Ok::<_, ()>([0; 64]))
            .unwrap_or_else(|()| unreachable!())
    }

    fn entry(der: &[u8], country: Option<&str>) -> Vec<u8> {
        let mut entries = vec![(
            dsc_entry::CERTIFICATE,
            encode(|w| {
                w.bytes(der);
            }),
        )];
        if let Some(c) = country {
            entries.push((
                dsc_entry::COUNTRY,
                encode(|w| {
                    w.text(c);
                }),
            ));
        }
        encode(|w| {
            w.map_sorted(entries);
        })
    }

    fn name(cose: &[u8]) -> &'static str {
        match TrustList::inspect(cose) {
            Ok(_) => "Ok",
            Err(e) => e.name(),
        }
    }

    #[test]
    fn dsc_entries_are_checked_with_or_without_hcert() {
        // The fields are checked in every build.
        assert_eq!(name(&type4(entry(b"x", None))), "ListField");
        assert_eq!(
            name(&type4(entry(&[0; MAX_LISTED_DSC_LEN + 1], Some("DE")))),
            "ListField"
        );
        // The certificate is read only where it can be used.
        let junk = type4(entry(b"not a certificate", Some("DE")));
        if cfg!(feature = "hcert") {
            assert_eq!(name(&junk), "ListDsc");
        } else {
            assert_eq!(name(&junk), "Ok");
        }
        // Key 6 is undefined in a type-1 list.
        let t = Timestamp::from_unix(1_600_000_000).unwrap_or_else(|_| unreachable!());
        let payload = encode_list(
            DocumentType::TrustList,
            t,
            1,
            t.saturating_add(60),
            encode(|w| {
                w.array(0);
            }),
            vec![(
                key::DSCS,
                encode(|w| {
                    w.array(0);
                }),
            )],
        );
        let header = crate::cose::ProtectedHeader {
            alg: crate::cose::Algorithm::Ed25519,
            kid: Kid([0; 8]),
        };
        let cose = crate::cose::sign1::sign(&header, &payload, |_| Ok::<_, ()>([0; 64]))
            .unwrap_or_else(|()| unreachable!());
        assert_eq!(name(&cose), "ListField");
    }
}
