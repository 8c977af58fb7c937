//! The trust boundary's errors: loading trust stores and signed lists.

use crate::keys::{KeyError, Kid};
use crate::model::Timestamp;
use crate::VerifyError;

/// Why a trust store could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The document is not valid trust-store JSON.
    #[error("trust store JSON: {0}")]
    Json(String),
    /// A key entry could not be loaded.
    #[error("trust store key #{index}: {source}")]
    Key {
        /// The entry's position (from 0).
        index: usize,
        /// Why.
        source: KeyError,
    },
    /// An entry gives both or neither of `public_key` and `public_key_pem`.
    #[error("trust store key #{index}: give exactly one of public_key (hex) and public_key_pem")]
    KeyForm {
        /// The entry's position.
        index: usize,
    },
    /// An entry's declared kid differs from the kid derived from its key.
    #[error("trust store key #{index}: declared kid {declared} but the key's kid is {derived}")]
    KidMismatch {
        /// The entry's position.
        index: usize,
        /// The kid written in the file (as written: it may not even be hex).
        declared: String,
        /// SHA-256(key)[..8].
        derived: Kid,
    },
    /// An entry's validity window ends before it starts.
    #[error("trust store key #{index}: not_after is before not_before")]
    Validity {
        /// The entry's position.
        index: usize,
    },
    /// An entry allows no record kind.
    #[error("trust store key #{index}: record_kinds must name at least one kind")]
    NoRecordKinds {
        /// The entry's position.
        index: usize,
    },
    /// An entry's `max_validity` is 0.
    #[error("trust store key #{index}: max_validity must be at least 1 second")]
    MaxValidity {
        /// The entry's position.
        index: usize,
    },
    /// A document signer certificate (DSC) could not be read: not PEM, DER
    /// X.509 or gateway JSON, or a field of it is malformed.
    #[error("document signer certificate #{index}: {reason}")]
    Dsc {
        /// The certificate's position in its file (from 0).
        index: usize,
        /// Why.
        reason: String,
    },
    /// A DSC's public key is neither P-256 nor RSA.
    #[error("document signer certificate #{index}: key algorithm {algorithm} is not supported (P-256 or RSA)")]
    DscKeyUnsupported {
        /// The certificate's position in its file.
        index: usize,
        /// The key's algorithm OID or curve.
        algorithm: String,
    },
    /// A SMART Health Card issuer's key set (JWKS) could not be read.
    #[error("SMART Health Card issuer {issuer}: key set: {reason}")]
    ShcKeySet {
        /// The issuer URL.
        issuer: String,
        /// Why.
        reason: String,
    },
    /// A SMART Health Card issuer URL is not an https URL without a trailing slash.
    #[error("SMART Health Card issuer {issuer}: not an https URL without a trailing slash")]
    ShcIssuerUrl {
        /// The URL given.
        issuer: String,
    },
    /// A SMART Health Card revocation list could not be applied: malformed,
    /// another method than `rid`, a kid no configured issuer has, or a `ctr`
    /// that differs from the key's `crlVersion`.
    #[error("SMART Health Card revocation list: {reason}")]
    ShcCrl {
        /// Why.
        reason: String,
    },
    /// A country signing CA certificate (CSCA) could not be read: not PEM or
    /// DER X.509, a key other than P-256 or RSA, or a malformed extension.
    #[error("country signing CA certificate #{index}: {reason}")]
    Csca {
        /// The certificate's position in its file (from 0).
        index: usize,
        /// Why.
        reason: String,
    },
    /// Unsigned trust data (a bare DSC, a SMART Health Card key set or
    /// revocation list) given to a store loaded from a signed trust list,
    /// where the root must vouch for everything trusted.
    #[error("{what} is unsigned trust data, refused for a store loaded from a signed trust list: {remedy}")]
    UnsignedRefused {
        /// What was given.
        what: &'static str,
        /// How such data is trusted under a root.
        remedy: &'static str,
    },
}

impl TrustError {
    /// The variant's stable name (FORMAT.md §9; the C API, Python and the web
    /// verifier report it).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Json(_) => "TrustStoreJson",
            Self::Key { .. } => "TrustStoreKey",
            Self::KeyForm { .. } => "TrustStoreKeyForm",
            Self::KidMismatch { .. } => "TrustStoreKidMismatch",
            Self::Validity { .. } => "TrustStoreValidity",
            Self::NoRecordKinds { .. } => "TrustStoreNoRecordKinds",
            Self::MaxValidity { .. } => "TrustStoreMaxValidity",
            Self::Dsc { .. } => "TrustStoreDsc",
            Self::DscKeyUnsupported { .. } => "TrustStoreDscKeyUnsupported",
            Self::ShcKeySet { .. } => "TrustStoreShcKeySet",
            Self::ShcIssuerUrl { .. } => "TrustStoreShcIssuerUrl",
            Self::ShcCrl { .. } => "TrustStoreShcCrl",
            Self::Csca { .. } => "TrustStoreCsca",
            Self::UnsignedRefused { .. } => "TrustUnsignedRefused",
        }
    }
}

/// Why a signed trust list or revocation list (FORMAT.md §12) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignedListError {
    /// The COSE_Sign1 or the CBOR inside it is malformed (the specific decoding error).
    #[error("malformed signed list: {0}")]
    Malformed(VerifyError),
    /// The document is a signed list of another type (a revocation list given
    /// where a trust list is expected, say).
    #[error("the document is a {found}, not a {expected}")]
    WrongDocumentType {
        /// What the caller asked for.
        expected: &'static str,
        /// What the document says it is.
        found: String,
    },
    /// A field is missing or has a value outside its range.
    #[error("signed list field {field}: {reason}")]
    Field {
        /// The field's name (`sequence`, `keys[3].country`, ...).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// No root key has the kid in the list's header.
    #[error("no root key has key id {kid}")]
    UnknownRoot {
        /// The key id (displayed as hex).
        kid: Kid,
    },
    /// The signature does not verify under the root key with that kid.
    #[error("the list's signature does not verify under root key {kid}")]
    SignatureInvalid {
        /// The key id (displayed as hex).
        kid: Kid,
    },
    /// The list is not valid yet (issued after `now`).
    #[error("the list is issued at {issued_at}, after the moment of checking")]
    NotYetValid {
        /// Its issue time.
        issued_at: Timestamp,
    },
    /// The list has expired.
    #[error("the list expired at {expires_at}")]
    Expired {
        /// Its expiry.
        expires_at: Timestamp,
    },
    /// The list's sequence number is not newer than the last one accepted: a
    /// rollback to an older (or replay of the same) list.
    #[error("list sequence {sequence} is not newer than the last accepted {last_sequence} (rollback refused)")]
    Rollback {
        /// The list's sequence number.
        sequence: u64,
        /// The last sequence number the caller accepted.
        last_sequence: u64,
    },
    /// A listed key could not be loaded (wrong length, invalid or weak point).
    #[error("trust list key #{index}: {source}")]
    Key {
        /// The entry's position (from 0).
        index: usize,
        /// Why.
        source: KeyError,
    },
    /// Revocation ids are not a whole number of 16-byte entries, or not sorted
    /// strictly ascending.
    #[error("revocation ids: {reason}")]
    RevocationIds {
        /// What is wrong.
        reason: String,
    },
    /// A listed key is of a country outside the signing root's scope.
    #[error("trust list key #{index} is for {country}, outside the scope of root {root}")]
    KeyOutOfScope {
        /// The entry's position (from 0).
        index: usize,
        /// The key's country.
        country: String,
        /// The signing root's fingerprint (hex of its key).
        root: String,
    },
    /// A listed document signer certificate (type 4) is of a country outside
    /// the signing root's scope (the same rule as for keys).
    #[error("trust list DSC #{index} is for {country}, outside the scope of root {root}")]
    DscOutOfScope {
        /// The entry's position in the DSC array (from 0).
        index: usize,
        /// The entry's country.
        country: String,
        /// The signing root's fingerprint (hex of its key).
        root: String,
    },
    /// A listed SMART Health Card issuer (type 4) is of a country outside the
    /// signing root's scope (the same rule as for keys).
    #[error("trust list SMART Health Card issuer #{index} is for {country}, outside the scope of root {root}")]
    ShcIssuerOutOfScope {
        /// The entry's position in the issuer array (from 0).
        index: usize,
        /// The entry's country.
        country: String,
        /// The signing root's fingerprint (hex of its key).
        root: String,
    },
    /// A listed SMART Health Card issuer's URL or key set could not be read
    /// (as `verify --shc-issuer` would refuse it).
    #[error("trust list SMART Health Card issuer #{index}: {reason}")]
    ShcIssuer {
        /// The entry's position in the issuer array (from 0).
        index: usize,
        /// Why.
        reason: String,
    },
    /// A listed document signer certificate could not be read (as a DSC
    /// file's would fail, FORMAT.md §14.4).
    #[error("trust list DSC #{index}: {reason}")]
    Dsc {
        /// The entry's position in the DSC array (from 0).
        index: usize,
        /// Why.
        reason: String,
    },
}

impl SignedListError {
    /// The variant's stable name (FORMAT.md §12.4).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "ListMalformed",
            Self::WrongDocumentType { .. } => "ListWrongType",
            Self::Field { .. } => "ListField",
            Self::UnknownRoot { .. } => "ListUnknownRoot",
            Self::SignatureInvalid { .. } => "ListSignatureInvalid",
            Self::NotYetValid { .. } => "ListNotYetValid",
            Self::Expired { .. } => "ListExpired",
            Self::Rollback { .. } => "ListRollback",
            Self::Key { .. } => "ListKey",
            Self::RevocationIds { .. } => "ListRevocationIds",
            Self::KeyOutOfScope { .. }
            | Self::DscOutOfScope { .. }
            | Self::ShcIssuerOutOfScope { .. } => "ListKeyOutOfScope",
            Self::Dsc { .. } => "ListDsc",
            Self::ShcIssuer { .. } => "ListShcIssuer",
        }
    }
}
