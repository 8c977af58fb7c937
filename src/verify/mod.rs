//! Verifying: certificate text → [`Verified`] certificate, offline.
//!
//! [`Verifier::verify`] runs every check, in this order, and returns the first
//! failure as a specific [`VerifyError`]: prefix and Base45; inflation under a
//! cap; COSE_Sign1 structure, algorithm and kid; a trusted key with that kid and a
//! strict Ed25519 signature (`verify_strict`); the claims and the record; the
//! issuer country against the key's; the key's validity at the issue time; the
//! record kinds the key may sign; the issue and expiry times against `now` with
//! the allowed clock skew (and `nbf`, when present, like `iat`); `exp - iat`
//! against the key's `max_validity`. A key marked revoked in the trust store fails with
//! `KeyRevoked` (right after its signature verified); a certificate on the
//! revocation list ([`Verifier::with_revocations`]) with `CertificateRevoked`
//! (after the trust checks, before the time checks).
//!
//! [`inspect`] decodes without any trust: for showing what a code says, never for
//! deciding anything.

use serde::Serialize;

use crate::codec::{self, claims, zlib, BodyForm};
use crate::cose::{Algorithm, CoseSign1};
use crate::encrypt::Envelope;
use crate::keys::Kid;
use crate::model::{Certificate, CountryCode, Timestamp};
use crate::trust::{RevocationList, TrustStore, TrustedKey};
use crate::VerifyError;
use std::sync::Arc;

mod batch;

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
    /// Whether the certificate was encrypted, and how (FORMAT.md §13).
    pub encryption: Envelope,
    /// The root whose signed list vouched for the key (fingerprint: hex of
    /// the root key); absent when the key came from an unsigned JSON store.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "root_hex")]
    pub vouched_by: Option<crate::keys::PublicKey>,
}

fn root_hex<S: serde::Serializer>(
    root: &Option<crate::keys::PublicKey>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match root {
        Some(k) => s.collect_str(&crate::trust::fingerprint(k)),
        None => s.serialize_none(),
    }
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
    #[cfg(feature = "encrypt")]
    reader_keys: Arc<crate::encrypt::ReaderKeys>,
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
            #[cfg(feature = "encrypt")]
            reader_keys: Arc::default(),
        }
    }

    /// This verifier, also reading certificates encrypted for one of `keys`
    /// (FORMAT.md §13): the key the certificate's reader kid names decrypts
    /// it, then every check runs as for a plain certificate.
    #[cfg(feature = "encrypt")]
    pub fn with_reader_keys(mut self, keys: impl Into<Arc<crate::encrypt::ReaderKeys>>) -> Self {
        self.reader_keys = keys.into();
        self
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
        let prepared = self.prepare(text)?;
        let verifying = prepared.verifying_keys(self.store.get(&prepared.kid));
        self.finish(&prepared, &verifying, now)
    }

    /// Verifies many texts, checking the Ed25519 signatures together with
    /// batch verification, and returns one result per input, in order, equal to
    /// what [`Verifier::verify`] returns for each.
    ///
    /// Before batching, each signature must pass the checks batch verification
    /// skips: S canonical (below the group order), R canonically encoded and
    /// not of small order (trusted keys were checked at load). Items that fail
    /// them, or whose kid has several trusted keys, go through `verify_strict`
    /// one by one. When a batch fails, it is split in halves until the bad
    /// signatures are found.
    ///
    /// One difference remains by construction: the holder of a trusted key can
    /// craft a signature whose R has a small-order component (mixed order);
    /// `verify_strict` refuses it, batch verification accepts it with
    /// probability at most 1/2. Only the issuer can make such a signature, and
    /// it could as well sign the same claims validly.
    pub fn verify_batch<S: AsRef<str>>(
        &self,
        texts: &[S],
        now: Timestamp,
    ) -> Vec<Result<Verified, VerifyError>> {
        let prepared: Vec<Result<Prepared, VerifyError>> =
            texts.iter().map(|t| self.prepare(t.as_ref())).collect();
        // Items that can join the batch: one candidate key and the pre-checks pass.
        let items: Vec<batch::Item<'_>> = prepared
            .iter()
            .enumerate()
            .filter_map(|(index, p)| {
                let p = p.as_ref().ok()?;
                match self.store.get(&p.kid) {
                    [key] if batch::precheck(&p.signature) => Some(batch::Item {
                        index,
                        message: &p.tbs,
                        signature: &p.signature,
                        key,
                    }),
                    _ => None,
                }
            })
            .collect();
        let mut outcome: Vec<Option<bool>> = vec![None; prepared.len()];
        for (index, ok) in batch::verify(&items) {
            if let Some(slot) = outcome.get_mut(index) {
                *slot = Some(ok);
            }
        }
        prepared
            .into_iter()
            .zip(outcome)
            .map(|(p, batched)| {
                let p = p?;
                let candidates = self.store.get(&p.kid);
                let verifying = match batched {
                    // Batched items have exactly one candidate.
                    Some(true) => candidates.iter().collect(),
                    Some(false) => Vec::new(),
                    None => p.verifying_keys(candidates),
                };
                self.finish(&p, &verifying, now)
            })
            .collect()
    }

    /// Every check before the signature: text, body, COSE structure, known kid.
    fn prepare(&self, text: &str) -> Result<Prepared, VerifyError> {
        let body = codec::text_to_body(text)?;
        #[cfg(feature = "encrypt")]
        let (body, encryption) = crate::encrypt::open_body(body, &self.reader_keys)?;
        #[cfg(not(feature = "encrypt"))]
        let encryption = Envelope::Plain;
        let (cose, form) = codec::body_to_cose(&body, self.options.inflate_limit)?;
        let sign1 = CoseSign1::parse(&cose)?;
        let kid = sign1.header.kid;
        if self.store.get(&kid).is_empty() {
            return Err(VerifyError::UnknownKid {
                kid: kid.to_string(),
            });
        }
        Ok(Prepared {
            tbs: sign1.to_be_signed(),
            payload_len: sign1.payload.len(),
            signature: sign1.signature,
            kid,
            alg: sign1.header.alg,
            form,
            encryption,
        })
    }

    /// Every check after the signature: revoked keys, claims, record, trust,
    /// revocation, time. `verifying` holds the trust entries (at least one)
    /// whose key verified the signature, in trust-store order.
    fn finish(
        &self,
        p: &Prepared,
        verifying: &[&TrustedKey],
        now: Timestamp,
    ) -> Result<Verified, VerifyError> {
        let first = *verifying.first().ok_or_else(|| p.signature_invalid())?;
        let key_revoked = || VerifyError::KeyRevoked {
            kid: p.kid.to_string(),
        };
        if verifying.iter().all(|k| k.revoked) {
            return Err(key_revoked());
        }
        let certificate = claims::decode_claims(p.payload())?;
        // The same key may be listed for several countries (several trust
        // lists merged): use the entry of the certificate's issuer when there is one.
        let key = verifying
            .iter()
            .copied()
            .find(|k| k.country == certificate.issuer)
            .unwrap_or(first);
        if key.revoked {
            return Err(key_revoked());
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
            kid: p.kid,
            key_country: key.country,
            alg: p.alg,
            body: p.form,
            encryption: p.encryption,
            vouched_by: key.vouched_by.clone(),
        })
    }

    fn check_time(&self, c: &Certificate, now: Timestamp) -> Result<(), VerifyError> {
        let skew = self.options.clock_skew;
        if now.unix() > c.expires_at.unix().saturating_add(skew) {
            return Err(VerifyError::Expired {
                expires_at: c.expires_at.to_string(),
            });
        }
        // Valid from iat, or from nbf when that is later (FORMAT.md §6.1).
        let from = claims::not_before(c).map_or(c.issued_at, |nbf| nbf.max(c.issued_at));
        if now.unix().saturating_add(skew) < from.unix() {
            return Err(VerifyError::NotYetValid {
                issued_at: from.to_string(),
            });
        }
        Ok(())
    }
}

/// A text that passed every check before the signature.
struct Prepared {
    /// The Sig_structure; it ends with the payload.
    tbs: Vec<u8>,
    payload_len: usize,
    signature: [u8; 64],
    kid: Kid,
    alg: Algorithm,
    form: BodyForm,
    encryption: Envelope,
}

impl Prepared {
    /// The payload: the tail of the Sig_structure.
    fn payload(&self) -> &[u8] {
        let start = self.tbs.len().saturating_sub(self.payload_len);
        self.tbs.get(start..).unwrap_or_default()
    }

    fn signature_invalid(&self) -> VerifyError {
        VerifyError::SignatureInvalid {
            kid: self.kid.to_string(),
        }
    }

    /// The candidate entries whose key verifies the signature strictly, in
    /// order. Entries that share the same key bytes are checked once.
    fn verifying_keys<'k>(&self, candidates: &'k [TrustedKey]) -> Vec<&'k TrustedKey> {
        let mut verified: Vec<([u8; 32], bool)> = Vec::with_capacity(1);
        candidates
            .iter()
            .filter(|k| {
                let bytes = k.key.to_bytes();
                match verified.iter().find(|(b, _)| *b == bytes) {
                    Some((_, ok)) => *ok,
                    None => {
                        let ok = k.key.verify_strict(&self.tbs, &self.signature);
                        verified.push((bytes, ok));
                        ok
                    }
                }
            })
            .collect()
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
    if let Some(max_validity) = key.max_validity {
        let validity = c.expires_at.unix().saturating_sub(c.issued_at.unix());
        if u64::try_from(validity).map_or(true, |v| v > max_validity) {
            return Err(VerifyError::ValidityTooLong {
                kid,
                validity,
                max_validity,
            });
        }
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
