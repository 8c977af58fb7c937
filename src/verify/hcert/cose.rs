//! The HCERT COSE_Sign1 (FORMAT.md §14.2) and a bounded generic CBOR reader.
//!
//! Unlike travelcert's own strict decoder, HCERT as deployed uses
//! indefinite lengths, floats, tags and text keys, so this reader accepts
//! any well-formed CBOR, within a depth limit and with every length checked
//! against the bytes that remain (no allocation beyond the input's size).

use minicbor::data::Type;
use minicbor::Decoder;

use crate::trust::HcertAlg;
use crate::VerifyError;

/// How deep an `HC1:` CBOR item may nest.
pub(crate) const MAX_DEPTH: usize = 16;

/// One CBOR data item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Int(i128),
    Float(f64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Item>),
    Map(Vec<(Item, Item)>),
    Bool(bool),
    Null,
    Undefined,
    Simple(u8),
    Tagged(u64, Box<Item>),
}

impl Item {
    /// The value under integer key `key` of a map.
    pub(crate) fn get_int(&self, key: i128) -> Option<&Item> {
        match self {
            Item::Map(entries) => entries
                .iter()
                .find(|(k, _)| *k == Item::Int(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value under text key `key` of a map.
    pub(crate) fn get_text(&self, key: &str) -> Option<&Item> {
        match self {
            Item::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Item::Text(t) if t == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The item without any tags around it.
    pub(crate) fn untagged(&self) -> &Item {
        match self {
            Item::Tagged(_, inner) => inner.untagged(),
            other => other,
        }
    }

    /// The item as JSON: text keys kept, other keys as their JSON text, byte
    /// strings as base64, tags dropped.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Item::Int(n) => i64::try_from(*n)
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(n.to_string())),
            Item::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Item::Bytes(b) => {
                use base64ct::Encoding;
                Value::String(base64ct::Base64::encode_string(b))
            }
            Item::Text(t) => Value::String(t.clone()),
            Item::Array(items) => Value::Array(items.iter().map(Item::to_json).collect()),
            Item::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Item::Text(t) => t.clone(),
                            other => other.to_json().to_string(),
                        };
                        (key, v.to_json())
                    })
                    .collect(),
            ),
            Item::Bool(b) => Value::Bool(*b),
            Item::Null | Item::Undefined | Item::Simple(_) => Value::Null,
            Item::Tagged(_, inner) => inner.to_json(),
        }
    }
}

/// Reads one well-formed CBOR item; `None` on any malformation.
pub(crate) fn read_item(d: &mut Decoder<'_>, depth: usize) -> Result<Item, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    let e = |err: minicbor::decode::Error| err.to_string();
    let remaining = |d: &Decoder<'_>| d.input().len().saturating_sub(d.position()) as u64;
    Ok(match d.datatype().map_err(e)? {
        Type::Bool => Item::Bool(d.bool().map_err(e)?),
        Type::Null => {
            d.null().map_err(e)?;
            Item::Null
        }
        Type::Undefined => {
            d.undefined().map_err(e)?;
            Item::Undefined
        }
        Type::U8
        | Type::U16
        | Type::U32
        | Type::U64
        | Type::I8
        | Type::I16
        | Type::I32
        | Type::I64
        | Type::Int => Item::Int(i128::from(d.int().map_err(e)?)),
        Type::F16 => {
            let at = d.position();
            let bits = d
                .input()
                .get(at + 1..at + 3)
                .map(|b| {
                    u16::from_be_bytes([
                        b.first().copied().unwrap_or(0),
                        b.get(1).copied().unwrap_or(0),
                    ])
                })
                .ok_or("truncated half-precision float")?;
            d.skip().map_err(e)?;
            Item::Float(half_to_f64(bits))
        }
        Type::F32 => Item::Float(f64::from(d.f32().map_err(e)?)),
        Type::F64 => Item::Float(d.f64().map_err(e)?),
        Type::Simple => Item::Simple(d.simple().map_err(e)?),
        Type::Bytes => Item::Bytes(d.bytes().map_err(e)?.to_vec()),
        Type::BytesIndef => {
            let mut out = Vec::new();
            for chunk in d.bytes_iter().map_err(e)? {
                out.extend_from_slice(chunk.map_err(e)?);
            }
            Item::Bytes(out)
        }
        Type::String => Item::Text(d.str().map_err(e)?.to_owned()),
        Type::StringIndef => {
            let mut out = String::new();
            for chunk in d.str_iter().map_err(e)? {
                out.push_str(chunk.map_err(e)?);
            }
            Item::Text(out)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(e)?;
            let mut items = Vec::new();
            match len {
                Some(n) => {
                    if n > remaining(d) {
                        return Err("array length exceeds the input".into());
                    }
                    for _ in 0..n {
                        items.push(read_item(d, depth + 1)?);
                    }
                }
                None => loop {
                    if d.datatype().map_err(e)? == Type::Break {
                        d.skip().map_err(e)?;
                        break;
                    }
                    items.push(read_item(d, depth + 1)?);
                },
            }
            Item::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(e)?;
            let mut entries = Vec::new();
            match len {
                Some(n) => {
                    if n > remaining(d) {
                        return Err("map length exceeds the input".into());
                    }
                    for _ in 0..n {
                        let k = read_item(d, depth + 1)?;
                        let v = read_item(d, depth + 1)?;
                        entries.push((k, v));
                    }
                }
                None => loop {
                    if d.datatype().map_err(e)? == Type::Break {
                        d.skip().map_err(e)?;
                        break;
                    }
                    let k = read_item(d, depth + 1)?;
                    let v = read_item(d, depth + 1)?;
                    entries.push((k, v));
                },
            }
            Item::Map(entries)
        }
        Type::Tag => {
            let tag = d.tag().map_err(e)?.as_u64();
            Item::Tagged(tag, Box::new(read_item(d, depth + 1)?))
        }
        other => return Err(format!("unexpected CBOR item {other}")),
    })
}

/// IEEE 754 half precision to f64 (RFC 8949 Appendix D).
fn half_to_f64(half: u16) -> f64 {
    let exp = i32::from((half >> 10) & 0x1f);
    let mant = f64::from(half & 0x3ff);
    let value = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mant + 1024.0) * 2f64.powi(exp - 25),
    };
    if half & 0x8000 != 0 {
        -value
    } else {
        value
    }
}

/// Reads exactly one CBOR item from `bytes`.
pub(crate) fn read_all(bytes: &[u8]) -> Result<Item, String> {
    let mut d = Decoder::new(bytes);
    let item = read_item(&mut d, 0)?;
    if d.position() != bytes.len() {
        return Err(format!(
            "{} bytes follow the CBOR item",
            bytes.len().saturating_sub(d.position())
        ));
    }
    Ok(item)
}

/// A parsed HCERT COSE_Sign1.
#[derive(Debug, Clone)]
pub(crate) struct HcertCose {
    pub(crate) protected: Vec<u8>,
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    pub(crate) alg: HcertAlg,
    pub(crate) kid: Vec<u8>,
}

impl HcertCose {
    /// The Sig_structure the signature covers.
    pub(crate) fn to_be_signed(&self) -> Vec<u8> {
        crate::cose::sign1::sig_structure(&self.protected, &self.payload)
    }
}

fn structure(reason: impl Into<String>) -> VerifyError {
    VerifyError::HcertCoseStructure {
        reason: reason.into(),
    }
}

/// Parses the COSE_Sign1 of an `HC1:` certificate (FORMAT.md §14.2): tag 18,
/// untagged, or tag 61 (CWT) around tag 18; kid protected or unprotected
/// (the protected one wins); `alg` protected, or unprotected when the
/// protected header is empty.
pub(crate) fn parse(bytes: &[u8]) -> Result<HcertCose, VerifyError> {
    let top = read_all(bytes).map_err(|reason| VerifyError::CborMalformed { offset: 0, reason })?;
    let mut tags = Vec::new();
    let mut item = &top;
    while let Item::Tagged(tag, inner) = item {
        tags.push(*tag);
        item = inner;
    }
    if !matches!(tags.as_slice(), [] | [18] | [61, 18]) {
        return Err(VerifyError::HcertNotCoseSign1 {
            found: format!("tags {tags:?}"),
        });
    }
    let Item::Array(members) = item else {
        return Err(VerifyError::HcertNotCoseSign1 {
            found: "an item that is not an array".into(),
        });
    };
    let [protected, unprotected, payload, signature] = members.as_slice() else {
        return Err(structure(format!("{} members instead of 4", members.len())));
    };
    let Item::Bytes(protected) = protected else {
        return Err(structure("the protected header is not a byte string"));
    };
    let protected_map = if protected.is_empty() {
        Item::Map(Vec::new())
    } else {
        read_all(protected).map_err(|r| structure(format!("protected header: {r}")))?
    };
    let Item::Map(protected_entries) = &protected_map else {
        return Err(structure("the protected header is not a map"));
    };
    if !matches!(unprotected, Item::Map(_)) {
        return Err(structure("the unprotected header is not a map"));
    }
    let Item::Bytes(payload) = payload else {
        return Err(structure("the payload is not a byte string"));
    };
    let Item::Bytes(signature) = signature else {
        return Err(structure("the signature is not a byte string"));
    };
    let alg_item = match protected_map.get_int(1) {
        Some(a) => Some(a),
        None if protected_entries.is_empty() => unprotected.get_int(1),
        None => None,
    };
    let alg = match alg_item {
        None => return Err(VerifyError::HcertAlgMissing),
        Some(Item::Int(-7)) => HcertAlg::Es256,
        Some(Item::Int(-37)) => HcertAlg::Ps256,
        Some(Item::Int(other)) => {
            return Err(VerifyError::HcertAlgUnsupported {
                alg: i64::try_from(*other).unwrap_or(i64::MIN),
            })
        }
        Some(_) => return Err(structure("the algorithm is not an integer")),
    };
    let kid = match protected_map.get_int(4).or_else(|| unprotected.get_int(4)) {
        Some(Item::Bytes(kid)) if !kid.is_empty() => kid.clone(),
        Some(Item::Bytes(_)) | None => return Err(VerifyError::HcertKidMissing),
        Some(_) => return Err(structure("the kid is not a byte string")),
    };
    Ok(HcertCose {
        protected: protected.clone(),
        payload: payload.clone(),
        signature: signature.clone(),
        alg,
        kid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign1(protected: &[u8], unprotected: &[u8]) -> Vec<u8> {
        let mut out = vec![0xd2, 0x84];
        out.push(0x40 + u8::try_from(protected.len()).unwrap());
        out.extend_from_slice(protected);
        out.extend_from_slice(unprotected);
        out.extend_from_slice(&[0x41, 0xa0, 0x41, 0x00]);
        out
    }

    #[test]
    fn header_rules() {
        // kid 0x01 protected, 0x02 unprotected: the protected one wins.
        let p = [0xa2, 0x01, 0x26, 0x04, 0x41, 0x01];
        let c = parse(&sign1(&p, &[0xa1, 0x04, 0x41, 0x02])).unwrap();
        assert_eq!((c.kid, c.alg), (vec![1], HcertAlg::Es256));
        // kid only unprotected.
        let c = parse(&sign1(&[0xa1, 0x01, 0x38, 0x24], &[0xa1, 0x04, 0x41, 0x02])).unwrap();
        assert_eq!((c.kid, c.alg), (vec![2], HcertAlg::Ps256));
        // alg unprotected only when the protected header is empty.
        let c = parse(&sign1(&[], &[0xa2, 0x01, 0x26, 0x04, 0x41, 0x03])).unwrap();
        assert_eq!(c.kid, vec![3]);
        let err = parse(&sign1(&[0xa1, 0x04, 0x41, 0x01], &[0xa1, 0x01, 0x26])).unwrap_err();
        assert_eq!(err.name(), "HcertAlgMissing");
        let err = parse(&sign1(&[0xa1, 0x01, 0x27], &[0xa1, 0x04, 0x41, 0x02])).unwrap_err();
        assert_eq!(err, VerifyError::HcertAlgUnsupported { alg: -8 });
        let err = parse(&sign1(&[0xa1, 0x01, 0x26], &[0xa0])).unwrap_err();
        assert_eq!(err.name(), "HcertKidMissing");
    }

    #[test]
    fn tags_and_structure() {
        let p = [0xa2, 0x01, 0x26, 0x04, 0x41, 0x01];
        let mut cwt = vec![0xd8, 0x3d];
        cwt.extend(sign1(&p, &[0xa0]));
        assert!(parse(&cwt).is_ok());
        let untagged = sign1(&p, &[0xa0]).split_off(1);
        assert!(parse(&untagged).is_ok());
        let mut wrong = sign1(&p, &[0xa0]);
        wrong[0] = 0xd1; // tag 17: COSE_Mac0
        assert_eq!(parse(&wrong).unwrap_err().name(), "HcertNotCoseSign1");
        assert_eq!(
            parse(&[0x83, 0, 0, 0]).unwrap_err().name(),
            "HcertCoseStructure"
        );
        assert_eq!(
            parse(&[0x9b, 0xff, 0xff]).unwrap_err().name(),
            "CborMalformed"
        );
        // Nesting is bounded.
        let deep = vec![0x81; 64];
        assert_eq!(parse(&deep).unwrap_err().name(), "CborMalformed");
    }
}
