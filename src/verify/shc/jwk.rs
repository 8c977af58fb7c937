//! Issuer keys: a JWK set (JWKS) as an issuer publishes it at
//! `<iss>/.well-known/jwks.json`, and the RFC 7638 thumbprint that must equal
//! each key's `kid`.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::VerifyError;

/// The largest key set file accepted.
pub const MAX_JWKS_LEN: usize = 256 * 1024;

/// The most keys one key set may hold.
pub const MAX_KEYS: usize = 64;

/// One key of an issuer's key set, as published (checked when a card names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Jwk {
    pub(crate) kid: String,
    pub(crate) kty: Option<String>,
    pub(crate) crv: Option<String>,
    pub(crate) usage: Option<String>,
    pub(crate) alg: Option<String>,
    /// The RFC 7638 thumbprint (EC keys with `x` and `y` only).
    pub(crate) thumbprint: Option<String>,
    /// The P-256 key, when `x` and `y` make one.
    pub(crate) key: Option<p256::ecdsa::VerifyingKey>,
    pub(crate) crl_version: Option<u64>,
    pub(crate) has_x5c: bool,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The RFC 7638 thumbprint of an EC key: SHA-256 over its required members
/// in lexicographic order, base64url.
pub(crate) fn ec_thumbprint(crv: &str, x: &str, y: &str) -> String {
    let canonical = serde_json::json!({ "crv": crv, "kty": "EC", "x": x, "y": y }).to_string();
    Base64UrlUnpadded::encode_string(&Sha256::digest(canonical.as_bytes()))
}

fn p256_key(x: &str, y: &str) -> Option<p256::ecdsa::VerifyingKey> {
    let x = Base64UrlUnpadded::decode_vec(x).ok()?;
    let y = Base64UrlUnpadded::decode_vec(y).ok()?;
    if x.len() != 32 || y.len() != 32 {
        return None;
    }
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok()
}

/// Reads a key set: `{"keys": [...]}`, each key with a `kid`.
pub(crate) fn parse_jwks(bytes: &[u8]) -> Result<Vec<Jwk>, String> {
    if bytes.len() > MAX_JWKS_LEN {
        return Err(format!("larger than {MAX_JWKS_LEN} bytes"));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let keys = doc
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no \"keys\" array")?;
    if keys.len() > MAX_KEYS {
        return Err(format!("more than {MAX_KEYS} keys"));
    }
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            if !k.is_object() {
                return Err(format!("key #{i} is not an object"));
            }
            let kid = text(k, "kid").ok_or_else(|| format!("key #{i} has no kid"))?;
            let kty = text(k, "kty");
            let crv = text(k, "crv");
            let (x, y) = (text(k, "x"), text(k, "y"));
            let (thumbprint, key) = match (kty.as_deref(), &crv, &x, &y) {
                (Some("EC"), Some(crv), Some(x), Some(y)) => {
                    let key = if crv == "P-256" {
                        Some(p256_key(x, y).ok_or_else(|| {
                            format!("key #{i} ({kid}): x and y are not a point on P-256")
                        })?)
                    } else {
                        None
                    };
                    (Some(ec_thumbprint(crv, x, y)), key)
                }
                _ => (None, None),
            };
            Ok(Jwk {
                kid,
                kty,
                crv,
                usage: text(k, "use"),
                alg: text(k, "alg"),
                thumbprint,
                key,
                crl_version: k.get("crlVersion").and_then(Value::as_u64),
                has_x5c: k.get("x5c").is_some(),
            })
        })
        .collect()
}

impl Jwk {
    /// The checks on the key a card names, in order: EC P-256, `use` sig,
    /// `alg` ES256, `kid` equal to the thumbprint. Returns the key.
    pub(crate) fn check(&self) -> Result<&p256::ecdsa::VerifyingKey, VerifyError> {
        let kid = || self.kid.clone();
        let found = |v: &Option<String>| v.clone().unwrap_or_else(|| "(missing)".into());
        let key = match (&self.key, self.kty.as_deref(), self.crv.as_deref()) {
            (Some(key), Some("EC"), Some("P-256")) => key,
            _ => return Err(VerifyError::ShcKeyNotP256 { kid: kid() }),
        };
        if self.usage.as_deref() != Some("sig") {
            return Err(VerifyError::ShcKeyUse {
                kid: kid(),
                found: found(&self.usage),
            });
        }
        if self.alg.as_deref() != Some("ES256") {
            return Err(VerifyError::ShcKeyAlg {
                kid: kid(),
                found: found(&self.alg),
            });
        }
        match &self.thumbprint {
            Some(t) if *t == self.kid => Ok(key),
            other => Err(VerifyError::ShcKidNotThumbprint {
                kid: kid(),
                thumbprint: other.clone().unwrap_or_default(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_example_key_thumbprint() {
        // The example issuer's first key: its kid is its thumbprint.
        assert_eq!(
            ec_thumbprint(
                "P-256",
                "11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw",
                "eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8"
            ),
            "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"
        );
    }

    #[test]
    fn key_checks_in_order() {
        let base = r#"{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s","x":"11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw","y":"eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8"}"#;
        let key = |edit: &dyn Fn(&mut Value)| {
            let mut v: Value = serde_json::from_str(base).unwrap();
            edit(&mut v);
            let set = serde_json::json!({ "keys": [v] }).to_string();
            parse_jwks(set.as_bytes()).unwrap().remove(0)
        };
        assert!(key(&|_| {}).check().is_ok());
        let name = |edit: &dyn Fn(&mut Value)| key(edit).check().unwrap_err().name();
        assert_eq!(name(&|v| v["kty"] = "RSA".into()), "ShcKeyNotP256");
        assert_eq!(name(&|v| v["use"] = "enc".into()), "ShcKeyUse");
        assert_eq!(
            name(&|v| {
                v.as_object_mut().unwrap().remove("alg");
            }),
            "ShcKeyAlg"
        );
        assert_eq!(name(&|v| v["kid"] = "other".into()), "ShcKidNotThumbprint");
        assert!(parse_jwks(
            br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"AA","y":"AA"}]}"#
        )
        .is_err());
        assert!(parse_jwks(b"{}").is_err());
    }
}
