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

use crate::codec::{self, claims, zlib, BodyForm, Envelope};
use crate::cose::{Algorithm, CoseSign1};
use crate::keys::Kid;
use crate::model::{Certificate, Timestamp};
use crate::trust::{RevocationList, TrustStore, TrustedKey};
use crate::VerifyError;
use std::sync::Arc;

mod batch;
mod codes;
#[cfg(feature = "hcert")]
pub mod hcert;
#[cfg(feature = "shc")]
pub mod shc;
mod verified;

#[cfg(feature = "shc")]
pub use codes::is_shc_chunk;
pub use codes::CodeSet;
#[cfg(feature = "hcert")]
use verified::DscInfo;
use verified::{alg_id, format_name, kid_hex, Voucher};
pub use verified::{Foreign, Format, Origin, Verified};

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

/// Verifies certificates against a trust store. Cheap to share across threads
/// (`Send + Sync`); it holds no mutable state.
#[derive(Debug, Clone)]
pub struct Verifier {
    store: TrustStore,
    options: VerifyOptions,
    revocations: Option<Arc<RevocationList>>,
    #[cfg(feature = "encrypt")]
    reader_keys: Arc<crate::keys::ReaderKeys>,
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
    pub fn with_reader_keys(mut self, keys: impl Into<Arc<crate::keys::ReaderKeys>>) -> Self {
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
    /// With feature `hcert`, an `HC1:` text is verified as an EU DCC or WHO
    /// DDCC certificate against the store's DSCs (FORMAT.md §14).
    pub fn verify(&self, text: &str, now: Timestamp) -> Result<Verified, VerifyError> {
        #[cfg(feature = "hcert")]
        if let Some(rest) = foreign_body(text) {
            return self.verify_hcert(rest, now);
        }
        #[cfg(feature = "shc")]
        if text.starts_with(shc::SHC_PREFIX) {
            return self.verify_shc_texts(&[text], now);
        }
        self.verify_travelcert(text, now)
    }

    /// Verifies a SMART Health Card given as its QR texts: one `shc:/…`
    /// text, or the chunks `shc:/i/n/…` of one card in any order
    /// (FORMAT.md §15).
    #[cfg(feature = "shc")]
    pub fn verify_shc_texts<S: AsRef<str>>(
        &self,
        texts: &[S],
        now: Timestamp,
    ) -> Result<Verified, VerifyError> {
        let jws = shc::assemble(texts)?;
        self.verify_shc_jws(&jws, now)
    }

    /// Verifies a SMART Health Card given as its compact JWS.
    #[cfg(feature = "shc")]
    pub fn verify_shc_jws(&self, jws: &str, now: Timestamp) -> Result<Verified, VerifyError> {
        let decoded = shc::decode(jws, self.options.inflate_limit)?;
        let content = shc::verify(&self.store, decoded, now, self.options.clock_skew)?;
        Ok(shc_verified(content))
    }

    /// Verifies every card of a `.smart-health-card` file
    /// (`{"verifiableCredential": [jws, …]}`): `Err` when the file itself is
    /// malformed, else one result per JWS, in order.
    #[cfg(feature = "shc")]
    pub fn verify_shc_file(
        &self,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<Vec<Result<Verified, VerifyError>>, VerifyError> {
        Ok(shc::file_jws(bytes)?
            .iter()
            .map(|jws| self.verify_shc_jws(jws, now))
            .collect())
    }

    /// Verifies `text` as a travelcert (`TC1:`) certificate only, whatever
    /// the features: any other prefix, `HC1:` included, fails with
    /// `MissingPrefix`. This is the verifier the test vectors describe.
    pub fn verify_travelcert(&self, text: &str, now: Timestamp) -> Result<Verified, VerifyError> {
        let (prepared, candidates) = self.prepare_with_keys(text)?;
        if let [key] = candidates {
            // The usual case, one key with the kid: no list to collect.
            let one = [key];
            let verifying: &[&TrustedKey] =
                if key.key.verify_strict(&prepared.tbs, &prepared.signature) {
                    &one
                } else {
                    &[]
                };
            return self.finish(&prepared, verifying, now);
        }
        let verifying = prepared.verifying_keys(candidates);
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
        #[cfg(feature = "hcert")]
        if texts.iter().any(|t| foreign_body(t.as_ref()).is_some()) {
            // Foreign certificates have no batch path: verify each alone.
            return texts.iter().map(|t| self.verify(t.as_ref(), now)).collect();
        }
        #[cfg(feature = "shc")]
        if texts
            .iter()
            .any(|t| t.as_ref().starts_with(shc::SHC_PREFIX))
        {
            return texts.iter().map(|t| self.verify(t.as_ref(), now)).collect();
        }
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
        self.prepare_with_keys(text).map(|(prepared, _)| prepared)
    }

    /// [`Verifier::prepare`], also giving the trusted keys with the kid (at
    /// least one), looked up once.
    fn prepare_with_keys(&self, text: &str) -> Result<(Prepared, &[TrustedKey]), VerifyError> {
        let body = codec::text_to_body(text)?;
        #[cfg(feature = "encrypt")]
        let (body, encryption) = crate::encrypt::open_body(body, &self.reader_keys)?;
        #[cfg(not(feature = "encrypt"))]
        let encryption = Envelope::Plain;
        codec::with_cose(&body, self.options.inflate_limit, |cose, form| {
            let sign1 = CoseSign1::parse(cose)?;
            let kid = sign1.header.kid;
            let candidates = self.store.get(&kid);
            if candidates.is_empty() {
                return Err(VerifyError::UnknownKid { kid });
            }
            let prepared = Prepared {
                tbs: sign1.to_be_signed(),
                payload_len: sign1.payload.len(),
                signature: sign1.signature,
                kid,
                alg: sign1.header.alg,
                form,
                encryption,
            };
            Ok((prepared, candidates))
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
        let key_revoked = || VerifyError::KeyRevoked { kid: p.kid };
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
                    issuer: certificate.issuer,
                    certificate_id: certificate.certificate_id.clone(),
                });
            }
        }
        self.check_time(&certificate, now)?;
        Ok(Verified {
            format: Format::Travelcert,
            certificate,
            kid: p.kid,
            key_country: key.country,
            alg: p.alg,
            body: p.form,
            encryption: p.encryption,
            origin: Origin {
                format: Format::Travelcert,
                voucher: Voucher::Key(key.clone()),
            },
            foreign: None,
        })
    }

    /// The `HC1:` pipeline (FORMAT.md §14.3): every check in order.
    #[cfg(feature = "hcert")]
    fn verify_hcert(&self, rest: &str, now: Timestamp) -> Result<Verified, VerifyError> {
        let decoded = hcert::decode(rest, self.options.inflate_limit)?;
        let verifying = hcert::verifying_dscs(&self.store, &decoded)?;
        // Several DSCs may share a kid: use one whose country is the issuer's.
        let mut failure = None;
        for dsc in verifying {
            // A DSC that had to chain to a configured CSCA and did not.
            if let Some(e) = dsc.chain_failure() {
                failure = failure.or(Some(e.clone()));
                continue;
            }
            let content = hcert::content(&decoded, Some(dsc), now)?;
            match hcert::check(&content, dsc, now, self.options.clock_skew) {
                Ok(()) => return Ok(hcert_verified(&decoded, dsc, content)),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        Err(failure.unwrap_or(VerifyError::HcertSignatureInvalid {
            kid: hex::encode(&decoded.cose.kid),
        }))
    }

    fn check_time(&self, c: &Certificate, now: Timestamp) -> Result<(), VerifyError> {
        let skew = self.options.clock_skew;
        if now.unix() > c.expires_at.unix().saturating_add(skew) {
            return Err(VerifyError::Expired {
                expires_at: c.expires_at,
            });
        }
        // Valid from iat, or from nbf when that is later (FORMAT.md §6.1).
        let from = claims::not_before(c).map_or(c.issued_at, |nbf| nbf.max(c.issued_at));
        if now.unix().saturating_add(skew) < from.unix() {
            return Err(VerifyError::NotYetValid { issued_at: from });
        }
        Ok(())
    }
}

/// The one place where the prefix chooses the format: the text after `HC1:`
/// when foreign formats are enabled.
#[cfg(feature = "hcert")]
fn foreign_body(text: &str) -> Option<&str> {
    text.strip_prefix(hcert::HC1_PREFIX)
}

#[cfg(feature = "hcert")]
fn hcert_verified(d: &hcert::Decoded, dsc: &crate::trust::Dsc, c: hcert::Content) -> Verified {
    let format = match c.shape {
        hcert::Shape::EuDcc => Format::EuDcc,
        hcert::Shape::WhoDdcc => Format::WhoDdcc,
    };
    let schema_issues = match c.shape {
        hcert::Shape::EuDcc => hcert::schema_issues(&c.payload),
        hcert::Shape::WhoDdcc => Vec::new(),
    };
    Verified {
        format,
        kid: dsc.fingerprint(),
        key_country: dsc.country().unwrap_or(c.certificate.issuer),
        alg: match d.cose.alg {
            crate::trust::HcertAlg::Es256 => Algorithm::Es256,
            crate::trust::HcertAlg::Ps256 => Algorithm::Ps256,
        },
        body: BodyForm::Compressed,
        encryption: Envelope::Plain,
        certificate: c.certificate,
        origin: Origin {
            format,
            voucher: Voucher::Dsc(Box::new(dsc.clone())),
        },
        foreign: Some(Foreign {
            header_kid: hex::encode(&d.cose.kid),
            dsc: Some(DscInfo {
                fingerprint: dsc.fingerprint().to_string(),
                country: dsc.country(),
                not_before: dsc.not_before(),
                not_after: dsc.not_after(),
                key: dsc.key_algorithm(),
                usage: dsc.usage().map(|u| u.iter().map(|k| k.name()).collect()),
                csca: dsc.chained_to().map(|k| k.to_string()),
            }),
            issuer: None,
            payload: c.payload,
            schema_issues,
            warnings: Vec::new(),
        }),
    }
}

#[cfg(feature = "shc")]
fn shc_kid(thumbprint: &[u8]) -> Kid {
    let mut kid = [0u8; 8];
    for (slot, byte) in kid.iter_mut().zip(thumbprint) {
        *slot = *byte;
    }
    Kid(kid)
}

#[cfg(feature = "shc")]
fn shc_verified(c: shc::Content) -> Verified {
    Verified {
        format: Format::Shc,
        kid: shc_kid(&c.thumbprint),
        key_country: c.certificate.issuer,
        alg: Algorithm::Es256,
        body: BodyForm::Compressed,
        encryption: Envelope::Plain,
        certificate: c.certificate,
        origin: Origin {
            format: Format::Shc,
            voucher: Voucher::Shc(Box::new((c.iss.clone(), c.kid.clone(), c.vouched_by))),
        },
        foreign: Some(Foreign {
            header_kid: c.kid.clone(),
            dsc: None,
            issuer: Some(verified::ShcIssuerInfo {
                url: c.iss,
                kid: c.kid,
                x5c: c.x5c.then_some("not validated"),
                rid: c.rid,
                types: c.types,
                unmapped: c.unmapped,
            }),
            payload: c.payload,
            schema_issues: Vec::new(),
            warnings: c.warnings,
        }),
    }
}

/// Decodes a SMART Health Card (one `shc:/` text or the chunks of one
/// card) without verifying anything (see [`Unverified`]).
#[cfg(feature = "shc")]
pub fn inspect_shc<S: AsRef<str>>(
    texts: &[S],
    inflate_limit: usize,
) -> Result<Unverified, VerifyError> {
    let jws = shc::assemble(texts)?;
    let decoded = shc::decode(&jws, inflate_limit)?;
    let content = shc::content(decoded, None, false, Timestamp::now(), 0)?;
    Ok(Unverified {
        verified: false,
        format: Format::Shc,
        kid: shc_kid(&content.thumbprint),
        header_kid: Some(content.kid),
        payload: Some(content.payload),
        certificate: content.certificate,
        alg: Algorithm::Es256,
        body: BodyForm::Compressed,
    })
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
        VerifyError::SignatureInvalid { kid: self.kid }
    }

    /// The candidate entries whose key verifies the signature strictly, in
    /// order. Entries that share the same key bytes are checked once.
    fn verifying_keys<'k>(&self, candidates: &'k [TrustedKey]) -> Vec<&'k TrustedKey> {
        // Only needed when there are several candidates (no allocation for one).
        let mut verified: Vec<([u8; 32], bool)> = Vec::new();
        let several = candidates.len() > 1;
        candidates
            .iter()
            .filter(|k| {
                let bytes = k.key.to_bytes();
                match verified.iter().find(|(b, _)| *b == bytes) {
                    Some((_, ok)) => *ok,
                    None => {
                        let ok = k.key.verify_strict(&self.tbs, &self.signature);
                        if several {
                            verified.push((bytes, ok));
                        }
                        ok
                    }
                }
            })
            .collect()
    }
}

/// The checks that tie a verified signature to what the certificate claims.
fn check_trust(key: &TrustedKey, c: &Certificate) -> Result<(), VerifyError> {
    let kid = key.key.kid();
    if key.country != c.issuer {
        return Err(VerifyError::IssuerMismatch {
            claimed: c.issuer,
            key_country: key.country,
            kid,
        });
    }
    if !key.valid_at(c.issued_at) {
        return Err(VerifyError::KeyNotValidAtIssue {
            kid,
            issued_at: c.issued_at,
        });
    }
    if let Some(kind) = c.record.kinds_iter().find(|k| !key.allows(*k)) {
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
/// trust or its validity. Never base a decision on it: it cannot be given to
/// [`crate::policy::Policy::evaluate`], which takes a [`Verified`].
///
/// Serialized with `"verified": false` first, a reminder in the JSON that
/// nothing was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unverified {
    verified: bool,
    #[serde(serialize_with = "format_name")]
    format: Format,
    certificate: Certificate,
    /// The kid in the header; for an `HC1:` certificate (whose kid may have
    /// any length) see `header_kid`.
    #[serde(serialize_with = "kid_hex")]
    kid: Kid,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<serde_json::Value>,
    #[serde(serialize_with = "alg_id")]
    alg: Algorithm,
    body: BodyForm,
}

impl Unverified {
    /// Always `false`: nothing was verified.
    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// The format the text is in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The certificate as it claims to be.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The certificate, owned.
    pub fn into_certificate(self) -> Certificate {
        self.certificate
    }

    /// The kid in the header.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The algorithm in the header.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// Whether the body was compressed.
    pub fn body(&self) -> BodyForm {
        self.body
    }
}

/// Decodes `text` without verifying anything (see [`Unverified`]).
pub fn inspect(text: &str, inflate_limit: usize) -> Result<Unverified, VerifyError> {
    #[cfg(feature = "hcert")]
    if let Some(rest) = foreign_body(text) {
        let decoded = hcert::decode(rest, inflate_limit)?;
        let content = hcert::content(&decoded, None, Timestamp::now())?;
        let header_kid = &decoded.cose.kid;
        let mut kid = [0u8; 8];
        for (slot, byte) in kid.iter_mut().zip(header_kid.iter()) {
            *slot = *byte;
        }
        return Ok(Unverified {
            verified: false,
            format: match content.shape {
                hcert::Shape::EuDcc => Format::EuDcc,
                hcert::Shape::WhoDdcc => Format::WhoDdcc,
            },
            certificate: content.certificate,
            kid: Kid(kid),
            header_kid: Some(hex::encode(header_kid)),
            payload: Some(content.payload),
            alg: match decoded.cose.alg {
                crate::trust::HcertAlg::Es256 => Algorithm::Es256,
                crate::trust::HcertAlg::Ps256 => Algorithm::Ps256,
            },
            body: BodyForm::Compressed,
        });
    }
    #[cfg(feature = "shc")]
    if text.starts_with(shc::SHC_PREFIX) {
        return inspect_shc(&[text], inflate_limit);
    }
    let body = codec::text_to_body(text)?;
    let (cose, form) = codec::body_to_cose(&body, inflate_limit)?;
    let sign1 = CoseSign1::parse(&cose)?;
    Ok(Unverified {
        verified: false,
        format: Format::Travelcert,
        certificate: claims::decode_claims(sign1.payload)?,
        kid: sign1.header.kid,
        header_kid: None,
        payload: None,
        alg: sign1.header.alg,
        body: form,
    })
}
