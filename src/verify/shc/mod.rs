//! Foreign formats: SMART Health Cards (`shc:/`, feature `shc`, FORMAT.md §15).
//!
//! The checks, in order: the numeric text (and chunk assembly); the compact
//! JWS (size, surrounding characters, three base64url parts, header `alg`
//! ES256, `zip` DEF, `kid`, a raw 64-byte signature); raw DEFLATE under the
//! same cap as `TC1:`; the payload (`iss`, `nbf`, `vc.type`, the FHIR
//! bundle); the issuer URL and a configured issuer; the key the kid names
//! (EC P-256, `use` sig, `alg` ES256, kid = RFC 7638 thumbprint); the ES256
//! signature; the FHIR mapping; the revocation list; `nbf` and `exp` against
//! the verification time.

mod fhir;
mod jwk;
mod jws;
mod numeric;
mod payload;
mod revocation;

pub use fhir::UNKNOWN_COUNTRY;
pub use jwk::{MAX_JWKS_LEN, MAX_KEYS};
pub use jws::{MAX_JWS_LEN, QR_JWS_LEN};
pub use numeric::{MAX_CHUNKS, MAX_NUMERIC_LEN, SHC_PREFIX};
pub use payload::{HEALTH_CARD_TYPE, MAX_ENTRIES};
pub use revocation::{MAX_CRL_LEN, MAX_RIDS};

pub(crate) use jwk::{parse_jwks, Jwk};
pub(crate) use numeric::assemble;
pub(crate) use revocation::{parse as parse_crl, Crl};

use serde_json::Value;

use crate::codec::zlib;
use crate::model::{Certificate, CertificateId, Timestamp};
use crate::trust::TrustStore;
use crate::VerifyError;

/// The largest `.smart-health-card` file accepted.
pub const MAX_FILE_LEN: usize = 1024 * 1024;

/// The most JWS one `.smart-health-card` file may hold.
pub const MAX_FILE_CARDS: usize = 64;

/// Whether `url` can be an issuer: https, no trailing slash, no whitespace.
pub(crate) fn issuer_url_ok(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.ends_with('/'))
        && !url.chars().any(char::is_whitespace)
}

/// A card decoded and checked up to (not including) the signature.
pub(crate) struct Decoded<'t> {
    pub(crate) jws: jws::Jws<'t>,
    pub(crate) payload: payload::Payload,
    pub(crate) warnings: Vec<String>,
}

/// Everything a verified card yields.
pub(crate) struct Content {
    pub(crate) certificate: Certificate,
    pub(crate) iss: String,
    pub(crate) kid: String,
    /// The SHA-256 thumbprint (decoded kid), for the 8-byte kid.
    pub(crate) thumbprint: Vec<u8>,
    pub(crate) x5c: bool,
    pub(crate) rid: Option<String>,
    pub(crate) types: Vec<String>,
    pub(crate) unmapped: Vec<String>,
    pub(crate) warnings: Vec<String>,
    pub(crate) payload: Value,
    /// The root that vouched for the issuer (a signed trust list's).
    pub(crate) vouched_by: Option<crate::keys::PublicKey>,
}

/// Everything before the key lookup: JWS, DEFLATE, payload.
pub(crate) fn decode(text: &str, inflate_limit: usize) -> Result<Decoded<'_>, VerifyError> {
    let jws = jws::parse(text)?;
    let mut warnings = Vec::new();
    if text.len() > QR_JWS_LEN {
        warnings.push(format!(
            "the JWS is {} characters: longer than one QR code holds ({QR_JWS_LEN})",
            text.len()
        ));
    }
    let inflated = zlib::inflate_raw(&jws.payload, inflate_limit)?;
    let payload = payload::parse(&inflated)?;
    Ok(Decoded {
        jws,
        payload,
        warnings,
    })
}

/// The issuer, its key and the signature; then the mapping, revocation and time.
pub(crate) fn verify(
    store: &TrustStore,
    d: Decoded<'_>,
    now: Timestamp,
    skew: i64,
) -> Result<Content, VerifyError> {
    let iss = &d.payload.iss;
    if !issuer_url_ok(iss) {
        return Err(VerifyError::ShcIssuerUrlInvalid { iss: iss.clone() });
    }
    let issuer = store
        .shc_issuer(iss)
        .ok_or_else(|| VerifyError::ShcIssuerUnknown { iss: iss.clone() })?;
    let kid = d.jws.kid.clone();
    let kid = &kid;
    let jwk = issuer.key(kid).ok_or_else(|| VerifyError::ShcKidUnknown {
        iss: iss.clone(),
        kid: kid.clone(),
    })?;
    let key = jwk.check()?;
    {
        use p256::ecdsa::signature::Verifier;
        let ok = p256::ecdsa::Signature::from_slice(&d.jws.signature)
            .is_ok_and(|sig| key.verify(d.jws.signing_input, &sig).is_ok());
        if !ok {
            return Err(VerifyError::ShcSignatureInvalid { kid: kid.clone() });
        }
    }
    let mut content = content(d, Some(issuer.crl(kid)), jwk.has_x5c, now, skew)?;
    content.vouched_by.clone_from(&issuer.vouched_by);
    Ok(content)
}

/// The mapping, revocation and time checks (`crl` is `None` for `inspect`).
pub(crate) fn content(
    d: Decoded<'_>,
    crl: Option<Option<&Crl>>,
    x5c: bool,
    now: Timestamp,
    skew: i64,
) -> Result<Content, VerifyError> {
    let Decoded {
        jws,
        payload: p,
        mut warnings,
    } = d;
    let bundle = payload::bundle(&p.json).unwrap_or(&Value::Null);
    let mapped = fhir::map(bundle)?;
    warnings.extend(mapped.warnings);
    if let (Some(Some(crl)), Some(rid)) = (crl, &p.rid) {
        if crl.revokes(rid, p.nbf) {
            return Err(VerifyError::ShcRevoked {
                kid: jws.kid.clone(),
                rid: rid.clone(),
            });
        }
    }
    if crl.is_some() {
        if now.unix().saturating_add(skew) < p.nbf.unix() {
            return Err(VerifyError::NotYetValid { issued_at: p.nbf });
        }
        if let Some(exp) = p.exp {
            if now.unix() > exp.unix().saturating_add(skew) {
                return Err(VerifyError::Expired { expires_at: exp });
            }
        }
    }
    use sha2::{Digest, Sha256};
    let id = Sha256::digest(jws.signing_input);
    let certificate = Certificate {
        issuer: fhir::unknown_country(),
        issued_at: p.nbf,
        expires_at: p.exp.unwrap_or_else(|| {
            Timestamp::from_unix(crate::model::MAX_UNIX_SECONDS).unwrap_or(p.nbf)
        }),
        certificate_id: CertificateId::new(id.get(..16).unwrap_or_default())
            .map_err(|e| payload::invalid("", e.to_string()))?,
        record: mapped.record,
        unknown_claims: crate::model::Extensions::default(),
    };
    warnings.push(
        "a SMART Health Card names no travel document: compare its name and birth date with the traveller's".into(),
    );
    if x5c {
        warnings.push("the key's x5c certificate chain was not validated".into());
    }
    let thumbprint = jws::base64url(&jws.kid, "kid").unwrap_or_default();
    Ok(Content {
        certificate,
        iss: p.iss,
        thumbprint,
        kid: jws.kid,
        x5c,
        rid: p.rid,
        types: p.types,
        unmapped: mapped.unmapped,
        warnings,
        payload: p.json,
        vouched_by: None,
    })
}

/// The JWS in a `.smart-health-card` file (`{"verifiableCredential": [...]}`).
pub(crate) fn file_jws(bytes: &[u8]) -> Result<Vec<String>, VerifyError> {
    if bytes.len() > MAX_FILE_LEN {
        return Err(VerifyError::ShcTooLarge {
            what: "file".into(),
            limit: MAX_FILE_LEN,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| payload::invalid("file", "not UTF-8"))?;
    if text.trim() != text || text.starts_with('\u{feff}') {
        return Err(VerifyError::ShcTrailingCharacters {
            what: "file".into(),
        });
    }
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| payload::invalid("file", format!("not JSON: {e}")))?;
    let list = doc
        .get("verifiableCredential")
        .and_then(Value::as_array)
        .ok_or_else(|| payload::invalid("verifiableCredential", "missing or not an array"))?;
    if list.is_empty() {
        return Err(payload::invalid("verifiableCredential", "empty"));
    }
    if list.len() > MAX_FILE_CARDS {
        return Err(VerifyError::ShcTooLarge {
            what: "file's JWS count".into(),
            limit: MAX_FILE_CARDS,
        });
    }
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().map(str::to_owned).ok_or_else(|| {
                payload::invalid(format!("verifiableCredential[{i}]"), "not a string")
            })
        })
        .collect()
}
