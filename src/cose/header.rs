//! The protected header and algorithms.

use crate::codec::cbor::{encode, Reader};
use crate::keys::Kid;
use crate::VerifyError;

/// The header labels, shared by every COSE structure (see [`crate::cose::label`]).
pub use super::label;

/// The signature algorithms a verifier accepts. Issuers write [`Algorithm::Ed25519`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `-19`: Ed25519 (RFC 9864), what travelcert issues.
    Ed25519,
    /// `-8`: EdDSA (RFC 9053), accepted with an Ed25519 key.
    EdDsa,
    /// `-7`: ES256 (ECDSA P-256, SHA-256), only in `HC1:` certificates (feature `hcert`).
    Es256,
    /// `-37`: PS256 (RSASSA-PSS, SHA-256), only in `HC1:` certificates (feature `hcert`).
    Ps256,
}

impl Algorithm {
    /// The COSE algorithm identifier.
    pub fn id(self) -> i64 {
        match self {
            Self::Ed25519 => -19,
            Self::EdDsa => -8,
            Self::Es256 => -7,
            Self::Ps256 => -37,
        }
    }

    /// The algorithm of a travelcert certificate for an identifier, or
    /// `AlgUnsupported` (ES256 and PS256 are `HC1:` algorithms only).
    pub fn from_id(id: i64) -> Result<Self, VerifyError> {
        match id {
            -19 => Ok(Self::Ed25519),
            -8 => Ok(Self::EdDsa),
            alg => Err(VerifyError::AlgUnsupported { alg }),
        }
    }
}

/// The decoded protected header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtectedHeader {
    /// The algorithm.
    pub alg: Algorithm,
    /// The key id.
    pub kid: Kid,
}

impl ProtectedHeader {
    /// The header's deterministic encoding `{1: alg, 4: kid}` (the bstr contents).
    pub fn encode(&self) -> Vec<u8> {
        let alg = encode(|w| {
            w.int(self.alg.id());
        });
        let kid = encode(|w| {
            w.bytes(&self.kid.0);
        });
        encode(|w| {
            w.map_sorted(vec![(label::ALG, alg), (label::KID, kid)]);
        })
    }

    /// Decodes the protected header bytes. Only `alg` and `kid` are defined; any
    /// other label is refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, VerifyError> {
        if bytes.is_empty() {
            return Err(VerifyError::AlgMissing);
        }
        let mut r = Reader::new(bytes);
        let mut alg = None;
        let mut kid = None;
        r.int_map("the protected header", |r, label| {
            match label {
                label::ALG => alg = Some(r.i64("alg")?),
                label::KID => kid = Some(r.bytes("kid")?),
                label => return Err(VerifyError::UnsupportedHeader { label }),
            }
            Ok(())
        })?;
        r.finish()?;
        let alg = Algorithm::from_id(alg.ok_or(VerifyError::AlgMissing)?)?;
        let kid = kid.ok_or(VerifyError::KidMissing)?;
        let kid: [u8; 8] = kid
            .try_into()
            .map_err(|_| VerifyError::KidLength { len: kid.len() })?;
        Ok(Self { alg, kid: Kid(kid) })
    }
}
