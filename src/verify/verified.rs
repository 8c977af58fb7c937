//! What a verification yields: [`Verified`], where it came from ([`Origin`],
//! [`Format`]) and what a foreign format adds ([`Foreign`]), with their JSON
//! form.

use serde::Serialize;

use crate::codec::{BodyForm, Envelope};
use crate::cose::Algorithm;
use crate::keys::Kid;
use crate::model::{Certificate, CountryCode, Timestamp};
use crate::trust::TrustedKey;

/// A certificate whose signature, trust and validity all held. Only a
/// [`Verifier`](super::Verifier) makes one, so a value of this type is proof that the checks
/// ran; its fields are read through accessors.
///
/// Serialized (the CLI's JSON) as `certificate`, `kid` (hex), `key_country`,
/// `alg` (the COSE identifier), `body`, `encryption` and, when a signed list
/// vouched for the key, `vouched_by` (the root's fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    #[serde(serialize_with = "format_name")]
    pub(super) format: Format,
    pub(super) certificate: Certificate,
    #[serde(serialize_with = "kid_hex")]
    pub(super) kid: Kid,
    pub(super) key_country: CountryCode,
    #[serde(serialize_with = "alg_id")]
    pub(super) alg: Algorithm,
    pub(super) body: BodyForm,
    pub(super) encryption: Envelope,
    /// Serialized as `vouched_by`: the fingerprint of the root that vouched
    /// for the key, only when one did.
    #[serde(
        rename = "vouched_by",
        serialize_with = "origin_root",
        skip_serializing_if = "Origin::has_no_root"
    )]
    pub(super) origin: Origin,
    /// For a certificate in a foreign format: the DSC that vouched, the
    /// original payload (for audit) and where it departs from its schema.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub(super) foreign: Option<Foreign>,
}

/// What a certificate in a foreign format (`HC1:`) adds to [`Verified`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Foreign {
    /// The kid in the COSE header, hex.
    pub(super) header_kid: String,
    /// The DSC whose key verified the signature (`HC1:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) dsc: Option<DscInfo>,
    /// The SMART Health Card issuer and key that verified the signature (`shc:/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) issuer: Option<ShcIssuerInfo>,
    /// The original health-certificate payload, as JSON.
    pub(super) payload: serde_json::Value,
    /// Where the payload departs from the EU DCC JSON schema (reported only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) schema_issues: Vec<String>,
    /// Departures from the format's specification that did not refuse the
    /// certificate (reported only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) warnings: Vec<String>,
}

/// The SMART Health Card issuer that vouched for an `shc:/` card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct ShcIssuerInfo {
    /// The issuer URL (`iss`).
    pub(super) url: String,
    /// The key's kid (its RFC 7638 thumbprint).
    pub(super) kid: String,
    /// `"not validated"` when the key carries an `x5c` chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) x5c: Option<&'static str>,
    /// The card's revocation id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rid: Option<String>,
    /// The credential types (`vc.type`).
    pub(super) types: Vec<String>,
    /// FHIR resources and codes the model has no place for (they stay in
    /// `payload`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) unmapped: Vec<String>,
}

/// The document signer certificate that vouched for an `HC1:` certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct DscInfo {
    /// SHA-256(DER)[..8], hex.
    pub(super) fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) country: Option<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) not_before: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) not_after: Option<Timestamp>,
    pub(super) key: &'static str,
    /// The kinds its extended key usage allows (absent: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) usage: Option<Vec<&'static str>>,
    /// The fingerprint of the configured CSCA it chains to, when one was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) csca: Option<String>,
}

impl Foreign {
    /// The kid in the COSE header, hex.
    pub fn header_kid(&self) -> &str {
        &self.header_kid
    }

    /// The original payload as JSON text (the EU DCC of claim -260/1, or the
    /// WHO DDCC core data set), for audit.
    pub fn payload_json(&self) -> String {
        self.payload.to_string()
    }

    /// Where the payload departs from the EU DCC JSON schema: reported,
    /// never a reason to refuse.
    pub fn schema_issues(&self) -> &[String] {
        &self.schema_issues
    }

    /// Departures from the format's specification that did not refuse the
    /// certificate (a SMART Health Card's unusual FHIR metadata, a JWS too
    /// long for one QR code, an `x5c` chain not validated, ...).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// FHIR resources and codes of a SMART Health Card that the model has no
    /// place for (they stay in the payload).
    pub fn unmapped(&self) -> &[String] {
        self.issuer.as_ref().map_or(&[], |i| i.unmapped.as_slice())
    }
}

impl Verified {
    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The certificate, owned.
    pub fn into_certificate(self) -> Certificate {
        self.certificate
    }

    /// The kid of the key that verified it.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The country of the key that verified it.
    pub fn key_country(&self) -> CountryCode {
        self.key_country
    }

    /// The algorithm in the header (-19 or -8).
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// Whether the body was compressed.
    pub fn body(&self) -> BodyForm {
        self.body
    }

    /// Whether the certificate was encrypted, and how (FORMAT.md §13).
    pub fn encryption(&self) -> Envelope {
        self.encryption
    }

    /// Where the certificate came from: its format and the trusted key that
    /// vouched for it.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// What a certificate in a foreign format adds (`None` for `TC1:`).
    pub fn foreign(&self) -> Option<&Foreign> {
        self.foreign.as_ref()
    }
}

pub(super) fn format_name<S: serde::Serializer>(format: &Format, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(format.name())
}

/// The wire format a certificate arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// travelcert's own format: `TC1:` + Base45 (FORMAT.md).
    Travelcert,
    /// An EU Digital COVID Certificate (`HC1:`, claim -260/1; feature `hcert`).
    EuDcc,
    /// A WHO DDCC core data set in the HCERT envelope (`HC1:`; feature `hcert`).
    WhoDdcc,
    /// A SMART Health Card (`shc:/`, a JWS file or a `.smart-health-card`
    /// file; feature `shc`).
    Shc,
}

impl Format {
    /// The stable name: `travelcert`, `eu-dcc`, `who-ddcc`, `shc`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Travelcert => "travelcert",
            Self::EuDcc => "eu-dcc",
            Self::WhoDdcc => "who-ddcc",
            Self::Shc => "shc",
        }
    }
}

/// Where a verified certificate came from: the format it arrived in and the
/// trust-store entry whose key verified its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub(super) format: Format,
    pub(super) voucher: Voucher,
}

/// The trust-store entry that verified a signature. The issuer key stays
/// inline (no allocation on the `TC1:` path); a DSC is boxed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub(super) enum Voucher {
    Key(TrustedKey),
    #[cfg(feature = "hcert")]
    Dsc(Box<crate::trust::Dsc>),
    /// A SMART Health Card issuer: its URL, the key's kid and the root that
    /// listed the issuer.
    #[cfg(feature = "shc")]
    Shc(Box<(String, String, Option<crate::keys::PublicKey>)>),
}

impl Origin {
    /// The format the certificate arrived in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The trust-store entry (issuer key) whose key verified the signature;
    /// `None` when a document signer certificate did (`HC1:`).
    pub fn key(&self) -> Option<&TrustedKey> {
        match &self.voucher {
            Voucher::Key(k) => Some(k),
            #[cfg(feature = "hcert")]
            Voucher::Dsc(_) => None,
            #[cfg(feature = "shc")]
            Voucher::Shc(_) => None,
        }
    }

    /// The SMART Health Card issuer URL and key kid that verified the
    /// signature of an `shc:/` card.
    #[cfg(feature = "shc")]
    pub fn shc_issuer(&self) -> Option<(&str, &str)> {
        match &self.voucher {
            Voucher::Shc(b) => Some((b.0.as_str(), b.1.as_str())),
            _ => None,
        }
    }

    /// The document signer certificate that verified the signature of an
    /// `HC1:` certificate.
    #[cfg(feature = "hcert")]
    pub fn dsc(&self) -> Option<&crate::trust::Dsc> {
        match &self.voucher {
            Voucher::Dsc(d) => Some(d),
            _ => None,
        }
    }

    /// The root whose signed list vouched for that key, DSC or SMART Health
    /// Card issuer; `None` when it came from an unsigned JSON store or a bare
    /// file.
    pub fn root(&self) -> Option<&crate::keys::PublicKey> {
        match &self.voucher {
            Voucher::Key(k) => k.vouched_by.as_ref(),
            #[cfg(feature = "hcert")]
            Voucher::Dsc(d) => d.vouched_by(),
            #[cfg(feature = "shc")]
            Voucher::Shc(b) => b.2.as_ref(),
        }
    }

    fn has_no_root(&self) -> bool {
        self.root().is_none()
    }
}

pub(super) fn kid_hex<S: serde::Serializer>(kid: &Kid, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(kid)
}

fn origin_root<S: serde::Serializer>(origin: &Origin, s: S) -> Result<S::Ok, S::Error> {
    match origin.root() {
        Some(k) => s.collect_str(&crate::trust::fingerprint(k)),
        None => s.serialize_none(),
    }
}

pub(super) fn alg_id<S: serde::Serializer>(alg: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(alg.id())
}
