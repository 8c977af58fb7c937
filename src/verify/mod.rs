//! Verifying: certificate text → [`Verified`] certificate, offline.
//!
//! [`Verifier::verify`] runs every check, in this order, and returns the first
//! failure as a specific [`VerifyError`]: prefix and Base45; inflation under a
//! cap; COSE_Sign1 structure, algorithm and kid; a trusted key with that kid and a
//! strict Ed25519 signature (`verify_strict`); the claims and the record; the
//! issuer country against the key's; the key's validity at the issue time; the
//! record kinds the key may sign; the issue and expiry times against `now` with
//! the allowed clock skew. A key marked revoked in the trust store fails with
//! `KeyRevoked` (right after its signature verified); a certificate on the
//! revocation list ([`Verifier::with_revocations`]) with `CertificateRevoked`
//! (after the trust checks, before the time checks).
//!
//! [`inspect`] decodes without any trust: for showing what a code says, never for
//! deciding anything.

use serde::Serialize;

use crate::codec::{self, claims, zlib, BodyForm};
use crate::cose::{Algorithm, CoseSign1};
use crate::keys::Kid;
use crate::model::{Certificate, CountryCode, Timestamp};
use crate::trust::{RevocationList, TrustStore, TrustedKey};
use crate::VerifyError;
use std::sync::Arc;

/// Verifier settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The most bytes a compressed body may inflate to (default 64 KiB).
    pub inflate_limit: usize,
    /// Seconds of clock difference tolerated on `iat` and `exp` (default 300).
    pub clock_skew: i64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            inflate_limit: zlib::DEFAULT_INFLATE_LIMIT,
            clock_skew: 300,
        }
    }
}

/// A certificate whose signature, trust and validity all held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// The certificate.
    pub certificate: Certificate,
    /// The kid of the key that verified it, hex.
    #[serde(serialize_with = "kid_hex")]
    pub kid: Kid,
    /// The country of the key that verified it.
    pub key_country: CountryCode,
    /// The algorithm identifier in the header (-19 or -8).
    #[serde(serialize_with = "alg_id")]
    pub alg: Algorithm,
    /// Whether the body was compressed.
    pub body: BodyForm,
}

fn kid_hex<S: serde::Serializer>(kid: &Kid, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(kid)
}

fn alg_id<S: serde::Serializer>(alg: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(alg.id())
}

/// Verifies certificates against a trust store. Cheap to share across threads
/// (`Send + Sync`); it holds no mutable state.
#[derive(Debug, Clone)]
pub struct Verifier {
    store: TrustStore,
    options: VerifyOptions,
    revocations: Option<Arc<RevocationList>>,
}

impl Verifier {
    /// A verifier with default options.
    pub fn new(store: TrustStore) -> Self {
        Self::with_options(store, VerifyOptions::default())
    }

    /// A verifier with these options.
    pub fn with_options(store: TrustStore, options: VerifyOptions) -> Self {
        Self {
            store,
            options,
            revocations: None,
        }
    }

    /// This verifier, also refusing every certificate on `list` with
    /// `CertificateRevoked` (the list is shared, not copied, between clones).
    pub fn with_revocations(mut self, list: impl Into<Arc<RevocationList>>) -> Self {
        self.revocations = Some(list.into());
        self
    }

    /// The revocation list, if any.
    pub fn revocations(&self) -> Option<&RevocationList> {
        self.revocations.as_deref()
    }

    /// The trust store.
    pub fn store(&self) -> &TrustStore {
        &self.store
    }

    /// The options.
    pub fn options(&self) -> VerifyOptions {
        self.options
    }

    /// Verifies `text` at the instant `now`. `Ok` only when every check holds.
    pub fn verify(&self, text: &str, now: Timestamp) -> Result<Verified, VerifyError> {
        let body = codec::text_to_body(text)?;
        let (cose, form) = codec::body_to_cose(&body, self.options.inflate_limit)?;
        let sign1 = CoseSign1::parse(&cose)?;
        let kid = sign1.header.kid;
        let candidates = self.store.get(&kid);
        if candidates.is_empty() {
            return Err(VerifyError::UnknownKid {
                kid: kid.to_string(),
            });
        }
        let tbs = sign1.to_be_signed();
        let verifying: Vec<&TrustedKey> = candidates
            .iter()
            .filter(|k| k.key.verify_strict(&tbs, &sign1.signature))
            .collect();
        let first = *verifying
            .first()
            .ok_or_else(|| VerifyError::SignatureInvalid {
                kid: kid.to_string(),
            })?;
        if verifying.iter().all(|k| k.revoked) {
            return Err(VerifyError::KeyRevoked {
                kid: kid.to_string(),
            });
        }
        let certificate = claims::decode_claims(sign1.payload)?;
        // The same key may be listed for several countries (several trust
        // lists merged): use the entry of the certificate's issuer when there is one.
        let key = verifying
            .iter()
            .copied()
            .find(|k| k.country == certificate.issuer)
            .unwrap_or(first);
        if key.revoked {
            return Err(VerifyError::KeyRevoked {
                kid: kid.to_string(),
            });
        }
        check_trust(key, &certificate)?;
        if let Some(list) = &self.revocations {
            if list.is_revoked(certificate.issuer, &certificate.certificate_id) {
                return Err(VerifyError::CertificateRevoked {
                    issuer: certificate.issuer.to_string(),
                    certificate_id: certificate.certificate_id.to_string(),
                });
            }
        }
        self.check_time(&certificate, now)?;
        Ok(Verified {
            certificate,
            kid,
            key_country: key.country,
            alg: sign1.header.alg,
            body: form,
        })
    }

    fn check_time(&self, c: &Certificate, now: Timestamp) -> Result<(), VerifyError> {
        let skew = self.options.clock_skew;
        if now.unix() > c.expires_at.unix().saturating_add(skew) {
            return Err(VerifyError::Expired {
                expires_at: c.expires_at.to_string(),
            });
        }
        if now.unix().saturating_add(skew) < c.issued_at.unix() {
            return Err(VerifyError::NotYetValid {
                issued_at: c.issued_at.to_string(),
            });
        }
        Ok(())
    }
}

/// The checks that tie a verified signature to what the certificate claims.
fn check_trust(key: &TrustedKey, c: &Certificate) -> Result<(), VerifyError> {
    let kid = key.key.kid().to_string();
    if key.country != c.issuer {
        return Err(VerifyError::IssuerMismatch {
            claimed: c.issuer.to_string(),
            key_country: key.country.to_string(),
            kid,
        });
    }
    if !key.valid_at(c.issued_at) {
        return Err(VerifyError::KeyNotValidAtIssue {
            kid,
            issued_at: c.issued_at.to_string(),
        });
    }
    if let Some(kind) = c.record.kinds().into_iter().find(|k| !key.allows(*k)) {
        return Err(VerifyError::RecordKindNotAllowed {
            kid,
            kind: kind.name().unwrap_or("unknown").to_owned(),
        });
    }
    Ok(())
}

/// What a code says, decoded WITHOUT checking its signature, its issuer's
/// trust or its validity. Never base a decision on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unverified {
    /// Always `false`: a reminder in the JSON that nothing was verified.
    pub verified: bool,
    /// The certificate as it claims to be.
    pub certificate: Certificate,
    /// The kid in the header, hex.
    #[serde(serialize_with = "kid_hex")]
    pub kid: Kid,
    /// The algorithm identifier in the header.
    #[serde(serialize_with = "alg_id")]
    pub alg: Algorithm,
    /// Whether the body was compressed.
    pub body: BodyForm,
}

/// Decodes `text` without verifying anything (see [`Unverified`]).
pub fn inspect(text: &str, inflate_limit: usize) -> Result<Unverified, VerifyError> {
    let body = codec::text_to_body(text)?;
    let (cose, form) = codec::body_to_cose(&body, inflate_limit)?;
    let sign1 = CoseSign1::parse(&cose)?;
    Ok(Unverified {
        verified: false,
        certificate: claims::decode_claims(sign1.payload)?,
        kid: sign1.header.kid,
        alg: sign1.header.alg,
        body: form,
    })
}
