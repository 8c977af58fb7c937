//! Document signer certificates (DSC): the X.509 certificates whose keys sign
//! EU DCC and WHO DDCC certificates (`HC1:`, FORMAT.md §14).
//!
//! A DSC is read from PEM, DER or the EU gateway's trust-list JSON (an array
//! of `{kid, country, certificateType, rawData}`, `rawData` the base64 DER).
//! Its kid is the first 8 bytes of SHA-256 of the DER (the gateway's `kid`,
//! when given, is used as written: WHO's trust network uses shorter kids).
//! Loading checks the certificate's structure, validity dates, extended key
//! usage and public key (P-256 or RSA); the signature of the certificate
//! itself is not checked (a bare DSC is trusted as given, like a key in an
//! unsigned JSON store).

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::model::{CountryCode, Timestamp};

use super::TrustError;

/// The extended key usage OIDs of HCERT (two families): test, vaccination, recovery.
const EKU_TEST: [&str; 2] = ["1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"];
const EKU_VACCINATION: [&str; 2] = ["1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"];
const EKU_RECOVERY: [&str; 2] = ["1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"];

use spki::ObjectIdentifier as Oid;

const OID_EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const OID_P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const OID_ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const OID_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
const OID_ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const OID_SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");

/// The longest DSC accepted, in bytes of DER.
pub const MAX_DSC_LEN: usize = 16 * 1024;

/// The kinds of health certificate an HCERT DSC may sign (its extended key usage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DscUsage {
    /// A test certificate (`t`).
    Test,
    /// A vaccination certificate (`v`).
    Vaccination,
    /// A recovery certificate (`r`).
    Recovery,
}

impl DscUsage {
    /// The stable name: `test`, `vaccination`, `recovery`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Test => "test",
            Self::Vaccination => "vaccination",
            Self::Recovery => "recovery",
        }
    }
}

/// The signature algorithms of HCERT: the verifying keys, made once at load
/// and shared (a verified certificate keeps its DSC without copying it).
#[derive(Debug, Clone)]
enum DscKey {
    P256(Arc<p256::ecdsa::VerifyingKey>),
    /// Only for country signing CAs (no HCERT algorithm uses P-384).
    P384(Arc<p384::ecdsa::VerifyingKey>),
    Rsa(Arc<rsa::pss::VerifyingKey<sha2::Sha256>>),
}

/// A document signer certificate, checked when it was loaded.
#[derive(Debug, Clone)]
pub struct Dsc {
    der: Arc<[u8]>,
    kid: Vec<u8>,
    /// SHA-256(DER)[..8], computed at load.
    fingerprint: crate::keys::Kid,
    country: Option<CountryCode>,
    not_before: Option<Timestamp>,
    not_after: Option<Timestamp>,
    /// `None`: none of the six HCERT OIDs, so it may sign every kind.
    usage: Option<Vec<DscUsage>>,
    key: DscKey,
    vouched_by: Option<crate::keys::PublicKey>,
    /// Checked against configured CSCAs: the CSCA it chains to, or why not
    /// (`None`: no chain was asked for).
    chain: Option<Result<crate::keys::Kid, crate::VerifyError>>,
}

impl PartialEq for Dsc {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
            && self.kid == other.kid
            && self.country == other.country
            && self.vouched_by == other.vouched_by
    }
}

impl Eq for Dsc {}

/// The signature algorithm of an `HC1:` certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HcertAlg {
    /// ES256 (-7): ECDSA P-256 with SHA-256.
    Es256,
    /// PS256 (-37): RSASSA-PSS with SHA-256.
    Ps256,
}

impl Dsc {
    /// Reads one DSC from DER.
    pub fn from_der(der: &[u8]) -> Result<Self, TrustError> {
        Self::parse(0, der, false)
    }

    /// Reads every DSC in `bytes`: PEM (one or more `CERTIFICATE` blocks), DER,
    /// or the EU gateway's trust-list JSON.
    pub fn load(bytes: &[u8]) -> Result<Vec<Self>, TrustError> {
        let trimmed = bytes.trim_ascii_start();
        if trimmed.starts_with(b"[") || trimmed.starts_with(b"{") {
            return Self::from_gateway_json(trimmed);
        }
        if trimmed.starts_with(b"-----BEGIN") {
            return Self::from_pem(trimmed);
        }
        Ok(vec![Self::parse(0, bytes, false)?])
    }

    /// Reads every `CERTIFICATE` block of a PEM file.
    pub fn from_pem(pem: &[u8]) -> Result<Vec<Self>, TrustError> {
        pem_certificates(pem)?
            .iter()
            .enumerate()
            .map(|(index, der)| Self::parse(index, der, false))
            .collect()
    }

    /// Reads the EU gateway's trust-list JSON: an array of
    /// `{kid, country, certificateType, rawData}`; entries whose
    /// `certificateType` is present and not `DSC` are skipped.
    pub fn from_gateway_json(json: &[u8]) -> Result<Vec<Self>, TrustError> {
        #[derive(serde::Deserialize)]
        struct Entry {
            #[serde(default)]
            kid: Option<String>,
            #[serde(default)]
            country: Option<String>,
            #[serde(default, rename = "certificateType")]
            certificate_type: Option<String>,
            #[serde(rename = "rawData")]
            raw_data: String,
        }
        let entries: Vec<Entry> =
            serde_json::from_slice(json).map_err(|e| TrustError::Json(e.to_string()))?;
        let mut out = Vec::new();
        for (index, e) in entries.into_iter().enumerate() {
            if e.certificate_type.as_deref().is_some_and(|t| t != "DSC") {
                continue;
            }
            let der = base64_decode(&e.raw_data)
                .ok_or_else(|| dsc_err(index, "rawData is not base64"))?;
            let mut dsc = Self::parse(index, &der, false)?;
            if let Some(kid) = e.kid {
                dsc.kid = base64_decode(&kid)
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| dsc_err(index, "kid is not base64"))?;
            }
            if let Some(country) = e.country {
                dsc.country = Some(
                    CountryCode::new(&country).map_err(|err| dsc_err(index, err.to_string()))?,
                );
            }
            out.push(dsc);
        }
        Ok(out)
    }

    /// Reads one certificate; `p384` also accepts a P-384 key (for CSCAs).
    pub(super) fn parse(index: usize, der_bytes: &[u8], p384: bool) -> Result<Self, TrustError> {
        use der::Decode;
        if der_bytes.len() > MAX_DSC_LEN {
            return Err(dsc_err(index, format!("longer than {MAX_DSC_LEN} bytes")));
        }
        let cert = x509_cert::Certificate::from_der(der_bytes)
            .map_err(|e| dsc_err(index, format!("X.509: {e}")))?;
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let not_before = x509_time(validity.not_before);
        let not_after = x509_time(validity.not_after);
        let country = tbs
            .subject()
            .country()
            .ok()
            .flatten()
            .and_then(|c| CountryCode::new(c.as_str()).ok());
        let usage = match tbs.get_extension::<x509_cert::ext::pkix::ExtendedKeyUsage>() {
            Ok(Some((_, eku))) => usage_of(eku.0.iter().map(ToString::to_string)),
            Ok(None) => None,
            Err(e) => return Err(dsc_err(index, format!("extended key usage: {e}"))),
        };
        let spki = tbs.subject_public_key_info();
        let alg = spki.algorithm.oid;
        let key_bytes = spki.subject_public_key.raw_bytes();
        let key = if alg == OID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok());
            if p384 && curve == Some(OID_P384) {
                DscKey::P384(Arc::new(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| dsc_err(index, "invalid P-384 public key"))?,
                ))
            } else if curve != Some(OID_P256) {
                return Err(TrustError::DscKeyUnsupported {
                    index,
                    algorithm: format!(
                        "EC curve {}",
                        curve.map(|c| c.to_string()).unwrap_or_default()
                    ),
                });
            } else {
                DscKey::P256(Arc::new(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| dsc_err(index, "invalid P-256 public key"))?,
                ))
            }
        } else if alg == OID_RSA || alg == OID_RSA_PSS {
            use rsa::pkcs1::DecodeRsaPublicKey;
            // PS256: PSS with SHA-256 and a salt as long as the hash (RFC 8230).
            DscKey::Rsa(Arc::new(rsa::pss::VerifyingKey::new(
                rsa::PublicKey::from_pkcs1_der(key_bytes)
                    .map_err(|e| dsc_err(index, format!("invalid RSA public key: {e}")))?,
            )))
        } else {
            return Err(TrustError::DscKeyUnsupported {
                index,
                algorithm: alg.to_string(),
            });
        };
        let digest = Sha256::digest(der_bytes);
        let mut fingerprint = [0u8; 8];
        fingerprint.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        Ok(Self {
            der: der_bytes.into(),
            kid: fingerprint.to_vec(),
            fingerprint: crate::keys::Kid(fingerprint),
            country,
            not_before,
            not_after,
            usage,
            key,
            vouched_by: None,
            chain: None,
        })
    }

    /// The kid: SHA-256(DER)[..8], or the gateway entry's kid.
    pub fn kid(&self) -> &[u8] {
        &self.kid
    }

    /// The first 8 bytes of SHA-256 of the DER, whatever kid it is listed under.
    pub fn fingerprint(&self) -> crate::keys::Kid {
        self.fingerprint
    }

    /// The DER of the certificate.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The country: the gateway entry's, else the subject's `C`.
    pub fn country(&self) -> Option<CountryCode> {
        self.country
    }

    /// Sets the country (scoping the DSC like an issuer key).
    pub fn with_country(mut self, country: CountryCode) -> Self {
        self.country = Some(country);
        self
    }

    /// The start of the validity period.
    pub fn not_before(&self) -> Option<Timestamp> {
        self.not_before
    }

    /// The end of the validity period.
    pub fn not_after(&self) -> Option<Timestamp> {
        self.not_after
    }

    /// Whether the certificate was valid at `at`.
    pub fn valid_at(&self, at: Timestamp) -> bool {
        self.not_before.is_none_or(|nb| at >= nb) && self.not_after.is_none_or(|na| at <= na)
    }

    /// The kinds its extended key usage allows; `None` when it names none of
    /// the six HCERT OIDs (then it may sign every kind).
    pub fn usage(&self) -> Option<&[DscUsage]> {
        self.usage.as_deref()
    }

    /// Whether it may sign a certificate of this kind.
    pub fn may_sign(&self, kind: DscUsage) -> bool {
        self.usage.as_ref().is_none_or(|u| u.contains(&kind))
    }

    /// The key algorithm: `"P-256"`, `"RSA"` (or `"P-384"`, only for a CSCA).
    pub fn key_algorithm(&self) -> &'static str {
        match self.key {
            DscKey::P256(_) => "P-256",
            DscKey::P384(_) => "P-384",
            DscKey::Rsa(_) => "RSA",
        }
    }

    /// The root whose signed list vouched for it (`None`: a bare DSC file).
    pub fn vouched_by(&self) -> Option<&crate::keys::PublicKey> {
        self.vouched_by.as_ref()
    }

    /// Lists it under another kid (WHO's trust network uses shorter kids).
    pub(super) fn with_kid(mut self, kid: Vec<u8>) -> Self {
        self.kid = kid;
        self
    }

    /// Records that a signed trust list of `root` vouched for it.
    pub(super) fn vouched(mut self, root: crate::keys::PublicKey) -> Self {
        self.vouched_by = Some(root);
        self
    }

    /// Checks that it chains to one of `cscas` (FORMAT.md §14.4) and records
    /// the outcome: a verification with this DSC then fails with the chain's
    /// error (`HcertDscNotChained`, `HcertCsca*`) unless it chained. Each
    /// CSCA with the DSC's issuer name is tried in order; the first that
    /// passes every check wins, else the first failure is kept.
    pub fn chained(mut self, cscas: &[super::Csca]) -> Self {
        self.chain = Some(super::csca::chain(&self, cscas));
        self
    }

    /// The fingerprint of the configured CSCA it chains to (`None`: no chain
    /// was checked, or it failed).
    pub fn chained_to(&self) -> Option<crate::keys::Kid> {
        self.chain.as_ref().and_then(|c| c.as_ref().ok().copied())
    }

    /// Whether it was checked against configured CSCAs ([`Dsc::chained`]),
    /// whatever the outcome.
    pub(crate) fn chain_checked(&self) -> bool {
        self.chain.is_some()
    }

    /// The chain check's failure, when a chain was asked for and failed.
    pub(crate) fn chain_failure(&self) -> Option<&crate::VerifyError> {
        self.chain.as_ref().and_then(|c| c.as_ref().err())
    }

    /// Verifies an X.509 signature (`algorithm` its OID) made with this
    /// certificate's key: ECDSA P-256 with SHA-256, ECDSA P-384 with
    /// SHA-384, RSA PKCS#1 v1.5 with SHA-256, RSA-PSS with SHA-256.
    pub(super) fn verify_x509(&self, algorithm: &Oid, message: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            DscKey::P256(key) if *algorithm == OID_ECDSA_SHA256 => {
                use p256::ecdsa::signature::Verifier;
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            DscKey::P384(key) if *algorithm == OID_ECDSA_SHA384 => {
                use p384::ecdsa::signature::Verifier;
                p384::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            DscKey::Rsa(key) if *algorithm == OID_SHA256_RSA => {
                use rsa::signature::Verifier;
                let pkcs1 = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(
                    AsRef::<rsa::PublicKey>::as_ref(&**key).clone(),
                );
                rsa::pkcs1v15::Signature::try_from(signature)
                    .is_ok_and(|sig| pkcs1.verify(message, &sig).is_ok())
            }
            DscKey::Rsa(key) if *algorithm == OID_RSA_PSS => {
                use rsa::signature::Verifier;
                rsa::pss::Signature::try_from(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            _ => false,
        }
    }

    /// Verifies `signature` over `message` with this DSC's key; `false` when
    /// the algorithm does not fit the key or the signature does not verify.
    pub(crate) fn verify(&self, alg: HcertAlg, message: &[u8], signature: &[u8]) -> bool {
        match (&self.key, alg) {
            (DscKey::P256(key), HcertAlg::Es256) => {
                use p256::ecdsa::signature::Verifier;
                p256::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            (DscKey::Rsa(key), HcertAlg::Ps256) => {
                use rsa::signature::Verifier;
                rsa::pss::Signature::try_from(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            _ => false,
        }
    }
}

/// The DER of every `CERTIFICATE` block of a PEM file (at least one).
pub(super) fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, TrustError> {
    let text = std::str::from_utf8(pem).map_err(|_| dsc_err(0, "PEM is not UTF-8"))?;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let after = rest.get(start..).unwrap_or_default();
        let end_marker = "-----END CERTIFICATE-----";
        let end = after
            .find(end_marker)
            .ok_or_else(|| dsc_err(out.len(), "PEM block has no END line"))?;
        let block = after.get(..end + end_marker.len()).unwrap_or_default();
        let (label, der) = der::pem::decode_vec(block.as_bytes())
            .map_err(|e| dsc_err(out.len(), format!("PEM: {e}")))?;
        if label != "CERTIFICATE" {
            return Err(dsc_err(out.len(), format!("PEM label {label}")));
        }
        out.push(der);
        rest = after.get(end + end_marker.len()..).unwrap_or_default();
    }
    if out.is_empty() {
        return Err(dsc_err(0, "no CERTIFICATE block in the PEM file"));
    }
    Ok(out)
}

/// An X.509 time as a [`Timestamp`] (clamped to the model's range).
pub(super) fn x509_time(t: x509_cert::time::Time) -> Option<Timestamp> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    Timestamp::from_unix(secs.min(crate::model::MAX_UNIX_SECONDS)).ok()
}

fn usage_of(oids: impl Iterator<Item = String>) -> Option<Vec<DscUsage>> {
    let mut usage = Vec::new();
    for oid in oids {
        for (family, kind) in [
            (EKU_TEST, DscUsage::Test),
            (EKU_VACCINATION, DscUsage::Vaccination),
            (EKU_RECOVERY, DscUsage::Recovery),
        ] {
            if family.contains(&oid.as_str()) && !usage.contains(&kind) {
                usage.push(kind);
            }
        }
    }
    (!usage.is_empty()).then_some(usage)
}

fn dsc_err(index: usize, reason: impl Into<String>) -> TrustError {
    TrustError::Dsc {
        index,
        reason: reason.into(),
    }
}

/// Standard base64 with or without padding, ignoring whitespace.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64ct::Encoding;
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let unpadded = clean.trim_end_matches('=');
    base64ct::Base64Unpadded::decode_vec(unpadded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_only_the_six_hcert_oids() {
        let u = |oids: &[&str]| usage_of(oids.iter().map(|s| (*s).to_owned()));
        assert_eq!(u(&["1.3.6.1.5.5.7.3.1"]), None);
        assert_eq!(u(&[EKU_TEST[0]]), Some(vec![DscUsage::Test]));
        assert_eq!(
            u(&[EKU_VACCINATION[1], EKU_RECOVERY[0], "1.3.6.1.5.5.7.3.1"]),
            Some(vec![DscUsage::Vaccination, DscUsage::Recovery])
        );
    }

    #[test]
    fn bad_dsc_inputs_get_their_own_errors() {
        assert!(matches!(
            Dsc::load(b"\x30\x03\x02\x01\x01"),
            Err(TrustError::Dsc { index: 0, .. })
        ));
        assert!(matches!(
            Dsc::load(b"[{\"rawData\": \"!!\"}]"),
            Err(TrustError::Dsc { index: 0, .. })
        ));
        assert!(matches!(Dsc::load(b"[{]"), Err(TrustError::Json(_))));
        assert!(matches!(
            Dsc::load(b"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"),
            Err(TrustError::Dsc { .. })
        ));
    }
}
