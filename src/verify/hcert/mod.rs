//! Foreign formats: EU Digital COVID Certificates and WHO DDCC certificates
//! (`HC1:`, feature `hcert`, FORMAT.md §14).
//!
//! The checks, in order: Base45; zlib (required, under the same cap as
//! `TC1:`); COSE_Sign1 and its headers; a trusted DSC with the kid whose key
//! verifies the ES256/PS256 signature; the CWT claims; the health
//! certificate (EU DCC under claim -260/1, or a WHO DDCC core data set as the
//! whole payload); the issuer against the DSC's country; the DSC's validity
//! at the signing time; its extended key usage against the certificate's
//! kind; `iat` and `exp` against the verification time.

mod cose;
mod dcc;
mod time;

pub(crate) use dcc::schema_issues;
pub use time::parse_datetime;

use crate::codec::{base45, zlib};
use crate::model::{Certificate, CountryCode, Timestamp};
use crate::trust::{Dsc, DscUsage, TrustStore};
use crate::VerifyError;

use self::cose::Item;

/// The prefix of EU DCC and WHO DDCC certificates.
pub const HC1_PREFIX: &str = "HC1:";

/// Which claim set an `HC1:` certificate carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    EuDcc,
    WhoDdcc,
}

/// An `HC1:` certificate decoded up to (not including) the signature check.
pub(crate) struct Decoded {
    pub(crate) cose: cose::HcertCose,
}

/// Everything decoded after the signature.
pub(crate) struct Content {
    pub(crate) shape: Shape,
    pub(crate) certificate: Certificate,
    pub(crate) iss: Option<String>,
    pub(crate) iat: Option<Timestamp>,
    pub(crate) exp: Option<Timestamp>,
    pub(crate) kinds: Vec<DscUsage>,
    pub(crate) payload: serde_json::Value,
}

/// Base45, zlib, COSE: the text after `HC1:`.
pub(crate) fn decode(rest: &str, inflate_limit: usize) -> Result<Decoded, VerifyError> {
    if rest.is_empty() {
        return Err(VerifyError::Empty);
    }
    let body = base45::decode(rest)?;
    // HCERT bodies are always zlib streams (first byte 0x78).
    if body.first() != Some(&0x78) {
        return Err(VerifyError::HcertNotCompressed);
    }
    let cose_bytes = zlib::inflate(&body, inflate_limit)?;
    Ok(Decoded {
        cose: cose::parse(&cose_bytes)?,
    })
}

/// The DSCs with the kid whose key verifies the signature, in store order.
pub(crate) fn verifying_dscs<'s>(
    store: &'s TrustStore,
    d: &Decoded,
) -> Result<Vec<&'s Dsc>, VerifyError> {
    let kid = hex::encode(&d.cose.kid);
    let candidates = store.dscs_for(&d.cose.kid);
    if candidates.is_empty() {
        return Err(VerifyError::HcertUnknownKid { kid });
    }
    let tbs = d.cose.to_be_signed();
    let ok: Vec<&Dsc> = candidates
        .iter()
        .filter(|dsc| dsc.verify(d.cose.alg, &tbs, &d.cose.signature))
        .collect();
    if ok.is_empty() {
        return Err(VerifyError::HcertSignatureInvalid { kid });
    }
    Ok(ok)
}

fn claim_invalid(claim: &str, reason: impl Into<String>) -> VerifyError {
    VerifyError::HcertClaimInvalid {
        claim: claim.to_owned(),
        reason: reason.into(),
    }
}

fn claim_time(payload: &Item, key: i128, claim: &str) -> Result<Option<Timestamp>, VerifyError> {
    let Some(item) = payload.get_int(key) else {
        return Ok(None);
    };
    let seconds = match item.untagged() {
        Item::Int(n) => i64::try_from(*n).map_err(|_| claim_invalid(claim, "out of range"))?,
        // Some issuers wrote floats (with fractions): whole seconds, rounded down.
        Item::Float(f) if f.is_finite() && f.abs() < 1e15 => f.floor() as i64,
        _ => return Err(claim_invalid(claim, "not an integer")),
    };
    Timestamp::from_unix(seconds)
        .map(Some)
        .map_err(|e| claim_invalid(claim, e.to_string()))
}

/// The CWT claims and the health certificate (after the signature verified).
pub(crate) fn content(
    d: &Decoded,
    dsc: Option<&Dsc>,
    now: Timestamp,
) -> Result<Content, VerifyError> {
    let payload =
        cose::read_all(&d.cose.payload).map_err(|reason| claim_invalid("payload", reason))?;
    let payload = payload.untagged();
    if !matches!(payload, Item::Map(_)) {
        return Err(claim_invalid("payload", "the CWT payload is not a map"));
    }
    let iss = match payload.get_int(1).map(Item::untagged) {
        None => None,
        Some(Item::Text(t)) => Some(t.clone()),
        Some(_) => return Err(claim_invalid("iss", "not a text string")),
    };
    let iat = claim_time(payload, 6, "iat")?;
    let exp = claim_time(payload, 4, "exp")?;
    let (shape, health) = match payload.get_int(-260) {
        Some(hcert) => {
            let dcc =
                hcert
                    .untagged()
                    .get_int(1)
                    .ok_or_else(|| VerifyError::HcertClaimMissing {
                        claim: "-260/1 (eu_dgc_v1)".into(),
                    })?;
            (Shape::EuDcc, dcc.untagged())
        }
        None if payload.get_text("name").is_some() || payload.get_text("birthDate").is_some() => {
            (Shape::WhoDdcc, payload)
        }
        None => {
            return Err(VerifyError::HcertClaimMissing {
                claim: "-260 (hcert)".into(),
            })
        }
    };
    if shape == Shape::EuDcc {
        if iat.is_none() {
            return Err(VerifyError::HcertClaimMissing {
                claim: "iat".into(),
            });
        }
        if exp.is_none() {
            return Err(VerifyError::HcertClaimMissing {
                claim: "exp".into(),
            });
        }
    }
    let json = health.to_json();
    let issuer = iss
        .as_deref()
        .and_then(|i| CountryCode::new(i).ok())
        .or(dsc.and_then(Dsc::country));
    let mapped = match shape {
        Shape::EuDcc => dcc::map_eu(&json, issuer)?,
        Shape::WhoDdcc => dcc::map_who(&json, issuer)?,
    };
    let issued_at = iat.unwrap_or(now);
    // No `exp` (WHO DDCC): valid as long as the DSC is.
    let expires_at = exp
        .or(dsc.and_then(Dsc::not_after))
        .unwrap_or_else(|| Timestamp::from_unix(crate::model::MAX_UNIX_SECONDS).unwrap_or(now));
    let certificate = Certificate {
        issuer: mapped.issuer,
        issued_at,
        expires_at,
        certificate_id: mapped.certificate_id,
        record: mapped.record,
        unknown_claims: crate::model::Extensions::default(),
    };
    Ok(Content {
        shape,
        certificate,
        iss,
        iat,
        exp,
        kinds: mapped.kinds,
        payload: json,
    })
}

/// The trust and time checks (after the content was decoded).
pub(crate) fn check(c: &Content, dsc: &Dsc, now: Timestamp, skew: i64) -> Result<(), VerifyError> {
    let kid = hex::encode(dsc.kid());
    if let (Some(iss), Some(country)) = (&c.iss, dsc.country()) {
        if let Ok(claimed) = CountryCode::new(iss) {
            if claimed != country {
                return Err(VerifyError::HcertIssuerMismatch {
                    claimed: iss.clone(),
                    dsc_country: country,
                });
            }
        }
    }
    let signed_at = c.iat.unwrap_or(now);
    if !dsc.valid_at(signed_at) {
        return Err(VerifyError::HcertDscNotValidAtSigning { kid, signed_at });
    }
    if let Some(kind) = c.kinds.iter().find(|k| !dsc.may_sign(**k)) {
        return Err(VerifyError::HcertKeyUsage {
            kid,
            kind: kind.name().to_owned(),
        });
    }
    if let Some(exp) = c.exp {
        if now.unix() > exp.unix().saturating_add(skew) {
            return Err(VerifyError::Expired { expires_at: exp });
        }
    }
    if let Some(iat) = c.iat {
        if now.unix().saturating_add(skew) < iat.unix() {
            return Err(VerifyError::NotYetValid { issued_at: iat });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(payload: &[u8]) -> Decoded {
        Decoded {
            cose: cose::HcertCose {
                protected: Vec::new(),
                payload: payload.to_vec(),
                signature: Vec::new(),
                alg: crate::trust::HcertAlg::Es256,
                kid: vec![1],
            },
        }
    }

    fn name(payload: &[u8]) -> &'static str {
        let now = Timestamp::from_unix(1_622_570_400).unwrap();
        match content(&decoded(payload), None, now) {
            Ok(_) => "Ok",
            Err(e) => e.name(),
        }
    }

    #[test]
    fn claim_errors() {
        // Not a map; iss not text; iat not a number.
        assert_eq!(name(&[0x80]), "HcertClaimInvalid");
        assert_eq!(name(&[0xa1, 0x01, 0x01]), "HcertClaimInvalid");
        assert_eq!(name(&[0xa1, 0x06, 0x61, 0x78]), "HcertClaimInvalid");
        // Neither -260 nor a WHO core data set.
        assert_eq!(name(&[0xa1, 0x01, 0x62, b'D', b'E']), "HcertClaimMissing");
        // -260 without key 1.
        assert_eq!(name(&[0xa1, 0x39, 0x01, 0x03, 0xa0]), "HcertClaimMissing");
        // -260/1 present but no iat/exp.
        assert_eq!(
            name(&[0xa1, 0x39, 0x01, 0x03, 0xa1, 0x01, 0xa0]),
            "HcertClaimMissing"
        );
        // iat, exp and an EU DCC that is an empty map: the content is invalid.
        let mut p = vec![
            0xa3, 0x06, 0x1a, 0x60, 0xb0, 0x00, 0x00, 0x04, 0x1a, 0x62, 0x00, 0x00, 0x00,
        ];
        p.extend_from_slice(&[0x39, 0x01, 0x03, 0xa1, 0x01, 0xa0]);
        assert_eq!(name(&p), "HcertPayloadInvalid");
        // A float iat with a fraction is rounded down, not refused.
        let mut f = vec![0xa1, 0x06, 0xfb];
        f.extend_from_slice(&1_622_570_400.5f64.to_be_bytes());
        assert_eq!(name(&f), "HcertClaimMissing");
    }
}
