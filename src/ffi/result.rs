//! Result codes, their kinds and messages, and the error handle.

#[cfg(feature = "issue")]
use crate::IssueError;
use crate::{KeyError, TrustError, VerifyError};

/// The result of every fallible `travelcert_` function.
///
/// Codes are grouped by kind: the kind is `code / 100` (see
/// `travelcert_result_kind` and `travelcert_kind_of`), except the internal
/// codes 9900 and up. Codes never change meaning; new ones are only added.
/// C receives this as a `uint32_t`; compare it with the constants, and treat
/// an unknown code by its kind.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum travelcert_result {
    /// Success.
    Ok = 0,

    // --- 1xx: the caller passed something the function cannot take ---
    /// A required pointer argument was NULL.
    NullParameter = 100,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 101,
    /// A length or count exceeds the limit for that argument (`TRAVELCERT_MAX_*`).
    InputTooLarge = 102,
    /// A value is out of range: a time outside 1970..=9999, an unknown field,
    /// a negative clock skew, a malformed country code or certificate id.
    InvalidArgument = 103,
    /// The output buffer is too small; the output was truncated.
    InsufficientSize = 104,
    /// An index past the end of a list.
    IndexOutOfRange = 105,

    // --- 2xx: the certificate text does not decode ---
    /// Empty input, or the text does not start with `TC1:`.
    DecodeText = 200,
    /// The Base45 part is malformed.
    DecodeBase45 = 201,
    /// The zlib body is corrupt, truncated, too large or followed by bytes.
    DecodeCompression = 202,
    /// Malformed CBOR.
    DecodeCbor = 203,
    /// Not a well-formed COSE_Sign1 of this format (headers, kid, signature length).
    DecodeCose = 204,
    /// A signature algorithm other than Ed25519 / EdDSA.
    DecodeAlgorithm = 205,
    /// The CWT claims are missing, malformed or inconsistent.
    DecodeClaims = 206,
    /// The health record inside breaks a rule of the model.
    DecodeRecord = 207,
    /// A COSE_Encrypt0 / COSE_Encrypt structure is malformed (structure,
    /// algorithm, nonce, tag length, ephemeral key).
    DecodeEncryption = 208,

    // --- 3xx: signature ---
    /// The signature does not verify under the trusted key.
    SignatureInvalid = 300,
    /// An encrypted certificate failed authenticated decryption (tampered
    /// ciphertext or header).
    DecryptionFailed = 301,

    // --- 4xx: the key is not trusted for this certificate ---
    /// No trusted key has the certificate's key id.
    UnknownKid = 400,
    /// The key was not valid at the certificate's issue time.
    KeyNotValidAtIssue = 401,
    /// The certificate's issuer country differs from the key's country.
    IssuerMismatch = 402,
    /// The key may not sign this kind of record.
    RecordKindNotAllowed = 403,
    /// The certificate is encrypted for a reader key this verifier does not hold.
    ReaderKeyUnavailable = 404,
    /// The certificate's validity (`exp - iat`) exceeds the key's `max_validity`.
    ValidityTooLong = 405,

    // --- 5xx: validity period ---
    /// The certificate has expired.
    Expired = 500,
    /// The certificate is not valid yet.
    NotYetValid = 501,

    // --- 6xx: revocation ---
    /// The certificate (or its key) is revoked: the verifier's revocation list
    /// names the certificate (`CertificateRevoked`), or the trust data marks
    /// its key revoked (`KeyRevoked`).
    Revoked = 600,

    // --- 7xx: rules ---
    /// The rules refuse the certificate (an outcome of `travelcert_policy_evaluate`).
    PolicyRefused = 700,
    /// The rules ask for a human to review the certificate (an outcome of
    /// `travelcert_policy_evaluate`).
    NeedsReview = 701,
    /// The rules document is invalid.
    PolicyInvalid = 702,

    // --- 8xx: keys and trust data ---
    /// The trust store document, or the content of a signed trust list, is invalid.
    TrustStoreInvalid = 800,
    /// A key could not be loaded: an issuer's private key, a root public key
    /// or a reader key file.
    KeyInvalid = 801,
    /// A signed list (trust list or revocation list) is not signed by any of
    /// the root keys given, or its signature does not verify. Formerly
    /// `TRAVELCERT_RESULT_TRUST_LIST_SIGNATURE_INVALID`.
    SignedListSignatureInvalid = 802,
    /// A signed list (trust list or revocation list) is not current: expired,
    /// not yet valid, or not newer than the last one accepted (rollback); the
    /// error name says which. Formerly `TRAVELCERT_RESULT_TRUST_LIST_EXPIRED`.
    SignedListNotCurrent = 803,
    /// The content of a signed revocation list is invalid.
    RevocationListInvalid = 804,
    /// A trust list names a key of a country outside its signing root's scope.
    TrustListKeyOutOfScope = 805,
    /// The list state directory could not be read or written, or its state
    /// file is invalid.
    StateInvalid = 806,

    // --- 9xx: issuing ---
    /// The record JSON is malformed or the record breaks a rule of the model.
    IssueRecordInvalid = 900,
    /// The validity period is empty or ends after 9999-12-31.
    IssueValidityInvalid = 901,
    /// The signer failed.
    IssueSignerFailed = 902,
    /// The operating system's random number generator failed (a random
    /// certificate id, or the IV or ephemeral key when encrypting).
    IssueRandomFailed = 903,

    // --- 10xx: images ---
    /// The text could not be rendered (too long for a QR code, say).
    RenderFailed = 1000,
    /// The image bytes could not be decoded.
    ScanImageInvalid = 1001,
    /// No QR code was found in the image. Not returned at present:
    /// `travelcert_scan` reports an image without a code as an empty list.
    ScanNoCode = 1002,

    // --- 11xx: not in this build ---
    /// The call asks for something this library cannot do: an option that
    /// needs a feature the library was built without (`encrypt_to` when
    /// issuing without feature `encrypt`), or an options struct from a newer
    /// header that sets fields this library does not know. Functions of a
    /// feature left out are absent from the library (and from the header
    /// without its `TRAVELCERT_FEATURE_*` macro); they never return this.
    Unsupported = 1100,

    // --- 99xx: internal ---
    /// An internal error (a bug): please report it.
    Internal = 9900,
    /// A panic was caught at the C boundary (a bug): please report it.
    Panic = 9901,
}

/// The kind of a result code: `code / 100` (9900 and up: internal).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum travelcert_result_kind {
    /// `TRAVELCERT_RESULT_OK`.
    Ok = 0,
    /// 1xx: a bad argument from the caller.
    InvalidArgument = 1,
    /// 2xx: the certificate text does not decode.
    Decode = 2,
    /// 3xx: the signature does not verify.
    Signature = 3,
    /// 4xx: the key is unknown or not trusted for this certificate.
    UntrustedKey = 4,
    /// 5xx: expired or not yet valid.
    Validity = 5,
    /// 6xx: revoked.
    Revoked = 6,
    /// 7xx: refused or sent to review by rules.
    Policy = 7,
    /// 8xx: keys and trust data could not be loaded.
    TrustData = 8,
    /// 9xx: issuing failed.
    Issue = 9,
    /// 10xx: rendering or scanning failed.
    Image = 10,
    /// 11xx: not in this build.
    Unsupported = 11,
    /// 99xx and any unknown code.
    Internal = 99,
}

use travelcert_result as R;

/// Every code, for lookups from a C `uint32_t`.
pub(crate) const ALL: &[travelcert_result] = &[
    R::Ok,
    R::NullParameter,
    R::InvalidUtf8,
    R::InputTooLarge,
    R::InvalidArgument,
    R::InsufficientSize,
    R::IndexOutOfRange,
    R::DecodeText,
    R::DecodeBase45,
    R::DecodeCompression,
    R::DecodeCbor,
    R::DecodeCose,
    R::DecodeAlgorithm,
    R::DecodeClaims,
    R::DecodeRecord,
    R::SignatureInvalid,
    R::UnknownKid,
    R::KeyNotValidAtIssue,
    R::IssuerMismatch,
    R::RecordKindNotAllowed,
    R::ReaderKeyUnavailable,
    R::ValidityTooLong,
    R::DecodeEncryption,
    R::DecryptionFailed,
    R::Expired,
    R::NotYetValid,
    R::Revoked,
    R::PolicyRefused,
    R::NeedsReview,
    R::PolicyInvalid,
    R::TrustStoreInvalid,
    R::KeyInvalid,
    R::SignedListSignatureInvalid,
    R::SignedListNotCurrent,
    R::RevocationListInvalid,
    R::TrustListKeyOutOfScope,
    R::StateInvalid,
    R::IssueRecordInvalid,
    R::IssueValidityInvalid,
    R::IssueSignerFailed,
    R::IssueRandomFailed,
    R::RenderFailed,
    R::ScanImageInvalid,
    R::ScanNoCode,
    R::Unsupported,
    R::Internal,
    R::Panic,
];

impl travelcert_result {
    /// The code for a C `uint32_t`, if it is one.
    pub(crate) fn from_u32(code: u32) -> Option<Self> {
        ALL.iter().copied().find(|r| *r as u32 == code)
    }

    /// The code's kind.
    pub(crate) fn kind(self) -> travelcert_result_kind {
        use travelcert_result_kind as K;
        match self as u32 {
            0 => K::Ok,
            100..=199 => K::InvalidArgument,
            200..=299 => K::Decode,
            300..=399 => K::Signature,
            400..=499 => K::UntrustedKey,
            500..=599 => K::Validity,
            600..=699 => K::Revoked,
            700..=799 => K::Policy,
            800..=899 => K::TrustData,
            900..=999 => K::Issue,
            1000..=1099 => K::Image,
            1100..=1199 => K::Unsupported,
            _ => K::Internal,
        }
    }

    /// A short fixed message (ASCII, no trailing period).
    pub(crate) fn message(self) -> &'static str {
        match self {
            R::Ok => "success",
            R::NullParameter => "a required pointer argument was NULL",
            R::InvalidUtf8 => "a string argument is not valid UTF-8",
            R::InputTooLarge => "a length or count exceeds its limit",
            R::InvalidArgument => "an argument is out of range",
            R::InsufficientSize => "the output buffer is too small",
            R::IndexOutOfRange => "the index is past the end of the list",
            R::DecodeText => "the text is empty or does not start with TC1:",
            R::DecodeBase45 => "the Base45 text is malformed",
            R::DecodeCompression => "the compressed body is corrupt, truncated or too large",
            R::DecodeCbor => "the CBOR is malformed",
            R::DecodeCose => "the COSE_Sign1 structure is malformed",
            R::DecodeAlgorithm => "the signature algorithm is not accepted",
            R::DecodeClaims => "the certificate claims are missing or invalid",
            R::DecodeRecord => "the health record in the certificate is invalid",
            R::SignatureInvalid => "the signature does not verify",
            R::UnknownKid => "no trusted key has the certificate's key id",
            R::KeyNotValidAtIssue => "the key was not valid when the certificate was issued",
            R::IssuerMismatch => "the issuer country differs from the key's country",
            R::RecordKindNotAllowed => "the key may not sign this kind of record",
            R::ReaderKeyUnavailable => {
                "the certificate is encrypted and not readable with the reader keys you hold"
            }
            R::ValidityTooLong => "the certificate is valid for longer than its key may sign",
            R::DecodeEncryption => "the certificate's encryption structure is malformed",
            R::DecryptionFailed => "the encrypted certificate failed authenticated decryption",
            R::Expired => "the certificate has expired",
            R::NotYetValid => "the certificate is not valid yet",
            R::Revoked => "the certificate has been revoked",
            R::PolicyRefused => "the rules refuse the certificate",
            R::NeedsReview => "the rules ask for a human review",
            R::PolicyInvalid => "the rules file is invalid",
            R::TrustStoreInvalid => "the trust store is invalid",
            R::KeyInvalid => "the key could not be loaded",
            R::SignedListSignatureInvalid => "the signed list is not signed by a root key you hold",
            R::SignedListNotCurrent => {
                "the signed list is expired, not yet valid or older than the last one"
            }
            R::RevocationListInvalid => "the revocation list is invalid",
            R::TrustListKeyOutOfScope => {
                "the trust list names a key outside its root's country scope"
            }
            R::StateInvalid => "the list state directory or its state file is unusable",
            R::IssueRecordInvalid => "the health record is invalid",
            R::IssueValidityInvalid => "the validity period is invalid",
            R::IssueSignerFailed => "the signer failed",
            R::IssueRandomFailed => "the random number generator failed",
            R::RenderFailed => "the text could not be rendered",
            R::ScanImageInvalid => "the image could not be decoded",
            R::ScanNoCode => "no QR code was found in the image",
            R::Unsupported => "this library cannot do what the call asks (left out of this build)",
            R::Internal => "internal error",
            R::Panic => "internal error: a panic was caught at the C boundary",
        }
    }
}

/// A failure: a code, a stable name and a message with the details.
///
/// C sees it as the opaque `travelcert_error`, returned through the optional
/// `error_out` parameter of fallible functions. Immutable: safe to read from
/// several threads; free it once with `travelcert_error_free`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct travelcert_error {
    pub(crate) code: travelcert_result,
    pub(crate) name: &'static str,
    pub(crate) message: String,
}

impl travelcert_error {
    pub(crate) fn new(code: travelcert_result, name: &'static str, message: String) -> Self {
        Self {
            code,
            name,
            message,
        }
    }

    /// A failure whose message is the code's fixed message.
    pub(crate) fn plain(code: travelcert_result, name: &'static str) -> Self {
        Self::new(code, name, code.message().to_owned())
    }
}

/// The result code of every [`VerifyError`] variant. The match is exhaustive
/// on purpose: a new variant does not compile until it has a code.
pub(crate) fn verify_code(e: &VerifyError) -> travelcert_result {
    use VerifyError as V;
    match e {
        V::Empty | V::MissingPrefix => R::DecodeText,
        V::Base45InvalidCharacter { .. }
        | V::Base45InvalidLength { .. }
        | V::Base45GroupOverflow { .. } => R::DecodeBase45,
        V::InflateFailed { .. }
        | V::InflateLimitExceeded { .. }
        | V::ZlibTrailingData { .. }
        | V::ZlibUnknownDictionary { .. } => R::DecodeCompression,
        V::CborMalformed { .. }
        | V::CborTrailingBytes { .. }
        | V::CborIndefiniteLength { .. }
        | V::CborTooDeep { .. }
        | V::CborLengthExceedsInput { .. }
        | V::CborDuplicateKey { .. } => R::DecodeCbor,
        V::NotCoseSign1 { .. }
        | V::CoseStructure { .. }
        | V::AlgMissing
        | V::AlgNotProtected
        | V::KidMissing
        | V::KidLength { .. }
        | V::UnsupportedHeader { .. }
        | V::UnprotectedHeaderNotEmpty
        | V::PayloadMissing
        | V::SignatureLength { .. } => R::DecodeCose,
        V::AlgUnsupported { .. } => R::DecodeAlgorithm,
        V::UnknownKid { .. } => R::UnknownKid,
        V::SignatureInvalid { .. } => R::SignatureInvalid,
        V::KeyNotValidAtIssue { .. } => R::KeyNotValidAtIssue,
        V::IssuerMismatch { .. } => R::IssuerMismatch,
        V::RecordKindNotAllowed { .. } => R::RecordKindNotAllowed,
        V::ClaimMissing { .. } | V::ClaimInvalid { .. } | V::ExpiresBeforeIssued { .. } => {
            R::DecodeClaims
        }
        V::Expired { .. } => R::Expired,
        V::NotYetValid { .. } => R::NotYetValid,
        V::ValidityTooLong { .. } => R::ValidityTooLong,
        V::InvalidRecord(_) => R::DecodeRecord,
        V::KeyRevoked { .. } | V::CertificateRevoked { .. } => R::Revoked,
        V::Encrypted { .. } | V::ReaderKeyUnknown { .. } | V::ReaderKeyWrong { .. } => {
            R::ReaderKeyUnavailable
        }
        V::EncryptStructure { .. }
        | V::EncryptAlgUnsupported { .. }
        | V::NonceLength { .. }
        | V::AuthTagTruncated { .. }
        | V::EphemeralKeyInvalid { .. } => R::DecodeEncryption,
        V::EncryptHeaderTampered | V::DecryptionFailed { .. } => R::DecryptionFailed,
        // Foreign formats (`HC1:`, feature `hcert`): the same codes as their
        // travelcert counterparts.
        V::HcertNotCompressed => R::DecodeCompression,
        V::HcertNotCoseSign1 { .. }
        | V::HcertCoseStructure { .. }
        | V::HcertAlgMissing
        | V::HcertKidMissing => R::DecodeCose,
        V::HcertAlgUnsupported { .. } => R::DecodeAlgorithm,
        V::HcertUnknownKid { .. } => R::UnknownKid,
        V::HcertSignatureInvalid { .. } => R::SignatureInvalid,
        V::HcertClaimMissing { .. } | V::HcertClaimInvalid { .. } => R::DecodeClaims,
        V::HcertPayloadInvalid { .. } => R::DecodeRecord,
        V::HcertIssuerMismatch { .. } => R::IssuerMismatch,
        V::HcertDscNotValidAtSigning { .. } => R::KeyNotValidAtIssue,
        V::HcertKeyUsage { .. } => R::RecordKindNotAllowed,
        // SMART Health Cards (`shc:/`, feature `shc`).
        V::ShcNumericInvalid { .. }
        | V::ShcChunkInvalid { .. }
        | V::ShcChunkMissing { .. }
        | V::ShcChunkRepeated { .. }
        | V::ShcChunkInconsistent { .. }
        | V::ShcTooLarge { .. }
        | V::ShcTrailingCharacters { .. } => R::DecodeText,
        V::ShcJwsStructure { .. }
        | V::ShcKidMissing
        | V::ShcSignatureDer { .. }
        | V::ShcSignatureLength { .. } => R::DecodeCose,
        V::ShcAlgUnsupported { .. } => R::DecodeAlgorithm,
        V::ShcNotCompressed => R::DecodeCompression,
        V::ShcPayloadInvalid { .. } => R::DecodeRecord,
        V::ShcIssuerUrlInvalid { .. } | V::ShcIssuerUnknown { .. } => R::IssuerMismatch,
        V::ShcKidUnknown { .. }
        | V::ShcKeyNotP256 { .. }
        | V::ShcKeyUse { .. }
        | V::ShcKeyAlg { .. }
        | V::ShcKidNotThumbprint { .. } => R::UnknownKid,
        V::ShcSignatureInvalid { .. } => R::SignatureInvalid,
        V::ShcRevoked { .. } => R::Revoked,
        V::HcertDscNotChained { .. }
        | V::HcertCscaSignatureInvalid { .. }
        | V::HcertCscaNotCa { .. } => R::UnknownKid,
        V::HcertCscaNotValid { .. } => R::KeyNotValidAtIssue,
        V::HcertCscaCountry { .. } => R::IssuerMismatch,
    }
}

impl From<VerifyError> for travelcert_error {
    fn from(e: VerifyError) -> Self {
        Self::new(verify_code(&e), e.name(), e.to_string())
    }
}

impl From<KeyError> for travelcert_error {
    fn from(e: KeyError) -> Self {
        Self::new(R::KeyInvalid, e.name(), e.to_string())
    }
}

impl From<TrustError> for travelcert_error {
    fn from(e: TrustError) -> Self {
        Self::new(R::TrustStoreInvalid, e.name(), e.to_string())
    }
}

#[cfg(feature = "issue")]
impl From<IssueError> for travelcert_error {
    fn from(e: IssueError) -> Self {
        let (code, name) = match &e {
            IssueError::InvalidRecord(_) => (R::IssueRecordInvalid, "IssueRecordInvalid"),
            IssueError::InvalidValidity(_) => (R::IssueValidityInvalid, "IssueValidityInvalid"),
            IssueError::Signer(_) => (R::IssueSignerFailed, "IssueSignerFailed"),
            IssueError::Random(_) => (R::IssueRandomFailed, "IssueRandomFailed"),
            IssueError::HistoryNotRequested { .. } => {
                (R::IssueRecordInvalid, "IssueHistoryNotRequested")
            }
        };
        Self::new(code, name, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(travelcert_result::from_u32(*a as u32), Some(*a));
            for b in ALL.iter().skip(i + 1) {
                assert_ne!(*a as u32, *b as u32);
            }
            assert!(!a.message().is_empty() && a.message().is_ascii());
        }
        assert_eq!(travelcert_result::from_u32(1), None);
    }

    #[test]
    fn verify_codes_fall_in_the_library_kind() {
        use crate::keys::Kid;
        use crate::model::Timestamp;
        use crate::VerifyErrorKind as K;
        let kid = Kid([1; 8]);
        let t = Timestamp::from_unix(0).unwrap();
        let cases = [
            VerifyError::Empty,
            VerifyError::InflateLimitExceeded { limit: 1 },
            VerifyError::NonceLength { len: 1 },
            VerifyError::SignatureInvalid { kid },
            VerifyError::EncryptHeaderTampered,
            VerifyError::DecryptionFailed { kid },
            VerifyError::UnknownKid { kid },
            VerifyError::Encrypted {
                structure: "COSE_Encrypt0",
            },
            VerifyError::Expired { expires_at: t },
            VerifyError::NotYetValid { issued_at: t },
            VerifyError::KeyRevoked { kid },
            VerifyError::HcertNotCompressed,
            VerifyError::HcertPayloadInvalid {
                path: "v[0].dt".into(),
                reason: "not a date".into(),
            },
            VerifyError::HcertSignatureInvalid { kid: "00".into() },
            VerifyError::HcertUnknownKid { kid: "00".into() },
            VerifyError::HcertDscNotValidAtSigning {
                kid: "00".into(),
                signed_at: t,
            },
            VerifyError::HcertKeyUsage {
                kid: "00".into(),
                kind: "test".into(),
            },
            VerifyError::HcertDscNotChained {
                kid: "00".into(),
                issuer: "C=DE".into(),
            },
            VerifyError::HcertCscaNotValid {
                kid: "00".into(),
                csca: "00".into(),
                signed_at: t,
            },
            VerifyError::HcertCscaCountry {
                kid: "00".into(),
                csca: "00".into(),
                country: "FR".into(),
            },
        ];
        for e in cases {
            let kind = match e.kind() {
                K::Decode => travelcert_result_kind::Decode,
                K::Signature => travelcert_result_kind::Signature,
                K::UntrustedKey => travelcert_result_kind::UntrustedKey,
                K::Validity => travelcert_result_kind::Validity,
                K::Revoked => travelcert_result_kind::Revoked,
            };
            assert_eq!(verify_code(&e).kind(), kind, "{}", e.name());
        }
    }

    #[test]
    fn kinds_follow_the_hundreds() {
        assert_eq!(R::Ok.kind(), travelcert_result_kind::Ok);
        assert_eq!(
            R::NullParameter.kind(),
            travelcert_result_kind::InvalidArgument
        );
        assert_eq!(R::DecodeRecord.kind(), travelcert_result_kind::Decode);
        assert_eq!(
            R::SignatureInvalid.kind(),
            travelcert_result_kind::Signature
        );
        assert_eq!(R::UnknownKid.kind(), travelcert_result_kind::UntrustedKey);
        assert_eq!(R::Expired.kind(), travelcert_result_kind::Validity);
        assert_eq!(R::Revoked.kind(), travelcert_result_kind::Revoked);
        assert_eq!(R::NeedsReview.kind(), travelcert_result_kind::Policy);
        assert_eq!(R::KeyInvalid.kind(), travelcert_result_kind::TrustData);
        assert_eq!(R::IssueSignerFailed.kind(), travelcert_result_kind::Issue);
        assert_eq!(R::ScanNoCode.kind(), travelcert_result_kind::Image);
        assert_eq!(R::Unsupported.kind(), travelcert_result_kind::Unsupported);
        assert_eq!(R::Panic.kind(), travelcert_result_kind::Internal);
    }
}
