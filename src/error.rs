//! One error enum per public boundary: verifying/decoding, issuing, key loading
//! and trust-store loading.

use crate::model::RecordError;

/// Why a certificate text was not accepted (by [`crate::verify::Verifier`]) or
/// could not be decoded (by [`crate::verify::inspect`]).
///
/// Each variant has a stable name ([`VerifyError::name`]) that FORMAT.md, the
/// test vectors and the C API use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    // --- text and Base45 ---
    /// The input is empty.
    #[error("the input is empty")]
    Empty,
    /// The text does not start with `TC1:`.
    #[error("the text does not start with the prefix `TC1:`")]
    MissingPrefix,
    /// A character outside the Base45 alphabet (upper-case letters, digits, space, `$%*+-./:`).
    #[error("character {character:?} at position {position} is not in the Base45 alphabet")]
    Base45InvalidCharacter {
        /// Offset in the text after the prefix, in bytes.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The Base45 text length leaves a lone character (length ≡ 1 mod 3).
    #[error("Base45 text of {len} characters has a dangling final character")]
    Base45InvalidLength {
        /// Characters after the prefix.
        len: usize,
    },
    /// A Base45 group encodes a value above 65535 (or above 255 for a final pair).
    #[error("the Base45 group at position {position} encodes a value that is too large")]
    Base45GroupOverflow {
        /// Offset of the group in the text after the prefix.
        position: usize,
    },

    // --- zlib ---
    /// The body is neither a COSE structure nor a well-formed zlib stream.
    #[error("the zlib stream is corrupt or truncated: {reason}")]
    InflateFailed {
        /// What the decompressor reported.
        reason: String,
    },
    /// The COSE bytes would exceed the configured cap: a compressed body
    /// inflates beyond it, or an uncompressed body is larger than it.
    #[error("the body inflates to or is larger than the limit of {limit} bytes")]
    InflateLimitExceeded {
        /// The cap in bytes.
        limit: usize,
    },
    /// Bytes follow the end of the zlib stream.
    #[error("{count} bytes follow the end of the zlib stream")]
    ZlibTrailingData {
        /// How many.
        count: usize,
    },

    // --- CBOR ---
    /// CBOR that is not well-formed, or an item of the wrong type.
    #[error("malformed CBOR at byte {offset}: {reason}")]
    CborMalformed {
        /// Byte offset in the structure being decoded.
        offset: usize,
        /// What was wrong.
        reason: String,
    },
    /// Bytes follow a complete CBOR item.
    #[error("{count} bytes follow the end of the CBOR item")]
    CborTrailingBytes {
        /// How many.
        count: usize,
    },
    /// An indefinite-length item; the format allows definite lengths only.
    #[error("indefinite-length CBOR item at byte {offset}")]
    CborIndefiniteLength {
        /// Byte offset.
        offset: usize,
    },
    /// CBOR nested deeper than the decoder allows.
    #[error("CBOR nested deeper than {limit} levels")]
    CborTooDeep {
        /// The nesting limit.
        limit: usize,
    },
    /// A length or count larger than the bytes that remain.
    #[error("CBOR length at byte {offset} exceeds the remaining input")]
    CborLengthExceedsInput {
        /// Byte offset.
        offset: usize,
    },
    /// The same key twice in one map.
    #[error("duplicate CBOR map key {key}")]
    CborDuplicateKey {
        /// The key.
        key: i64,
    },

    // --- COSE ---
    /// The body is not a COSE_Sign1 (tag 18) or carries another tag.
    #[error("expected a COSE_Sign1 (CBOR tag 18), found {found}")]
    NotCoseSign1 {
        /// What was found instead.
        found: String,
    },
    /// The COSE_Sign1 array does not have the four members of RFC 9052.
    #[error("malformed COSE_Sign1: {reason}")]
    CoseStructure {
        /// What was wrong.
        reason: String,
    },
    /// The protected header has no algorithm.
    #[error("the protected header names no algorithm")]
    AlgMissing,
    /// The algorithm appears in the unprotected header, where it is not signed.
    #[error("the algorithm is in the unprotected header; it must be protected")]
    AlgNotProtected,
    /// An algorithm other than Ed25519 (-19) or EdDSA (-8).
    #[error("algorithm {alg} is not accepted (only -19 Ed25519 and -8 EdDSA)")]
    AlgUnsupported {
        /// The algorithm identifier found.
        alg: i64,
    },
    /// The protected header has no key id.
    #[error("the protected header has no key id")]
    KidMissing,
    /// The key id is not 8 bytes.
    #[error("the key id has {len} bytes; it must have 8")]
    KidLength {
        /// Its length.
        len: usize,
    },
    /// A header parameter this format does not define.
    #[error("header parameter {label} is not part of the format")]
    UnsupportedHeader {
        /// The label.
        label: i64,
    },
    /// The unprotected header is not empty.
    #[error("the unprotected header must be empty")]
    UnprotectedHeaderNotEmpty,
    /// The payload is nil (detached), which the format does not use.
    #[error("the COSE payload is detached (nil)")]
    PayloadMissing,
    /// The signature is not 64 bytes.
    #[error("the signature has {len} bytes; Ed25519 signatures have 64")]
    SignatureLength {
        /// Its length.
        len: usize,
    },

    // --- trust and signature ---
    /// No trusted key has this key id.
    #[error("no trusted key has key id {kid}")]
    UnknownKid {
        /// The key id, hex.
        kid: String,
    },
    /// The Ed25519 signature does not verify (strictly) under any trusted key with the kid.
    #[error("the signature does not verify under the trusted key {kid}")]
    SignatureInvalid {
        /// The key id, hex.
        kid: String,
    },
    /// The key was not valid at the certificate's issue time.
    #[error("key {kid} was not valid at the issue time {issued_at}")]
    KeyNotValidAtIssue {
        /// The key id, hex.
        kid: String,
        /// The certificate's issue time.
        issued_at: String,
    },
    /// The certificate's issuer country differs from the key's country.
    #[error("the certificate claims issuer {claimed} but key {kid} belongs to {key_country}")]
    IssuerMismatch {
        /// The `iss` claim.
        claimed: String,
        /// The key's country in the trust store.
        key_country: String,
        /// The key id, hex.
        kid: String,
    },
    // --- revocation (issue 5) ---
    /// The key that signed the certificate is marked revoked in the trust list.
    #[error("key {kid} that signed the certificate has been revoked")]
    KeyRevoked {
        /// The key id, hex.
        kid: String,
    },
    /// The certificate's id is on the revocation list.
    #[error("certificate {certificate_id} of issuer {issuer} has been revoked")]
    CertificateRevoked {
        /// The `iss` claim.
        issuer: String,
        /// The `cti` claim, hex.
        certificate_id: String,
    },

    /// The key may not sign this kind of record.
    #[error("key {kid} may not sign {kind} records")]
    RecordKindNotAllowed {
        /// The key id, hex.
        kid: String,
        /// The record kind's name.
        kind: String,
    },

    // --- claims and record ---
    /// A required CWT claim is absent.
    #[error("the CWT claim {claim} is missing")]
    ClaimMissing {
        /// The claim's name (`iss`, `iat`, `exp`, `cti`, `record`).
        claim: &'static str,
    },
    /// A CWT claim has a value of the wrong type or range.
    #[error("the CWT claim {claim} is invalid: {reason}")]
    ClaimInvalid {
        /// The claim's name.
        claim: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `exp` is not after `iat`.
    #[error("the certificate expires ({expires_at}) before it is issued ({issued_at})")]
    ExpiresBeforeIssued {
        /// `iat`, RFC 3339.
        issued_at: String,
        /// `exp`, RFC 3339.
        expires_at: String,
    },
    /// The certificate has expired (beyond the allowed clock skew).
    #[error("the certificate expired at {expires_at}")]
    Expired {
        /// `exp`, RFC 3339.
        expires_at: String,
    },
    /// The certificate's issue time (`iat`) or its `nbf` lies in the future
    /// (beyond the allowed clock skew).
    #[error("the certificate is not valid before {issued_at}")]
    NotYetValid {
        /// The instant it becomes valid: `iat`, or `nbf` when that is later;
        /// RFC 3339.
        issued_at: String,
    },
    /// The certificate's validity (`exp - iat`) exceeds the signing key's
    /// `max_validity`.
    #[error("the certificate is valid for {validity} s, more than the {max_validity} s key {kid} may sign")]
    ValidityTooLong {
        /// The key id, hex.
        kid: String,
        /// `exp - iat`, seconds.
        validity: i64,
        /// The key's limit, seconds.
        max_validity: u64,
    },
    /// The health record breaks a rule of the model.
    #[error("invalid health record: {0}")]
    InvalidRecord(RecordError),

    // --- encryption (issue 9, FORMAT.md §13) ---
    /// The certificate is encrypted and this verifier cannot decrypt it (a
    /// build without the `encrypt` feature, or an encrypted plaintext inside
    /// an encrypted certificate).
    #[error("the certificate is encrypted ({structure}); it can only be read with a reader key (feature `encrypt`)")]
    Encrypted {
        /// `COSE_Encrypt0` or `COSE_Encrypt`.
        structure: &'static str,
    },
    /// A COSE_Encrypt0 / COSE_Encrypt whose members have the wrong number or type.
    #[error("malformed COSE encryption structure: {reason}")]
    EncryptStructure {
        /// What was wrong.
        reason: String,
    },
    /// A content or recipient algorithm other than AES-256-GCM (3) or ECDH-ES + HKDF-256 (-25).
    #[error(
        "encryption algorithm {alg} is not accepted (only 3 A256GCM and -25 ECDH-ES+HKDF-256)"
    )]
    EncryptAlgUnsupported {
        /// The algorithm identifier found.
        alg: i64,
    },
    /// No reader key held has the certificate's reader kid.
    #[error(
        "the certificate is encrypted for reader key {kid}: not readable with the keys you hold"
    )]
    ReaderKeyUnknown {
        /// The reader kid, hex.
        kid: String,
    },
    /// The reader key named by the kid is not the key the certificate was
    /// encrypted with (another key held decrypts it, or the key is of the wrong kind).
    #[error("reader key {kid} is the wrong key for this certificate: {reason}")]
    ReaderKeyWrong {
        /// The reader kid in the certificate, hex.
        kid: String,
        /// Why.
        reason: String,
    },
    /// The IV is not 96 bits.
    #[error("the IV has {len} bytes; AES-256-GCM here needs 12")]
    NonceLength {
        /// Its length.
        len: usize,
    },
    /// The ciphertext is shorter than the 16-byte authentication tag.
    #[error("the ciphertext has {len} bytes, shorter than the 16-byte authentication tag")]
    AuthTagTruncated {
        /// Its length.
        len: usize,
    },
    /// The protected header bytes were altered (the certificate decrypts only
    /// with the header as the issuer wrote it).
    #[error("the protected header of the encrypted certificate was altered")]
    EncryptHeaderTampered,
    /// The ephemeral sender key (header -1) is not a usable X25519 COSE_Key.
    #[error("the ephemeral key is invalid: {reason}")]
    EphemeralKeyInvalid {
        /// What is wrong.
        reason: String,
    },
    /// AES-GCM authentication failed under the reader key named by the kid:
    /// the ciphertext, IV or ephemeral key was altered.
    #[error("the encrypted certificate does not authenticate under reader key {kid} (ciphertext altered)")]
    DecryptionFailed {
        /// The reader kid, hex.
        kid: String,
    },
}

impl VerifyError {
    /// The variant's stable name, as FORMAT.md, the test vectors and the CLI use it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Empty => "Empty",
            Self::MissingPrefix => "MissingPrefix",
            Self::Base45InvalidCharacter { .. } => "Base45InvalidCharacter",
            Self::Base45InvalidLength { .. } => "Base45InvalidLength",
            Self::Base45GroupOverflow { .. } => "Base45GroupOverflow",
            Self::InflateFailed { .. } => "InflateFailed",
            Self::InflateLimitExceeded { .. } => "InflateLimitExceeded",
            Self::ZlibTrailingData { .. } => "ZlibTrailingData",
            Self::CborMalformed { .. } => "CborMalformed",
            Self::CborTrailingBytes { .. } => "CborTrailingBytes",
            Self::CborIndefiniteLength { .. } => "CborIndefiniteLength",
            Self::CborTooDeep { .. } => "CborTooDeep",
            Self::CborLengthExceedsInput { .. } => "CborLengthExceedsInput",
            Self::CborDuplicateKey { .. } => "CborDuplicateKey",
            Self::NotCoseSign1 { .. } => "NotCoseSign1",
            Self::CoseStructure { .. } => "CoseStructure",
            Self::AlgMissing => "AlgMissing",
            Self::AlgNotProtected => "AlgNotProtected",
            Self::AlgUnsupported { .. } => "AlgUnsupported",
            Self::KidMissing => "KidMissing",
            Self::KidLength { .. } => "KidLength",
            Self::UnsupportedHeader { .. } => "UnsupportedHeader",
            Self::UnprotectedHeaderNotEmpty => "UnprotectedHeaderNotEmpty",
            Self::PayloadMissing => "PayloadMissing",
            Self::SignatureLength { .. } => "SignatureLength",
            Self::UnknownKid { .. } => "UnknownKid",
            Self::SignatureInvalid { .. } => "SignatureInvalid",
            Self::KeyNotValidAtIssue { .. } => "KeyNotValidAtIssue",
            Self::IssuerMismatch { .. } => "IssuerMismatch",
            Self::RecordKindNotAllowed { .. } => "RecordKindNotAllowed",
            Self::KeyRevoked { .. } => "KeyRevoked",
            Self::CertificateRevoked { .. } => "CertificateRevoked",
            Self::ClaimMissing { .. } => "ClaimMissing",
            Self::ClaimInvalid { .. } => "ClaimInvalid",
            Self::ExpiresBeforeIssued { .. } => "ExpiresBeforeIssued",
            Self::Expired { .. } => "Expired",
            Self::NotYetValid { .. } => "NotYetValid",
            Self::ValidityTooLong { .. } => "ValidityTooLong",
            Self::InvalidRecord(_) => "InvalidRecord",
            Self::Encrypted { .. } => "Encrypted",
            Self::EncryptStructure { .. } => "EncryptStructure",
            Self::EncryptAlgUnsupported { .. } => "EncryptAlgUnsupported",
            Self::ReaderKeyUnknown { .. } => "ReaderKeyUnknown",
            Self::ReaderKeyWrong { .. } => "ReaderKeyWrong",
            Self::NonceLength { .. } => "NonceLength",
            Self::AuthTagTruncated { .. } => "AuthTagTruncated",
            Self::EncryptHeaderTampered => "EncryptHeaderTampered",
            Self::EphemeralKeyInvalid { .. } => "EphemeralKeyInvalid",
            Self::DecryptionFailed { .. } => "DecryptionFailed",
        }
    }
}

/// Why a key could not be loaded.
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
}

/// Why a trust store could not be loaded.
#[cfg(feature = "verify")]
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
        /// The kid written in the file.
        declared: String,
        /// SHA-256(key)[..8].
        derived: String,
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
}

/// Why a signed trust list or revocation list (FORMAT.md §12) was refused.
#[cfg(feature = "verify")]
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
        /// The key id, hex.
        kid: String,
    },
    /// The signature does not verify under the root key with that kid.
    #[error("the list's signature does not verify under root key {kid}")]
    SignatureInvalid {
        /// The key id, hex.
        kid: String,
    },
    /// The list is not valid yet (issued after `now`).
    #[error("the list is issued at {issued_at}, after the moment of checking")]
    NotYetValid {
        /// Its issue time.
        issued_at: String,
    },
    /// The list has expired.
    #[error("the list expired at {expires_at}")]
    Expired {
        /// Its expiry.
        expires_at: String,
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
}

#[cfg(feature = "verify")]
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
            Self::KeyOutOfScope { .. } => "ListKeyOutOfScope",
        }
    }
}

/// Why a certificate could not be issued.
#[cfg(feature = "issue")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The record breaks a rule of the model.
    #[error("invalid health record: {0}")]
    InvalidRecord(#[from] RecordError),
    /// The validity period is empty or ends after 9999-12-31.
    #[error("invalid validity period: {0}")]
    InvalidValidity(String),
    /// The signer failed (an HSM or KMS error, say).
    #[error("the signer failed: {0}")]
    Signer(String),
    /// The operating system's random number generator failed.
    #[error("no randomness for the certificate id: {0}")]
    Random(String),
    /// The record carries infection history or recovery NATs but the issuer did
    /// not ask for them (`IssueParams::include_history`); they are never dropped
    /// silently. Remove them from the record or ask for them explicitly.
    #[error(
        "the record carries {history} infection-history entries and {recovery_tests} recovery NATs, \
         which go into a certificate only when asked for (include_history / --include-history)"
    )]
    HistoryNotRequested {
        /// How many infection-history entries the record carries.
        history: usize,
        /// How many recovery NATs it carries.
        recovery_tests: usize,
    },
}
