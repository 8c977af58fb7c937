//! RFC 7512 PKCS#11 URIs: `pkcs11:token=…;object=…;id=…?module-path=…&pin-source=…`.
//!
//! Pure Rust, no token needed. Path attributes select the token and the key;
//! query attributes say where the module and the PIN are. Values are
//! percent-decoded; an attribute this parser does not know, a duplicate, a bad
//! escape or a raw character outside the URI alphabet is refused rather than
//! ignored, since an ignored selector would widen which key signs.

use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroizing;

use super::Pkcs11Error;

/// The longest URI accepted (bytes).
const MAX_URI: usize = 4096;

/// A parsed PKCS#11 URI. Only the attributes travelcert uses are kept; every
/// field is optional, and an absent one matches anything.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `manufacturer`: the token manufacturer.
    pub manufacturer: Option<String>,
    /// `serial`: the token serial number.
    pub serial: Option<String>,
    /// `model`: the token model.
    pub model: Option<String>,
    /// `slot-id`: the slot number.
    pub slot_id: Option<u64>,
    /// `object`: the key label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id`: the key id (`CKA_ID`), raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: `private` or `public` (both name the same key pair here).
    pub object_type: Option<String>,
    /// `module-path`: the PKCS#11 module (shared library) to load.
    pub module_path: Option<PathBuf>,
    /// `pin-source`: where the user PIN is read from (a `file:` URI or an
    /// absolute path).
    pub pin_source: Option<String>,
    /// `pin-value`: the PIN itself. The library accepts it (RFC 7512 allows
    /// it); the command-line tool refuses it, since a PIN must never travel
    /// on a command line.
    pub pin_value: Option<Zeroizing<String>>,
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Display never prints the PIN value.
        write!(f, "Pkcs11Uri({self})")
    }
}

/// Path attributes (RFC 7512 §2.3) this parser knows.
const PATH_ATTRS: &[&str] = &[
    "token",
    "manufacturer",
    "serial",
    "model",
    "slot-id",
    "object",
    "id",
    "type",
];
/// Query attributes this parser knows.
const QUERY_ATTRS: &[&str] = &["module-path", "pin-source", "pin-value"];

fn invalid(message: impl Into<String>) -> Pkcs11Error {
    Pkcs11Error::InvalidUri(message.into())
}

/// Characters a value may hold unescaped (RFC 7512 `p11-pchar` / `p11-qchar`
/// less the separators of its component).
fn allowed_raw(c: u8, in_query: bool) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b'='
        )
        || (!in_query && c == b'&')
        || (in_query && matches!(c, b'/' | b'?' | b'|'))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one attribute value.
fn decode(name: &str, value: &str, in_query: bool) -> Result<Vec<u8>, Pkcs11Error> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_digit);
            let lo = bytes.get(i + 2).copied().and_then(hex_digit);
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => {
                    return Err(invalid(format!(
                        "`{name}`: `%` must be followed by two hexadecimal digits"
                    )))
                }
            }
            i += 3;
        } else if allowed_raw(c, in_query) {
            out.push(c);
            i += 1;
        } else {
            return Err(invalid(format!(
                "`{name}`: the character {:?} must be percent-encoded",
                char::from(c)
            )));
        }
    }
    Ok(out)
}

fn text(name: &str, bytes: Vec<u8>) -> Result<String, Pkcs11Error> {
    String::from_utf8(bytes).map_err(|_| invalid(format!("`{name}` is not UTF-8 text")))
}

impl Pkcs11Uri {
    /// Parses a `pkcs11:` URI.
    pub fn parse(uri: &str) -> Result<Self, Pkcs11Error> {
        if uri.len() > MAX_URI {
            return Err(invalid(format!("longer than {MAX_URI} bytes")));
        }
        let rest = uri
            .strip_prefix("pkcs11:")
            .ok_or_else(|| invalid("does not start with `pkcs11:`"))?;
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut parsed = Self::default();
        let mut seen: Vec<&str> = Vec::new();
        let components = path.split(';').map(|a| (a, false)).chain(
            query
                .into_iter()
                .flat_map(|q| q.split('&'))
                .map(|a| (a, true)),
        );
        for (attr, in_query) in components {
            if attr.is_empty() {
                if in_query || !path.is_empty() {
                    return Err(invalid(
                        "an empty attribute (`;;`, `&&` or a trailing separator)",
                    ));
                }
                continue;
            }
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| invalid(format!("`{attr}` is not NAME=VALUE")))?;
            let known = if in_query { QUERY_ATTRS } else { PATH_ATTRS };
            if !known.contains(&name) {
                let other = if in_query { PATH_ATTRS } else { QUERY_ATTRS };
                return Err(invalid(if other.contains(&name) {
                    format!(
                        "`{name}` belongs in the {} part",
                        if in_query {
                            "path"
                        } else {
                            "query (after `?`)"
                        }
                    )
                } else {
                    format!("unknown attribute `{name}`")
                }));
            }
            if seen.contains(&name) {
                return Err(invalid(format!("`{name}` appears twice")));
            }
            seen.push(name);
            let raw = decode(name, value, in_query)?;
            parsed.set(name, raw)?;
        }
        Ok(parsed)
    }

    fn set(&mut self, name: &str, raw: Vec<u8>) -> Result<(), Pkcs11Error> {
        match name {
            "token" => self.token = Some(text(name, raw)?),
            "manufacturer" => self.manufacturer = Some(text(name, raw)?),
            "serial" => self.serial = Some(text(name, raw)?),
            "model" => self.model = Some(text(name, raw)?),
            "object" => self.object = Some(text(name, raw)?),
            "id" => self.id = Some(raw),
            "slot-id" => {
                let digits = text(name, raw)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid("`slot-id` is not a decimal number"));
                }
                self.slot_id = Some(
                    digits
                        .parse()
                        .map_err(|_| invalid("`slot-id` is too large"))?,
                );
            }
            "type" => {
                let kind = text(name, raw)?;
                if !matches!(kind.as_str(), "private" | "public") {
                    return Err(invalid(format!(
                        "`type={kind}`: a signing key is `private` (or its `public` half)"
                    )));
                }
                self.object_type = Some(kind);
            }
            "module-path" => {
                let path = text(name, raw)?;
                if path.is_empty() {
                    return Err(invalid("`module-path` is empty"));
                }
                self.module_path = Some(PathBuf::from(path));
            }
            "pin-source" => {
                let source = text(name, raw)?;
                pin_source_path(&source)?;
                self.pin_source = Some(source);
            }
            "pin-value" => self.pin_value = Some(Zeroizing::new(text(name, raw)?)),
            _ => return Err(invalid(format!("unknown attribute `{name}`"))),
        }
        Ok(())
    }

    /// True when the URI names a key: an `object` label or an `id`.
    pub fn names_key(&self) -> bool {
        self.object.is_some() || self.id.is_some()
    }
}

/// The file a `pin-source` names: `file:/abs`, `file:///abs`,
/// `file://localhost/abs`, or a plain absolute path.
pub(crate) fn pin_source_path(source: &str) -> Result<PathBuf, Pkcs11Error> {
    let path = if let Some(rest) = source.strip_prefix("file://") {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        if !rest.starts_with('/') {
            return Err(invalid(format!(
                "`pin-source={source}`: a file URI on another host is not supported"
            )));
        }
        rest
    } else if let Some(rest) = source.strip_prefix("file:") {
        rest
    } else {
        source
    };
    if !path.starts_with('/') {
        return Err(invalid(format!(
            "`pin-source={source}`: expected a file URI with an absolute path (file:/run/secrets/pin)"
        )));
    }
    Ok(PathBuf::from(path))
}

fn encode(out: &mut String, bytes: &[u8], in_query: bool) {
    for &b in bytes {
        if allowed_raw(b, in_query) && b != b'%' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

impl fmt::Display for Pkcs11Uri {
    /// The URI with its values percent-encoded; a `pin-value` is shown as
    /// `pin-value=***` so a PIN never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path: Vec<String> = Vec::new();
        let mut attr = |name: &str, bytes: Option<&[u8]>| {
            if let Some(b) = bytes {
                let mut s = format!("{name}=");
                encode(&mut s, b, false);
                path.push(s);
            }
        };
        attr("token", self.token.as_deref().map(str::as_bytes));
        attr(
            "manufacturer",
            self.manufacturer.as_deref().map(str::as_bytes),
        );
        attr("serial", self.serial.as_deref().map(str::as_bytes));
        attr("model", self.model.as_deref().map(str::as_bytes));
        let slot = self.slot_id.map(|s| s.to_string());
        attr("slot-id", slot.as_deref().map(str::as_bytes));
        attr("object", self.object.as_deref().map(str::as_bytes));
        attr("type", self.object_type.as_deref().map(str::as_bytes));
        if let Some(id) = &self.id {
            // Every byte escaped, as RFC 7512 recommends for binary ids.
            path.push(format!(
                "id={}",
                id.iter().map(|b| format!("%{b:02X}")).collect::<String>()
            ));
        }
        let mut query: Vec<String> = Vec::new();
        if let Some(p) = &self.module_path {
            let mut s = "module-path=".to_owned();
            encode(&mut s, p.to_string_lossy().as_bytes(), true);
            query.push(s);
        }
        if let Some(p) = &self.pin_source {
            let mut s = "pin-source=".to_owned();
            encode(&mut s, p.as_bytes(), true);
            query.push(s);
        }
        if self.pin_value.is_some() {
            query.push("pin-value=***".to_owned());
        }
        write!(f, "pkcs11:{}", path.join(";"))?;
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let uri = Pkcs11Uri::parse(
            "pkcs11:token=travelcert;object=issuer;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/pin",
        )
        .unwrap();
        assert_eq!(uri.token.as_deref(), Some("travelcert"));
        assert_eq!(uri.object.as_deref(), Some("issuer"));
        assert_eq!(uri.id.as_deref(), Some(&[1u8, 2][..]));
        assert_eq!(
            uri.module_path,
            Some(PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
        );
        assert_eq!(
            pin_source_path(uri.pin_source.as_deref().unwrap()).unwrap(),
            PathBuf::from("/run/secrets/pin")
        );
    }
}
