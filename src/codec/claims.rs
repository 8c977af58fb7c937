//! Stage: CWT claims (RFC 8392), the COSE payload.
//!
//! `{1: iss, 4: exp, 5: nbf, 6: iat, 7: cti, -65537: record}`; the record
//! claim uses a private-use key (below -65536). `nbf` is optional: it is
//! checked as an instant and kept, byte for byte, among the unknown claims
//! (so re-encoding gives the same bytes); [`not_before`] reads it. Other
//! unknown claims are kept.

use minicbor::data::Type;

use crate::codec::cbor::{encode, Reader, Result, Writer};
use crate::codec::payload::{decode_record, encode_record, with_extensions};
use crate::model::{Certificate, CertificateId, CountryCode, Extensions, RawCbor, Timestamp};
use crate::VerifyError;

/// Claim keys.
pub mod key {
    /// Issuer country (`iss`).
    pub const ISS: i64 = 1;
    /// Expiry (`exp`).
    pub const EXP: i64 = 4;
    /// Not before (`nbf`), optional.
    pub const NBF: i64 = 5;
    /// Issue time (`iat`).
    pub const IAT: i64 = 6;
    /// Certificate id (`cti`).
    pub const CTI: i64 = 7;
    /// The health record (private use).
    pub const RECORD: i64 = -65_537;
}

/// Encodes a certificate's claims deterministically.
pub fn encode_claims(cert: &Certificate) -> Vec<u8> {
    let entries = vec![
        (
            key::ISS,
            encode(|w| {
                w.text(cert.issuer.as_str());
            }),
        ),
        (
            key::EXP,
            encode(|w| {
                w.uint(cert.expires_at.unix().unsigned_abs());
            }),
        ),
        (
            key::IAT,
            encode(|w| {
                w.uint(cert.issued_at.unix().unsigned_abs());
            }),
        ),
        (
            key::CTI,
            encode(|w| {
                w.bytes(cert.certificate_id.as_bytes());
            }),
        ),
        (key::RECORD, encode_record(&cert.record)),
    ];
    let mut w = Writer::with_capacity(320);
    w.map_sorted(with_extensions(entries, &cert.unknown_claims));
    w.into_bytes()
}

/// Decodes the claims of a COSE payload into a certificate (the whole buffer
/// must be one map).
pub fn decode_claims(bytes: &[u8]) -> Result<Certificate> {
    let mut r = Reader::new(bytes);
    let mut iss = None;
    let mut exp = None;
    let mut iat = None;
    let mut cti = None;
    let mut record = None;
    let mut unknown_claims = Extensions::default();
    r.int_map("the CWT claims", |r, k| {
        match k {
            key::ISS => {
                let text = claim(r, "iss", TEXT, |r| r.text("iss"))?;
                iss = Some(CountryCode::new(text).map_err(|e| invalid("iss", e.to_string()))?);
            }
            key::EXP => exp = Some(instant(r, "exp")?),
            key::IAT => iat = Some(instant(r, "iat")?),
            key::CTI => {
                let bytes = claim(r, "cti", BYTES, |r| r.bytes("cti"))?;
                cti = Some(CertificateId::new(bytes).map_err(|e| invalid("cti", e.reason))?);
            }
            key::RECORD => {
                // Decode, then check (FORMAT.md §5.1): a CBOR fault anywhere
                // in the record wins over a fault of its content. The record
                // is decoded in one pass; only when that fails is it read again
                // as one item, whose well-formedness error, if any, is the one
                // returned. A record that decodes is well-formed (every part
                // of it is read strictly, unknown items by `raw_item`), and a
                // well-formed one decodes the same from the item's first byte
                // whatever follows it, so the result is that of checking first.
                let mut inner = Reader::new(r.rest());
                match decode_record(&mut inner, 1) {
                    Ok(decoded) => {
                        r.advance(inner.position());
                        record = Some(decoded);
                    }
                    Err(e) => {
                        r.raw_item(1)?;
                        return Err(e);
                    }
                }
            }
            key::NBF => {
                let raw = r.raw_item(1)?;
                instant(&mut Reader::new(raw), "nbf")?;
                unknown_claims.insert(key::NBF, RawCbor::new(raw.to_vec()));
            }
            other => {
                if unknown_claims.len() >= crate::model::MAX_UNKNOWN_ITEMS {
                    return Err(invalid(
                        "unknown claims",
                        format!(
                            "more than {} unknown claims",
                            crate::model::MAX_UNKNOWN_ITEMS
                        ),
                    ));
                }
                unknown_claims.insert(other, RawCbor::new(r.raw_item(1)?.to_vec()))
            }
        }
        Ok(())
    })?;
    r.finish()?;
    // Missing claims in key order (FORMAT.md §8 step 6), then exp against iat.
    let missing = |claim| VerifyError::ClaimMissing { claim };
    let issuer = iss.ok_or(missing("iss"))?;
    let expires_at = exp.ok_or(missing("exp"))?;
    let issued_at = iat.ok_or(missing("iat"))?;
    let certificate_id = cti.ok_or(missing("cti"))?;
    let record = record.ok_or(missing("record"))?;
    if expires_at <= issued_at {
        return Err(VerifyError::ExpiresBeforeIssued {
            issued_at,
            expires_at,
        });
    }
    Ok(Certificate {
        issuer,
        issued_at,
        expires_at,
        certificate_id,
        record,
        unknown_claims,
    })
}

/// The certificate's `nbf` claim, when it has one (decoding checked it).
pub fn not_before(cert: &Certificate) -> Option<Timestamp> {
    let raw = cert.unknown_claims.get(key::NBF)?;
    instant(&mut Reader::new(raw.as_bytes()), "nbf").ok()
}

fn invalid(claim: &'static str, reason: impl Into<String>) -> VerifyError {
    VerifyError::ClaimInvalid {
        claim,
        reason: reason.into(),
    }
}

/// Reads a claim value, reporting a value of another type as `ClaimInvalid`.
/// Only the type is a claim fault: a value of the right type that is not
/// well-formed (invalid UTF-8, an indefinite length, a length beyond the input)
/// stays the CBOR fault it is (FORMAT.md §5.1).
fn claim<'b, T>(
    r: &mut Reader<'b>,
    name: &'static str,
    types: &[Type],
    f: impl FnOnce(&mut Reader<'b>) -> Result<T>,
) -> Result<T> {
    let found = r.peek()?;
    if !types.contains(&found) {
        return Err(invalid(name, format!("a value of type {found}")));
    }
    f(r)
}

const TEXT: &[Type] = &[Type::String, Type::StringIndef];
const BYTES: &[Type] = &[Type::Bytes, Type::BytesIndef];
const UINT: &[Type] = &[Type::U8, Type::U16, Type::U32, Type::U64];

fn instant(r: &mut Reader<'_>, name: &'static str) -> Result<Timestamp> {
    let n = claim(r, name, UINT, |r| r.u64(name))?;
    i64::try_from(n)
        .ok()
        .and_then(|s| Timestamp::from_unix(s).ok())
        .ok_or_else(|| invalid(name, format!("{n} is after 9999-12-31T23:59:59Z")))
}
