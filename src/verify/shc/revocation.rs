//! Revocation lists (`<iss>/.well-known/crl/<kid>.json`, method `rid`): an
//! entry `rid` revokes the card with that `rid`; an entry `rid.timestamp`
//! revokes it only when the card's `nbf` is before the timestamp.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::Timestamp;

/// The largest revocation list file accepted.
pub const MAX_CRL_LEN: usize = 4 * 1024 * 1024;

/// The most entries a revocation list may hold.
pub const MAX_RIDS: usize = 100_000;

/// One key's revocation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Crl {
    pub(crate) kid: String,
    pub(crate) ctr: u64,
    /// rid → the timestamp before which cards are revoked (`None`: all).
    pub(crate) rids: HashMap<String, Option<i64>>,
}

/// Reads a revocation list.
pub(crate) fn parse(bytes: &[u8]) -> Result<Crl, String> {
    if bytes.len() > MAX_CRL_LEN {
        return Err(format!("larger than {MAX_CRL_LEN} bytes"));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let kid = doc
        .get("kid")
        .and_then(Value::as_str)
        .ok_or("no kid")?
        .to_owned();
    match doc.get("method").and_then(Value::as_str) {
        Some("rid") => {}
        other => {
            return Err(format!(
                "method {} is not rid",
                other.unwrap_or("(missing)")
            ))
        }
    }
    let ctr = doc.get("ctr").and_then(Value::as_u64).ok_or("no ctr")?;
    let list = doc.get("rids").and_then(Value::as_array).ok_or("no rids")?;
    if list.len() > MAX_RIDS {
        return Err(format!("more than {MAX_RIDS} rids"));
    }
    let mut rids = HashMap::with_capacity(list.len());
    for entry in list {
        let entry = entry.as_str().ok_or("a rid is not a string")?;
        let (rid, at) = match entry.split_once('.') {
            Some((rid, ts)) => (
                rid,
                Some(
                    ts.parse::<i64>()
                        .map_err(|_| format!("rid {entry}: the timestamp is not a number"))?,
                ),
            ),
            None => (entry, None),
        };
        if rid.is_empty()
            || rid.len() > 24
            || !rid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "rid {entry} is not base64url of at most 24 characters"
            ));
        }
        if rids.insert(rid.to_owned(), at).is_some() {
            return Err(format!("rid {rid} appears twice"));
        }
    }
    Ok(Crl { kid, ctr, rids })
}

impl Crl {
    /// Whether the card with `rid` and `nbf` is revoked.
    pub(crate) fn revokes(&self, rid: &str, nbf: Timestamp) -> bool {
        match self.rids.get(rid) {
            None => false,
            Some(None) => true,
            Some(Some(at)) => nbf.unix() < *at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rid_and_timestamp() {
        let crl = parse(br#"{"kid":"k","method":"rid","ctr":1,"rids":["a","b.1000"]}"#).unwrap();
        let t = |s| Timestamp::from_unix(s).unwrap();
        assert!(crl.revokes("a", t(5000)));
        assert!(crl.revokes("b", t(999)));
        assert!(!crl.revokes("b", t(1000)));
        assert!(!crl.revokes("c", t(0)));
        assert!(parse(br#"{"kid":"k","method":"x","ctr":1,"rids":[]}"#).is_err());
        assert!(parse(br#"{"kid":"k","method":"rid","ctr":1,"rids":["a","a"]}"#).is_err());
        assert!(parse(br#"{"kid":"k","method":"rid","ctr":1,"rids":["a+b"]}"#).is_err());
    }
}
