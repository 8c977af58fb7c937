//! The JWS payload: `iss`, `nbf`, `exp`, `vc.type`, `vc.rid` and
//! `vc.credentialSubject.fhirBundle`.

use serde_json::Value;

use crate::model::Timestamp;
use crate::VerifyError;

/// The credential type every SMART Health Card carries.
pub const HEALTH_CARD_TYPE: &str = "https://smarthealth.cards#health-card";

/// The most entries a FHIR bundle may have.
pub const MAX_ENTRIES: usize = 256;

/// A payload whose required members are present.
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    pub(crate) iss: String,
    pub(crate) nbf: Timestamp,
    pub(crate) exp: Option<Timestamp>,
    pub(crate) rid: Option<String>,
    pub(crate) types: Vec<String>,
    /// The whole payload, kept for audit.
    pub(crate) json: Value,
}

pub(crate) fn invalid(path: impl Into<String>, reason: impl Into<String>) -> VerifyError {
    VerifyError::ShcPayloadInvalid {
        path: path.into(),
        reason: reason.into(),
    }
}

fn time(v: &Value, key: &str) -> Result<Option<Timestamp>, VerifyError> {
    let Some(n) = v.get(key) else {
        return Ok(None);
    };
    let seconds = n
        .as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f.floor() as i64)
        })
        .ok_or_else(|| invalid(key, "not a number of seconds"))?;
    Timestamp::from_unix(seconds)
        .map(Some)
        .map_err(|e| invalid(key, e.to_string()))
}

/// The bundle inside a parsed payload.
pub(crate) fn bundle(json: &Value) -> Option<&Value> {
    json.pointer("/vc/credentialSubject/fhirBundle")
}

/// Reads the inflated payload.
pub(crate) fn parse(bytes: &[u8]) -> Result<Payload, VerifyError> {
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        return Err(VerifyError::ShcTrailingCharacters {
            what: "payload (a UTF-8 byte-order mark)".into(),
        });
    }
    let json: Value =
        serde_json::from_slice(bytes).map_err(|e| invalid("", format!("not JSON: {e}")))?;
    if !json.is_object() {
        return Err(invalid("", "not a JSON object"));
    }
    let iss = json
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("iss", "missing or not a string"))?
        .to_owned();
    let nbf = time(&json, "nbf")?.ok_or_else(|| invalid("nbf", "missing"))?;
    let exp = time(&json, "exp")?;
    if exp.is_some_and(|e| e < nbf) {
        return Err(invalid("exp", "before nbf"));
    }
    let vc = json
        .get("vc")
        .filter(|v| v.is_object())
        .ok_or_else(|| invalid("vc", "missing or not an object"))?;
    let types: Vec<String> = vc
        .get("type")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("vc.type", "missing or not an array"))?
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    if !types.iter().any(|t| t == HEALTH_CARD_TYPE) {
        return Err(invalid(
            "vc.type",
            format!("does not contain {HEALTH_CARD_TYPE}"),
        ));
    }
    let rid = match vc.get("rid") {
        None => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(_) => return Err(invalid("vc.rid", "not a string")),
    };
    let b = bundle(&json).ok_or_else(|| invalid("vc.credentialSubject.fhirBundle", "missing"))?;
    if b.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(invalid(
            "vc.credentialSubject.fhirBundle.resourceType",
            "not Bundle",
        ));
    }
    let entries = b
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("vc.credentialSubject.fhirBundle.entry", "missing"))?;
    if entries.len() > MAX_ENTRIES {
        return Err(VerifyError::ShcTooLarge {
            what: "FHIR bundle entry count".into(),
            limit: MAX_ENTRIES,
        });
    }
    Ok(Payload {
        iss,
        nbf,
        exp,
        rid,
        types,
        json,
    })
}
