//! COSE_Sign1 (RFC 9052 §4.2), tag 18:
//! `[protected: bstr, unprotected: {}, payload: bstr, signature: bstr .size 64]`.

use crate::codec::cbor::{Reader, Writer};
use crate::cose::header::{label, ProtectedHeader};
use crate::VerifyError;

/// The CBOR tag of COSE_Sign1.
pub const TAG: u64 = 18;

/// A parsed COSE_Sign1, borrowing from its encoding. The protected header is
/// kept as the original bytes, which is what the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSign1<'a> {
    /// The protected header bytes as received.
    pub protected: &'a [u8],
    /// The decoded protected header.
    pub header: ProtectedHeader,
    /// The payload (the CWT claims).
    pub payload: &'a [u8],
    /// The Ed25519 signature.
    pub signature: [u8; 64],
}

impl<'a> CoseSign1<'a> {
    /// Parses a tagged COSE_Sign1; the whole buffer must be that one item.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        let not_sign1 = |found: String| VerifyError::NotCoseSign1 { found };
        match r.peek()? {
            minicbor::data::Type::Tag => {}
            other => return Err(not_sign1(format!("untagged {other}"))),
        }
        let tag = r.tag("the COSE_Sign1 tag")?;
        if tag != TAG {
            return Err(not_sign1(format!("tag {tag}")));
        }
        let n = r.array("the COSE_Sign1 array").map_err(structure)?;
        if n != 4 {
            return Err(VerifyError::CoseStructure {
                reason: format!("an array of {n} members, not 4"),
            });
        }
        let protected = r.bytes("the protected header (bstr)").map_err(structure)?;
        // The unprotected header must be an empty map; an algorithm moved there
        // gets its own error because it would escape the signature. Nothing is
        // allowed there, so only its first label is read: the rest of a
        // non-empty header is never decoded (it is unauthenticated input).
        // An indefinite-length map is still a map: let the reader refuse it
        // with `CborIndefiniteLength` (FORMAT.md §5.1), not `CoseStructure`.
        if !matches!(
            r.peek()?,
            minicbor::data::Type::Map | minicbor::data::Type::MapIndef
        ) {
            return Err(structure(VerifyError::CborMalformed {
                offset: r.position(),
                reason: "the unprotected header must be a map".to_owned(),
            }));
        }
        let entries = r.map("the unprotected header")?;
        if entries > 0 && r.i64("an integer map key")? == label::ALG {
            return Err(VerifyError::AlgNotProtected);
        }
        let header = ProtectedHeader::decode(protected)?;
        if entries > 0 {
            return Err(VerifyError::UnprotectedHeaderNotEmpty);
        }
        if r.null()? {
            return Err(VerifyError::PayloadMissing);
        }
        let payload = r.bytes("the payload (bstr)").map_err(structure)?;
        let sig = r.bytes("the signature (bstr)").map_err(structure)?;
        let signature: [u8; 64] = sig
            .try_into()
            .map_err(|_| VerifyError::SignatureLength { len: sig.len() })?;
        r.finish()?;
        Ok(Self {
            protected,
            header,
            payload,
            signature,
        })
    }

    /// The bytes the signature covers.
    pub fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(self.protected, self.payload)
    }
}

/// A member of the COSE_Sign1 array of the wrong type is a structure fault.
fn structure(e: VerifyError) -> VerifyError {
    match e {
        VerifyError::CborMalformed { reason, .. } => VerifyError::CoseStructure { reason },
        other => other,
    }
}

/// The Sig_structure `["Signature1", protected, h'', payload]` (RFC 9052 §4.4).
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::with_capacity(protected.len() + payload.len() + 24);
    w.array(4)
        .text("Signature1")
        .bytes(protected)
        .bytes(&[])
        .bytes(payload);
    w.into_bytes()
}

/// Builds a signed COSE_Sign1: `sign` receives the Sig_structure and returns
/// the 64-byte signature, so any key store fits.
pub fn sign<E>(
    header: &ProtectedHeader,
    payload: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<[u8; 64], E>,
) -> Result<Vec<u8>, E> {
    let protected = header.encode();
    let signature = sign(&sig_structure(&protected, payload))?;
    Ok(assemble(&protected, payload, &signature))
}

/// Encodes the tagged COSE_Sign1 array.
pub fn assemble(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut w = Writer::with_capacity(protected.len() + payload.len() + signature.len() + 12);
    w.tag(TAG)
        .array(4)
        .bytes(protected)
        .raw(&[0xa0])
        .bytes(payload)
        .bytes(signature);
    w.into_bytes()
}
