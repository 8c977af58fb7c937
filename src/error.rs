//! The verifying and decoding boundary's error. The other boundaries keep
//! their errors beside them: [`crate::keys::KeyError`], `trust::TrustError`
//! and `trust::SignedListError`, `issue::IssueError`, `encrypt::EncryptError`.

use crate::keys::Kid;
use crate::model::{CertificateId, CountryCode, RecordError, Timestamp};

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
    /// The zlib stream starts from a preset dictionary this library does not
    /// know (FORMAT.md §3.1 defines the known ones).
    #[error(
        "the zlib stream needs preset dictionary {id:08x}, which is not one this verifier knows"
    )]
    ZlibUnknownDictionary {
        /// The dictionary id the header names (its Adler-32).
        id: u32,
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
        /// The key id (displayed as hex).
        kid: Kid,
    },
    /// The Ed25519 signature does not verify (strictly) under any trusted key with the kid.
    #[error("the signature does not verify under the trusted key {kid}")]
    SignatureInvalid {
        /// The key id (displayed as hex).
        kid: Kid,
    },
    /// The key was not valid at the certificate's issue time.
    #[error("key {kid} was not valid at the issue time {issued_at}")]
    KeyNotValidAtIssue {
        /// The key id (displayed as hex).
        kid: Kid,
        /// The certificate's issue time.
        issued_at: Timestamp,
    },
    /// The certificate's issuer country differs from the key's country.
    #[error("the certificate claims issuer {claimed} but key {kid} belongs to {key_country}")]
    IssuerMismatch {
        /// The `iss` claim.
        claimed: CountryCode,
        /// The key's country in the trust store.
        key_country: CountryCode,
        /// The key id (displayed as hex).
        kid: Kid,
    },
    // --- revocation ---
    /// The key that signed the certificate is marked revoked in the trust list.
    #[error("key {kid} that signed the certificate has been revoked")]
    KeyRevoked {
        /// The key id (displayed as hex).
        kid: Kid,
    },
    /// The certificate's id is on the revocation list.
    #[error("certificate {certificate_id} of issuer {issuer} has been revoked")]
    CertificateRevoked {
        /// The `iss` claim.
        issuer: CountryCode,
        /// The `cti` claim (displayed as hex).
        certificate_id: CertificateId,
    },

    /// The key may not sign this kind of record.
    #[error("key {kid} may not sign {kind} records")]
    RecordKindNotAllowed {
        /// The key id (displayed as hex).
        kid: Kid,
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
        /// `iat` (displayed as RFC 3339).
        issued_at: Timestamp,
        /// `exp` (displayed as RFC 3339).
        expires_at: Timestamp,
    },
    /// The certificate has expired (beyond the allowed clock skew).
    #[error("the certificate expired at {expires_at}")]
    Expired {
        /// `exp` (displayed as RFC 3339).
        expires_at: Timestamp,
    },
    /// The certificate's issue time (`iat`) or its `nbf` lies in the future
    /// (beyond the allowed clock skew).
    #[error("the certificate is not valid before {issued_at}")]
    NotYetValid {
        /// The instant it becomes valid: `iat`, or `nbf` when that is later
        /// (displayed as RFC 3339).
        issued_at: Timestamp,
    },
    /// The certificate's validity (`exp - iat`) exceeds the signing key's
    /// `max_validity`.
    #[error("the certificate is valid for {validity} s, more than the {max_validity} s key {kid} may sign")]
    ValidityTooLong {
        /// The key id (displayed as hex).
        kid: Kid,
        /// `exp - iat`, seconds.
        validity: i64,
        /// The key's limit, seconds.
        max_validity: u64,
    },
    /// The health record breaks a rule of the model.
    #[error("invalid health record: {0}")]
    InvalidRecord(RecordError),

    // --- encryption (FORMAT.md §13) ---
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
        /// The reader kid (displayed as hex).
        kid: Kid,
    },
    /// The reader key named by the kid is not the key the certificate was
    /// encrypted with (another key held decrypts it, or the key is of the wrong kind).
    #[error("reader key {kid} is the wrong key for this certificate: {reason}")]
    ReaderKeyWrong {
        /// The reader kid in the certificate (displayed as hex).
        kid: Kid,
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
        /// The reader kid (displayed as hex).
        kid: Kid,
    },

    // --- foreign formats: EU DCC / WHO DDCC `HC1:` (FORMAT.md §14) ---
    /// The `HC1:` body is not compressed with zlib (HCERT requires it).
    #[error("the HC1: body is not a zlib stream")]
    HcertNotCompressed,
    /// The `HC1:` body is not a COSE_Sign1: another CBOR tag, or tag 61
    /// around something other than tag 18.
    #[error("expected a COSE_Sign1 (tag 18, untagged, or tag 61 around tag 18), found {found}")]
    HcertNotCoseSign1 {
        /// What was found instead.
        found: String,
    },
    /// The COSE_Sign1 or one of its headers is malformed.
    #[error("malformed HC1: COSE_Sign1: {reason}")]
    HcertCoseStructure {
        /// What was wrong.
        reason: String,
    },
    /// No algorithm in the protected header (nor, when that is empty, in the unprotected one).
    #[error("the HC1: COSE header names no algorithm")]
    HcertAlgMissing,
    /// An algorithm other than ES256 (-7) or PS256 (-37).
    #[error("algorithm {alg} is not accepted for HC1: (only -7 ES256 and -37 PS256)")]
    HcertAlgUnsupported {
        /// The algorithm identifier found.
        alg: i64,
    },
    /// No kid in the protected or the unprotected header.
    #[error("the HC1: COSE headers carry no key id")]
    HcertKidMissing,
    /// No trusted document signer certificate has this kid.
    #[error("no trusted document signer certificate has kid {kid}")]
    HcertUnknownKid {
        /// The kid, hex.
        kid: String,
    },
    /// No DSC with the kid verifies the signature (or its key does not fit the algorithm).
    #[error("the HC1: signature does not verify under any trusted DSC with kid {kid}")]
    HcertSignatureInvalid {
        /// The kid, hex.
        kid: String,
    },
    /// A CWT claim that must be present is missing.
    #[error("the HC1: CWT claim {claim} is missing")]
    HcertClaimMissing {
        /// The claim's name.
        claim: String,
    },
    /// A CWT claim has the wrong type or value.
    #[error("the HC1: CWT claim {claim} is invalid: {reason}")]
    HcertClaimInvalid {
        /// The claim's name.
        claim: String,
        /// Why.
        reason: String,
    },
    /// The health certificate (EU DCC or WHO DDCC) cannot be mapped: a field
    /// the model needs is missing or malformed.
    #[error("the HC1: health certificate is invalid at {path}: {reason}")]
    HcertPayloadInvalid {
        /// Where, e.g. `v[0].dt`.
        path: String,
        /// Why.
        reason: String,
    },
    /// The `iss` claim names another country than the DSC.
    #[error("the HC1: certificate claims issuer {claimed} but its DSC is for {dsc_country}")]
    HcertIssuerMismatch {
        /// The `iss` claim.
        claimed: String,
        /// The DSC's country.
        dsc_country: CountryCode,
    },
    /// The DSC was not valid at the signing time (`iat`).
    #[error("the document signer certificate {kid} was not valid at {signed_at}")]
    HcertDscNotValidAtSigning {
        /// The DSC's kid, hex.
        kid: String,
        /// The signing time (`iat`, or the verification time when absent).
        signed_at: Timestamp,
    },
    /// The DSC's extended key usage does not allow this kind of certificate.
    #[error("the document signer certificate {kid} may not sign a {kind} certificate (extended key usage)")]
    HcertKeyUsage {
        /// The DSC's kid, hex.
        kid: String,
        /// `test`, `vaccination` or `recovery`.
        kind: String,
    },
    // --- foreign formats: SMART Health Cards `shc:/` (FORMAT.md §15) ---
    /// The numeric QR text is malformed: not pairs of digits, or a pair
    /// above 77 (no base64url character).
    #[error("the shc:/ numeric text is invalid: {reason}")]
    ShcNumericInvalid {
        /// What is wrong.
        reason: String,
    },
    /// A chunk header `shc:/i/n/` is malformed (zero, `i` above `n`, or `n`
    /// above the chunk cap).
    #[error("the shc:/ chunk header is invalid: {reason}")]
    ShcChunkInvalid {
        /// What is wrong.
        reason: String,
    },
    /// A chunk of a multi-chunk card is missing.
    #[error("chunk {index} of {total} of the SMART Health Card is missing")]
    ShcChunkMissing {
        /// The missing chunk (from 1).
        index: usize,
        /// How many chunks the card has.
        total: usize,
    },
    /// The same chunk was given twice.
    #[error("chunk {index} of the SMART Health Card was given twice")]
    ShcChunkRepeated {
        /// The repeated chunk (from 1).
        index: usize,
    },
    /// The chunks do not belong together (different totals, or a single-chunk
    /// text among chunks).
    #[error("the SMART Health Card chunks do not belong together: {reason}")]
    ShcChunkInconsistent {
        /// What differs.
        reason: String,
    },
    /// An input exceeds a cap (numeric text, JWS, FHIR entries, key set ...).
    #[error("the SMART Health Card's {what} exceeds the cap of {limit}")]
    ShcTooLarge {
        /// What is too large.
        what: String,
        /// The cap.
        limit: usize,
    },
    /// Characters (whitespace, a byte-order mark) before or after the JWS or
    /// the file's JSON.
    #[error("characters before or after the SMART Health Card's {what}")]
    ShcTrailingCharacters {
        /// `JWS` or `file`.
        what: String,
    },
    /// The compact JWS is malformed: not three base64url parts, or a header
    /// that is not a JSON object.
    #[error("malformed SMART Health Card JWS: {reason}")]
    ShcJwsStructure {
        /// What is wrong.
        reason: String,
    },
    /// The JWS header's `alg` is missing or not `ES256`.
    #[error("JWS algorithm {alg} is not accepted for a SMART Health Card (only ES256)")]
    ShcAlgUnsupported {
        /// The algorithm found, or `(missing)`.
        alg: String,
    },
    /// The JWS header has no `zip: "DEF"` (SMART Health Cards are always compressed).
    #[error("the SMART Health Card JWS header has no zip: \"DEF\"")]
    ShcNotCompressed,
    /// The JWS header has no `kid`.
    #[error("the SMART Health Card JWS header carries no kid")]
    ShcKidMissing,
    /// The signature is DER-encoded (JWS ES256 signatures are raw r||s, 64 bytes).
    #[error("the JWS signature is DER-encoded ({len} bytes); ES256 in JWS is raw r||s (64 bytes)")]
    ShcSignatureDer {
        /// The signature's length.
        len: usize,
    },
    /// The signature is not 64 bytes (and not DER).
    #[error("the JWS signature is {len} bytes; ES256 needs 64")]
    ShcSignatureLength {
        /// The signature's length.
        len: usize,
    },
    /// The payload (JSON, `iss`, `nbf`, `vc`, the FHIR bundle) is invalid.
    #[error("the SMART Health Card payload is invalid at {path}: {reason}")]
    ShcPayloadInvalid {
        /// Where, e.g. `vc.credentialSubject.fhirBundle.entry[2]`.
        path: String,
        /// Why.
        reason: String,
    },
    /// `iss` is not an https URL without a trailing slash.
    #[error("the SMART Health Card issuer {iss} is not an https URL without a trailing slash")]
    ShcIssuerUrlInvalid {
        /// The `iss` claim.
        iss: String,
    },
    /// `iss` is not one of the configured issuers.
    #[error("the SMART Health Card issuer {iss} is not a configured issuer")]
    ShcIssuerUnknown {
        /// The `iss` claim.
        iss: String,
    },
    /// The issuer's key set has no key with the JWS kid.
    #[error("the key set of {iss} has no key with kid {kid}")]
    ShcKidUnknown {
        /// The issuer.
        iss: String,
        /// The JWS kid.
        kid: String,
    },
    /// The key the kid names is not an EC P-256 key (`kty` EC, `crv` P-256).
    #[error("the issuer key {kid} is not an EC P-256 key")]
    ShcKeyNotP256 {
        /// The kid.
        kid: String,
    },
    /// The key's `use` is not `sig`.
    #[error("the issuer key {kid} has use {found}, not sig")]
    ShcKeyUse {
        /// The kid.
        kid: String,
        /// The `use` found, or `(missing)`.
        found: String,
    },
    /// The key's `alg` is not `ES256`.
    #[error("the issuer key {kid} has alg {found}, not ES256")]
    ShcKeyAlg {
        /// The kid.
        kid: String,
        /// The `alg` found, or `(missing)`.
        found: String,
    },
    /// The kid is not the key's RFC 7638 thumbprint.
    #[error("the issuer key's kid {kid} is not its RFC 7638 thumbprint {thumbprint}")]
    ShcKidNotThumbprint {
        /// The kid.
        kid: String,
        /// The thumbprint, base64url.
        thumbprint: String,
    },
    /// The ES256 signature does not verify under the issuer's key.
    #[error("the SMART Health Card signature does not verify under issuer key {kid}")]
    ShcSignatureInvalid {
        /// The kid.
        kid: String,
    },
    /// The card's `rid` is on the issuer's revocation list.
    #[error("the SMART Health Card with rid {rid} is revoked by key {kid}'s revocation list")]
    ShcRevoked {
        /// The key's kid.
        kid: String,
        /// The card's revocation id.
        rid: String,
    },
    /// The DSC had to chain to a configured country signing CA (CSCA) and no
    /// configured CSCA's subject is the DSC's issuer.
    #[error("the document signer certificate {kid} does not chain to a configured CSCA (issuer {issuer})")]
    HcertDscNotChained {
        /// The DSC's kid, hex.
        kid: String,
        /// The DSC's issuer name.
        issuer: String,
    },
    /// A CSCA with the DSC's issuer name is configured but the DSC's
    /// signature does not verify under its key (or uses an algorithm that
    /// is not supported).
    #[error("the document signer certificate {kid} is not signed by CSCA {csca}")]
    HcertCscaSignatureInvalid {
        /// The DSC's kid, hex.
        kid: String,
        /// The CSCA's fingerprint (SHA-256 of its DER, first 8 bytes, hex).
        csca: String,
    },
    /// The CSCA that signed the DSC is not a CA (basicConstraints cA absent or false).
    #[error(
        "CSCA {csca}, which signed the document signer certificate {kid}, is not a CA certificate"
    )]
    HcertCscaNotCa {
        /// The DSC's kid, hex.
        kid: String,
        /// The CSCA's fingerprint, hex.
        csca: String,
    },
    /// The CSCA was not valid when it signed the DSC (the DSC's notBefore).
    #[error("CSCA {csca} was not valid at {signed_at}, when it signed the document signer certificate {kid}")]
    HcertCscaNotValid {
        /// The DSC's kid, hex.
        kid: String,
        /// The CSCA's fingerprint, hex.
        csca: String,
        /// The DSC's notBefore.
        signed_at: Timestamp,
    },
    /// The DSC's country (its subject `C`, or its gateway entry's) is not the
    /// CSCA's country, or outside the scope the CSCA was configured with.
    #[error(
        "the document signer certificate {kid} is for {country}, outside CSCA {csca}'s country"
    )]
    HcertCscaCountry {
        /// The DSC's kid, hex.
        kid: String,
        /// The CSCA's fingerprint, hex.
        csca: String,
        /// The DSC's country (empty when it names none).
        country: String,
    },
}

/// The broad kind of a [`VerifyError`] ([`VerifyError::kind`]), for callers
/// that act on the kind rather than the precise error: the C API's result
/// kinds and the Python package's exception classes follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// The text does not decode: prefix, Base45, compression, CBOR, COSE,
    /// algorithm, claims, record, or a malformed encryption structure.
    Decode,
    /// The signature does not verify, or an encrypted certificate does not
    /// authenticate.
    Signature,
    /// The key is unknown or not trusted for this certificate (validity,
    /// country, record kinds, longest validity), or the certificate is
    /// encrypted for a reader key the verifier does not hold.
    UntrustedKey,
    /// Expired or not yet valid.
    Validity,
    /// The key or the certificate is revoked.
    Revoked,
}

impl VerifyErrorKind {
    /// `decode`, `signature`, `untrusted_key`, `validity` or `revoked`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Decode => "decode",
            Self::Signature => "signature",
            Self::UntrustedKey => "untrusted_key",
            Self::Validity => "validity",
            Self::Revoked => "revoked",
        }
    }
}

impl VerifyError {
    /// The error's broad kind. The match is exhaustive on purpose: a new
    /// variant does not compile until it has a kind.
    pub fn kind(&self) -> VerifyErrorKind {
        use VerifyErrorKind as K;
        match self {
            Self::Empty
            | Self::MissingPrefix
            | Self::Base45InvalidCharacter { .. }
            | Self::Base45InvalidLength { .. }
            | Self::Base45GroupOverflow { .. }
            | Self::InflateFailed { .. }
            | Self::InflateLimitExceeded { .. }
            | Self::ZlibTrailingData { .. }
            | Self::ZlibUnknownDictionary { .. }
            | Self::CborMalformed { .. }
            | Self::CborTrailingBytes { .. }
            | Self::CborIndefiniteLength { .. }
            | Self::CborTooDeep { .. }
            | Self::CborLengthExceedsInput { .. }
            | Self::CborDuplicateKey { .. }
            | Self::NotCoseSign1 { .. }
            | Self::CoseStructure { .. }
            | Self::AlgMissing
            | Self::AlgNotProtected
            | Self::AlgUnsupported { .. }
            | Self::KidMissing
            | Self::KidLength { .. }
            | Self::UnsupportedHeader { .. }
            | Self::UnprotectedHeaderNotEmpty
            | Self::PayloadMissing
            | Self::SignatureLength { .. }
            | Self::ClaimMissing { .. }
            | Self::ClaimInvalid { .. }
            | Self::ExpiresBeforeIssued { .. }
            | Self::InvalidRecord(_)
            | Self::EncryptStructure { .. }
            | Self::EncryptAlgUnsupported { .. }
            | Self::NonceLength { .. }
            | Self::AuthTagTruncated { .. }
            | Self::EphemeralKeyInvalid { .. }
            | Self::HcertNotCompressed
            | Self::HcertNotCoseSign1 { .. }
            | Self::HcertCoseStructure { .. }
            | Self::HcertAlgMissing
            | Self::HcertAlgUnsupported { .. }
            | Self::HcertKidMissing
            | Self::HcertClaimMissing { .. }
            | Self::HcertClaimInvalid { .. }
            | Self::HcertPayloadInvalid { .. }
            | Self::ShcNumericInvalid { .. }
            | Self::ShcChunkInvalid { .. }
            | Self::ShcChunkMissing { .. }
            | Self::ShcChunkRepeated { .. }
            | Self::ShcChunkInconsistent { .. }
            | Self::ShcTooLarge { .. }
            | Self::ShcTrailingCharacters { .. }
            | Self::ShcJwsStructure { .. }
            | Self::ShcAlgUnsupported { .. }
            | Self::ShcNotCompressed
            | Self::ShcKidMissing
            | Self::ShcSignatureDer { .. }
            | Self::ShcSignatureLength { .. }
            | Self::ShcPayloadInvalid { .. } => K::Decode,
            Self::SignatureInvalid { .. }
            | Self::EncryptHeaderTampered
            | Self::DecryptionFailed { .. }
            | Self::HcertSignatureInvalid { .. }
            | Self::ShcSignatureInvalid { .. } => K::Signature,
            Self::HcertUnknownKid { .. }
            | Self::HcertIssuerMismatch { .. }
            | Self::HcertDscNotValidAtSigning { .. }
            | Self::HcertKeyUsage { .. }
            | Self::HcertDscNotChained { .. }
            | Self::HcertCscaSignatureInvalid { .. }
            | Self::HcertCscaNotCa { .. }
            | Self::HcertCscaNotValid { .. }
            | Self::HcertCscaCountry { .. }
            | Self::UnknownKid { .. }
            | Self::KeyNotValidAtIssue { .. }
            | Self::IssuerMismatch { .. }
            | Self::RecordKindNotAllowed { .. }
            | Self::ValidityTooLong { .. }
            | Self::Encrypted { .. }
            | Self::ReaderKeyUnknown { .. }
            | Self::ReaderKeyWrong { .. }
            | Self::ShcIssuerUrlInvalid { .. }
            | Self::ShcIssuerUnknown { .. }
            | Self::ShcKidUnknown { .. }
            | Self::ShcKeyNotP256 { .. }
            | Self::ShcKeyUse { .. }
            | Self::ShcKeyAlg { .. }
            | Self::ShcKidNotThumbprint { .. } => K::UntrustedKey,
            Self::Expired { .. } | Self::NotYetValid { .. } => K::Validity,
            Self::KeyRevoked { .. } | Self::CertificateRevoked { .. } | Self::ShcRevoked { .. } => {
                K::Revoked
            }
        }
    }

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
            Self::ZlibUnknownDictionary { .. } => "ZlibUnknownDictionary",
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
            Self::HcertNotCompressed => "HcertNotCompressed",
            Self::HcertNotCoseSign1 { .. } => "HcertNotCoseSign1",
            Self::HcertCoseStructure { .. } => "HcertCoseStructure",
            Self::HcertAlgMissing => "HcertAlgMissing",
            Self::HcertAlgUnsupported { .. } => "HcertAlgUnsupported",
            Self::HcertKidMissing => "HcertKidMissing",
            Self::HcertUnknownKid { .. } => "HcertUnknownKid",
            Self::HcertSignatureInvalid { .. } => "HcertSignatureInvalid",
            Self::HcertClaimMissing { .. } => "HcertClaimMissing",
            Self::HcertClaimInvalid { .. } => "HcertClaimInvalid",
            Self::HcertPayloadInvalid { .. } => "HcertPayloadInvalid",
            Self::HcertIssuerMismatch { .. } => "HcertIssuerMismatch",
            Self::HcertDscNotValidAtSigning { .. } => "HcertDscNotValidAtSigning",
            Self::HcertKeyUsage { .. } => "HcertKeyUsage",
            Self::ShcNumericInvalid { .. } => "ShcNumericInvalid",
            Self::ShcChunkInvalid { .. } => "ShcChunkInvalid",
            Self::ShcChunkMissing { .. } => "ShcChunkMissing",
            Self::ShcChunkRepeated { .. } => "ShcChunkRepeated",
            Self::ShcChunkInconsistent { .. } => "ShcChunkInconsistent",
            Self::ShcTooLarge { .. } => "ShcTooLarge",
            Self::ShcTrailingCharacters { .. } => "ShcTrailingCharacters",
            Self::ShcJwsStructure { .. } => "ShcJwsStructure",
            Self::ShcAlgUnsupported { .. } => "ShcAlgUnsupported",
            Self::ShcNotCompressed => "ShcNotCompressed",
            Self::ShcKidMissing => "ShcKidMissing",
            Self::ShcSignatureDer { .. } => "ShcSignatureDer",
            Self::ShcSignatureLength { .. } => "ShcSignatureLength",
            Self::ShcPayloadInvalid { .. } => "ShcPayloadInvalid",
            Self::ShcIssuerUrlInvalid { .. } => "ShcIssuerUrlInvalid",
            Self::ShcIssuerUnknown { .. } => "ShcIssuerUnknown",
            Self::ShcKidUnknown { .. } => "ShcKidUnknown",
            Self::ShcKeyNotP256 { .. } => "ShcKeyNotP256",
            Self::ShcKeyUse { .. } => "ShcKeyUse",
            Self::ShcKeyAlg { .. } => "ShcKeyAlg",
            Self::ShcKidNotThumbprint { .. } => "ShcKidNotThumbprint",
            Self::ShcSignatureInvalid { .. } => "ShcSignatureInvalid",
            Self::ShcRevoked { .. } => "ShcRevoked",
            Self::HcertDscNotChained { .. } => "HcertDscNotChained",
            Self::HcertCscaSignatureInvalid { .. } => "HcertCscaSignatureInvalid",
            Self::HcertCscaNotCa { .. } => "HcertCscaNotCa",
            Self::HcertCscaNotValid { .. } => "HcertCscaNotValid",
            Self::HcertCscaCountry { .. } => "HcertCscaCountry",
        }
    }
}
