//! What the COSE encryption structures (RFC 9052 §5, RFC 9053) share: the protected headers, the Enc_structure, AES-256-GCM
//! and the ECDH-ES + HKDF-256 key derivation (FORMAT.md §13).
//!
//! - [`super::encrypt0`]: COSE_Encrypt0 (tag 16), mode 1.
//! - [`super::encrypt`]: COSE_Encrypt (tag 96) with one recipient, mode 2.
//!
//! Parsing decodes straight into typed structures with the strict
//! `codec::cbor::Reader` (definite lengths, counts checked against the
//! input, no duplicate labels, no trailing bytes); nothing is re-encoded before
//! decrypting: the protected header bytes as received are the AAD.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::Aes256Gcm;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::codec::cbor::{Reader, Writer};
use crate::keys::EncryptError;
use crate::keys::Kid;
use crate::VerifyError;

/// COSE algorithm 3: AES-GCM with a 256-bit key and a 128-bit tag.
pub const ALG_A256GCM: i64 = 3;
/// COSE algorithm -25: ECDH-ES + HKDF-256, direct key agreement.
pub const ALG_ECDH_ES_HKDF_256: i64 = -25;
/// The content protected header issuers write: `{1: 3}`.
pub const CONTENT_PROTECTED: [u8; 3] = [0xa1, 0x01, 0x03];
/// The recipient protected header issuers write: `{1: -25}`.
pub const RECIPIENT_PROTECTED: [u8; 4] = [0xa1, 0x01, 0x38, 0x18];
/// AES-GCM IV length in bytes.
pub const IV_LEN: usize = 12;
/// AES-GCM tag length in bytes.
pub const TAG_LEN: usize = 16;

/// The header labels, shared by every COSE structure (see [`crate::cose::label`]).
pub use super::label;

/// The Enc_structure `[context, protected, h'']` (RFC 9052 §5.3): the AAD.
pub fn enc_structure(context: &str, protected: &[u8]) -> Vec<u8> {
    let mut w = Writer::with_capacity(protected.len() + 16);
    w.array(3).text(context).bytes(protected).bytes(&[]);
    w.into_bytes()
}

/// The COSE_KDF_Context (RFC 9053 §5.2) for the content key:
/// `[3, [nil, nil, nil], [nil, nil, nil], [256, recipient_protected]]`.
pub fn kdf_context(recipient_protected: &[u8]) -> Vec<u8> {
    let mut w = Writer::with_capacity(recipient_protected.len() + 16);
    w.array(4).int(ALG_A256GCM);
    w.array(3).null().null().null();
    w.array(3).null().null().null();
    w.array(2).uint(256).bytes(recipient_protected);
    w.into_bytes()
}

/// The content key: HKDF-SHA-256 (no salt) over the X25519 shared secret with
/// the COSE_KDF_Context as info, 32 bytes.
pub fn derive_cek(shared: &[u8; 32], recipient_protected: &[u8]) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(None, shared);
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA-256's limit of 255 * 32: expand cannot fail.
    let _ = hk.expand(&kdf_context(recipient_protected), okm.as_mut());
    okm
}

/// AES-256-GCM encryption; the result is ciphertext || tag.
pub(crate) fn seal(
    key: &[u8; 32],
    iv: &[u8; IV_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| EncryptError::Cipher)?;
    cipher
        .encrypt(
            &(*iv).into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| EncryptError::Cipher)
}

/// AES-256-GCM decryption; `None` when the tag does not verify.
pub(crate) fn open(
    key: &[u8; 32],
    iv: &[u8; IV_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            &(*iv).into(),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

/// Whether `ciphertext` ends in an AES-256-GCM tag cut to 12–15 bytes (GCM
/// tags truncate to a prefix): the diagnosis behind `AuthTagTruncated` for a
/// ciphertext that failed with the full 16-byte tag. Never used to accept.
pub(crate) fn tag_truncated(
    key: &[u8; 32],
    iv: &[u8; IV_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> bool {
    use aes_gcm::aead::consts::{U12, U13, U14, U15};
    use aes_gcm::aes::Aes256;
    use aes_gcm::AesGcm;
    fn try_open<T: aes_gcm::TagSize>(
        key: &[u8; 32],
        iv: &[u8; IV_LEN],
        aad: &[u8],
        ct: &[u8],
    ) -> bool {
        AesGcm::<Aes256, U12, T>::new_from_slice(key)
            .ok()
            .and_then(|c| c.decrypt(&(*iv).into(), Payload { msg: ct, aad }).ok())
            .is_some()
    }
    try_open::<U15>(key, iv, aad, ciphertext)
        || try_open::<U14>(key, iv, aad, ciphertext)
        || try_open::<U13>(key, iv, aad, ciphertext)
        || try_open::<U12>(key, iv, aad, ciphertext)
}

/// A member of the wrong type is a structure fault.
pub(crate) fn structure(e: VerifyError) -> VerifyError {
    match e {
        VerifyError::CborMalformed { reason, .. } => VerifyError::EncryptStructure { reason },
        other => other,
    }
}

pub(crate) fn structure_error(reason: impl Into<String>) -> VerifyError {
    VerifyError::EncryptStructure {
        reason: reason.into(),
    }
}

/// Reads the tag and the array head of an encryption structure.
pub(crate) fn open_array(
    r: &mut Reader<'_>,
    tag: u64,
    name: &str,
    n: usize,
) -> Result<(), VerifyError> {
    let found = r.tag(name).map_err(structure)?;
    if found != tag {
        return Err(structure_error(format!("tag {found}, not {tag}")));
    }
    let len = r.array(name).map_err(structure)?;
    if len != n {
        return Err(structure_error(format!(
            "{name} has {len} members, not {n}"
        )));
    }
    Ok(())
}

/// Checks a protected header that must be exactly `{1: expected}` (any
/// encoding): empty or without alg — `AlgMissing`; another label —
/// `UnsupportedHeader`; another alg — `EncryptAlgUnsupported`.
pub(crate) fn check_protected(bytes: &[u8], expected: i64) -> Result<(), VerifyError> {
    if bytes.is_empty() {
        return Err(VerifyError::AlgMissing);
    }
    let mut r = Reader::new(bytes);
    let mut alg = None;
    r.int_map("the protected header", |r, l| {
        match l {
            label::ALG => alg = Some(r.i64("alg")?),
            l => return Err(VerifyError::UnsupportedHeader { label: l }),
        }
        Ok(())
    })?;
    r.finish()?;
    match alg {
        None => Err(VerifyError::AlgMissing),
        Some(a) if a == expected => Ok(()),
        Some(alg) => Err(VerifyError::EncryptAlgUnsupported { alg }),
    }
}

/// An unprotected header's values, each optional.
#[derive(Default)]
pub(crate) struct Unprotected<'a> {
    pub(crate) kid: Option<&'a [u8]>,
    pub(crate) iv: Option<&'a [u8]>,
    pub(crate) ephemeral: Option<Result<[u8; 32], VerifyError>>,
}

/// Reads an unprotected header map allowing only the labels in `allowed`; an
/// `alg` there — `AlgNotProtected`; another label — `UnsupportedHeader`.
pub(crate) fn read_unprotected<'a>(
    r: &mut Reader<'a>,
    allowed: &[i64],
) -> Result<Unprotected<'a>, VerifyError> {
    let mut h = Unprotected::default();
    // An indefinite-length map is still a map: the reader refuses it with
    // `CborIndefiniteLength` (FORMAT.md §5.1).
    if !matches!(
        r.peek()?,
        minicbor::data::Type::Map | minicbor::data::Type::MapIndef
    ) {
        return Err(structure_error("the unprotected header must be a map"));
    }
    r.int_map("the unprotected header", |r, l| {
        if l == label::ALG {
            return Err(VerifyError::AlgNotProtected);
        }
        if !allowed.contains(&l) {
            return Err(VerifyError::UnsupportedHeader { label: l });
        }
        match l {
            label::KID => h.kid = Some(r.bytes("kid").map_err(structure)?),
            label::IV => h.iv = Some(r.bytes("IV").map_err(structure)?),
            _ => h.ephemeral = Some(read_cose_key(r)?),
        }
        Ok(())
    })?;
    Ok(h)
}

/// Reads the ephemeral COSE_Key `{1: 1 (OKP), -1: 4 (X25519), -2: x}`. It must
/// be one well-formed CBOR item (§5.1, checked as an unknown item): CBOR faults
/// are returned at once. Anything else wrong with it (not a map, a label or
/// value of the wrong type, wrong content) is kept as an `EphemeralKeyInvalid`
/// to report in its turn.
fn read_cose_key(r: &mut Reader<'_>) -> Result<Result<[u8; 32], VerifyError>, VerifyError> {
    let item = r.raw_item(2)?;
    Ok(cose_key(item))
}

fn cose_key(item: &[u8]) -> Result<[u8; 32], VerifyError> {
    let invalid = |reason: String| VerifyError::EphemeralKeyInvalid { reason };
    let (mut kty, mut crv, mut x, mut other) = (None, None, None, None);
    let mut r = Reader::new(item);
    r.int_map("the ephemeral COSE_Key", |r, l| {
        match l {
            1 => kty = Some(r.i64("kty")?),
            -1 => crv = Some(r.i64("crv")?),
            -2 => x = Some(r.bytes("x")?),
            l => {
                r.raw_item(3)?;
                other = other.or(Some(l));
            }
        }
        Ok(())
    })
    .map_err(|e| invalid(format!("not an X25519 OKP key: {e}")))?;
    if let Some(l) = other {
        return Err(invalid(format!(
            "label {l} is not part of an X25519 OKP key"
        )));
    }
    if kty != Some(1) {
        return Err(invalid(format!("kty {kty:?}, not 1 (OKP)")));
    }
    if crv != Some(4) {
        return Err(invalid(format!("crv {crv:?}, not 4 (X25519)")));
    }
    let Some(x) = x else {
        return Err(invalid("no x coordinate (-2)".to_owned()));
    };
    match <[u8; 32]>::try_from(x) {
        Ok(x) => Ok(x),
        Err(_) => Err(invalid(format!("x has {} bytes, not 32", x.len()))),
    }
}

/// The reader kid: present and 8 bytes.
pub(crate) fn kid(bytes: Option<&[u8]>) -> Result<Kid, VerifyError> {
    let kid = bytes.ok_or(VerifyError::KidMissing)?;
    <[u8; 8]>::try_from(kid)
        .map(Kid)
        .map_err(|_| VerifyError::KidLength { len: kid.len() })
}

/// The IV: present and 12 bytes (`NonceLength` with `len` 0 when absent).
pub(crate) fn iv(bytes: Option<&[u8]>) -> Result<[u8; IV_LEN], VerifyError> {
    let iv = bytes.unwrap_or_default();
    <[u8; IV_LEN]>::try_from(iv).map_err(|_| VerifyError::NonceLength { len: iv.len() })
}

/// The ciphertext must hold at least the tag.
pub(crate) fn check_tag(ciphertext: &[u8]) -> Result<(), VerifyError> {
    if ciphertext.len() < TAG_LEN {
        return Err(VerifyError::AuthTagTruncated {
            len: ciphertext.len(),
        });
    }
    Ok(())
}
