//! Issuing: record → signed certificate text.
//!
//! An [`Issuer`] holds a [`Signer`] and the issuing
//! country. The signer can be the in-memory
//! [`Ed25519Signer`] or any HSM / KMS client that
//! implements the trait: it is handed the bytes to sign and returns a 64-byte
//! signature (or its own error, kept as the source of [`IssueError::Signer`]).
//!
//! ```
//! use travelcert::issue::{Ed25519Signer, Issuer, IssueParams};
//! use travelcert::model::{CountryCode, HealthRecord, Timestamp};
//!
//! let signer = Ed25519Signer::from_seed(&[7u8; 32]); // demo key, never in production
//! let issuer = Issuer::new(signer, CountryCode::new("CN").unwrap());
//! let record: HealthRecord = serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
//! let params = IssueParams::new(Timestamp::from_unix(1_615_370_400).unwrap(), 48 * 3600);
//! let issued = issuer.issue(&record, &params).unwrap();
//! assert!(issued.text.starts_with("TC1:"));
//! ```

use crate::codec::{self, claims};
use crate::cose::{sign1, Algorithm, ProtectedHeader};
use crate::keys::{PublicKey, SignError};
use crate::model::{Certificate, CertificateId, CountryCode, Extensions, HealthRecord, Timestamp};

mod error;

/// Moved to [`crate::keys`]; kept here for existing callers.
pub use crate::keys::Ed25519Signer;
/// Moved to [`crate::keys`]; kept here for existing callers.
pub use crate::keys::Signer;
pub use error::IssueError;

/// What varies per certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueParams {
    /// The issue time (`iat`).
    pub issued_at: Timestamp,
    /// Seconds of validity from `issued_at` (NAT proofs: usually 48 hours).
    pub valid_for: i64,
    /// The certificate id; `None` draws 8 random bytes from the OS CSPRNG.
    pub certificate_id: Option<CertificateId>,
    /// Whether infection history and recovery NATs may go into the certificate
    /// (minimum necessary data: default `false`, and a record that carries them
    /// is refused with [`IssueError::HistoryNotRequested`] rather than issued
    /// without them). Issue such certificates encrypted where possible.
    pub include_history: bool,
    /// Whether to compress with the preset dictionary (FORMAT.md §3.1): a
    /// shorter text, often one QR version smaller, which only verifiers that
    /// know the dictionary read. Default `false` until the verifiers an
    /// issuer serves have it.
    pub dictionary: bool,
}

impl IssueParams {
    /// Issued at `issued_at`, valid for `valid_for` seconds, with a random id.
    pub fn new(issued_at: Timestamp, valid_for: i64) -> Self {
        Self {
            issued_at,
            valid_for,
            certificate_id: None,
            include_history: false,
            dictionary: false,
        }
    }

    /// Allows infection history and recovery NATs in the certificate.
    pub fn with_history(mut self) -> Self {
        self.include_history = true;
        self
    }

    /// Compresses with the preset dictionary (FORMAT.md §3.1).
    pub fn with_dictionary(mut self) -> Self {
        self.dictionary = true;
        self
    }

    /// Uses this certificate id instead of a random one.
    pub fn with_id(mut self, id: CertificateId) -> Self {
        self.certificate_id = Some(id);
        self
    }
}

/// A freshly issued certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The QR text, `TC1:` + Base45.
    pub text: String,
    /// The signed certificate.
    pub certificate: Certificate,
    /// The COSE_Sign1 bytes inside the text.
    pub cose: Vec<u8>,
}

/// Issues certificates for one country with one signer. Compression reuses one
/// compressor per thread, reset between certificates.
pub struct Issuer<S: Signer> {
    signer: S,
    country: CountryCode,
    header: ProtectedHeader,
}

impl<S: Signer> Issuer<S> {
    /// An issuer for `country` signing with `signer`.
    pub fn new(signer: S, country: CountryCode) -> Self {
        let header = ProtectedHeader {
            alg: Algorithm::Ed25519,
            kid: signer.public_key().kid(),
        };
        Self {
            signer,
            country,
            header,
        }
    }

    /// The signer's public key.
    pub fn public_key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// Validates, encodes, signs, compresses and Base45-encodes one record.
    pub fn issue(&self, record: &HealthRecord, params: &IssueParams) -> Result<Issued, IssueError> {
        record.validate()?;
        if record.has_history() && !params.include_history {
            return Err(IssueError::HistoryNotRequested {
                history: record.infection_history.len(),
                recovery_tests: record.recovery_tests.len(),
            });
        }
        if params.valid_for <= 0 {
            return Err(IssueError::InvalidValidity(format!(
                "valid_for must be positive, not {} seconds",
                params.valid_for
            )));
        }
        let expires_at = params
            .issued_at
            .unix()
            .checked_add(params.valid_for)
            .and_then(|s| Timestamp::from_unix(s).ok())
            .ok_or_else(|| IssueError::InvalidValidity("expiry after 9999-12-31".to_owned()))?;
        let certificate_id = match &params.certificate_id {
            Some(id) => id.clone(),
            None => random_id()?,
        };
        let certificate = Certificate {
            issuer: self.country,
            issued_at: params.issued_at,
            expires_at,
            certificate_id,
            record: record.clone(),
            unknown_claims: Extensions::default(),
        };
        let payload = claims::encode_claims(&certificate);
        let cose = sign1::sign(&self.header, &payload, |tbs| self.signer.sign(tbs))
            .map_err(|e| IssueError::Signer(SignError::new(e)))?;
        let text = if params.dictionary {
            codec::cose_to_text(&cose, Some(codec::dictionary::compress(&cose)))
        } else {
            codec::cose_to_text(&cose, None)
        };
        Ok(Issued {
            text,
            certificate,
            cose,
        })
    }
}

fn random_id() -> Result<CertificateId, IssueError> {
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| IssueError::Random(e.to_string()))?;
    CertificateId::new(&id).map_err(|e| IssueError::Random(e.to_string()))
}
