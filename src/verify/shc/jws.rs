//! The compact JWS of a SMART Health Card: `header.payload.signature`, each
//! part base64url without padding; header `alg` ES256, `zip` DEF, `kid`.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::Value;

use crate::VerifyError;

/// The largest JWS accepted (file form included).
pub const MAX_JWS_LEN: usize = 64 * 1024;

/// The largest JWS that fits one QR code (SMART Health Cards specification);
/// a longer one is accepted from a file, with a warning.
pub const QR_JWS_LEN: usize = 1195;

/// A JWS decoded up to (not including) the signature check.
#[derive(Debug, Clone)]
pub(crate) struct Jws<'t> {
    /// `header.payload` as written: the bytes the signature covers.
    pub(crate) signing_input: &'t [u8],
    pub(crate) kid: String,
    /// The raw DEFLATE payload.
    pub(crate) payload: Vec<u8>,
    /// Raw r||s.
    pub(crate) signature: [u8; 64],
}

fn structure(reason: impl Into<String>) -> VerifyError {
    VerifyError::ShcJwsStructure {
        reason: reason.into(),
    }
}

pub(crate) fn base64url(part: &str, what: &str) -> Result<Vec<u8>, VerifyError> {
    Base64UrlUnpadded::decode_vec(part)
        .map_err(|_| structure(format!("the {what} is not base64url without padding")))
}

/// Parses a compact JWS (checks in FORMAT.md §15.3 order).
pub(crate) fn parse(text: &str) -> Result<Jws<'_>, VerifyError> {
    if text.len() > MAX_JWS_LEN {
        return Err(VerifyError::ShcTooLarge {
            what: "JWS".into(),
            limit: MAX_JWS_LEN,
        });
    }
    if text.is_empty() {
        return Err(VerifyError::Empty);
    }
    if text.trim() != text || text.starts_with('\u{feff}') {
        return Err(VerifyError::ShcTrailingCharacters { what: "JWS".into() });
    }
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(structure("not three parts separated by dots"));
    };
    let header = base64url(h, "header")?;
    let header: Value = serde_json::from_slice(&header)
        .map_err(|e| structure(format!("the header is not JSON: {e}")))?;
    if !header.is_object() {
        return Err(structure("the header is not a JSON object"));
    }
    match header.get("alg") {
        Some(Value::String(a)) if a == "ES256" => {}
        Some(Value::String(a)) => return Err(VerifyError::ShcAlgUnsupported { alg: a.clone() }),
        Some(other) => {
            return Err(VerifyError::ShcAlgUnsupported {
                alg: other.to_string(),
            })
        }
        None => {
            return Err(VerifyError::ShcAlgUnsupported {
                alg: "(missing)".into(),
            })
        }
    }
    if header.get("zip").and_then(Value::as_str) != Some("DEF") {
        return Err(VerifyError::ShcNotCompressed);
    }
    let kid = match header.get("kid").and_then(Value::as_str) {
        Some(k) if !k.is_empty() => k.to_owned(),
        _ => return Err(VerifyError::ShcKidMissing),
    };
    let sig = base64url(s, "signature")?;
    let signature: [u8; 64] = match sig.as_slice().try_into() {
        Ok(raw) => raw,
        Err(_) if looks_der(&sig) => return Err(VerifyError::ShcSignatureDer { len: sig.len() }),
        Err(_) => return Err(VerifyError::ShcSignatureLength { len: sig.len() }),
    };
    let payload = base64url(p, "payload")?;
    let signed_len = h.len() + 1 + p.len();
    Ok(Jws {
        signing_input: text.as_bytes().get(..signed_len).unwrap_or_default(),
        kid,
        payload,
        signature,
    })
}

/// A DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, its length
/// byte covering the rest.
fn looks_der(sig: &[u8]) -> bool {
    matches!(sig, [0x30, len, 0x02, ..] if usize::from(*len) + 2 == sig.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        Base64UrlUnpadded::encode_string(s.as_bytes())
    }

    fn jws(header: &str, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64("x"),
            Base64UrlUnpadded::encode_string(sig)
        )
    }

    fn err(text: &str) -> &'static str {
        parse(text).unwrap_err().name()
    }

    #[test]
    fn header_and_signature_checks() {
        let ok = r#"{"alg":"ES256","zip":"DEF","kid":"k"}"#;
        assert_eq!(parse(&jws(ok, &[7; 64])).unwrap().kid, "k");
        assert_eq!(err("a.b"), "ShcJwsStructure");
        assert_eq!(err("a.b.c.d"), "ShcJwsStructure");
        assert_eq!(
            err(&format!(" {}", jws(ok, &[7; 64]))),
            "ShcTrailingCharacters"
        );
        assert_eq!(err(&jws("[]", &[7; 64])), "ShcJwsStructure");
        assert_eq!(
            err(&jws(r#"{"alg":"RS256","zip":"DEF","kid":"k"}"#, &[7; 64])),
            "ShcAlgUnsupported"
        );
        assert_eq!(
            err(&jws(r#"{"zip":"DEF","kid":"k"}"#, &[7; 64])),
            "ShcAlgUnsupported"
        );
        assert_eq!(
            err(&jws(r#"{"alg":"ES256","kid":"k"}"#, &[7; 64])),
            "ShcNotCompressed"
        );
        assert_eq!(
            err(&jws(r#"{"alg":"ES256","zip":"DEF"}"#, &[7; 64])),
            "ShcKidMissing"
        );
        let mut der = vec![0x30, 68, 0x02, 32];
        der.extend([1; 66]);
        assert_eq!(err(&jws(ok, &der)), "ShcSignatureDer");
        assert_eq!(err(&jws(ok, &[1; 63])), "ShcSignatureLength");
    }
}
