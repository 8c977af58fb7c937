//! COSE_Encrypt0 (RFC 9052 §5.2), tag 16, mode 1 (FORMAT.md §13.2):
//! `[protected: bstr .cbor {1: 3}, unprotected: {4: kid, 5: iv}, ciphertext: bstr]`.

use super::enc::{
    check_protected, check_tag, enc_structure, iv, kid, label, open_array, read_unprotected,
    structure, ALG_A256GCM, CONTENT_PROTECTED, IV_LEN,
};
use crate::codec::cbor::{encode, Reader, Writer};
use crate::keys::Kid;
use crate::keys::{EncryptError, ReaderKey, ReaderKeys, SharedKey};
use crate::VerifyError;

/// The CBOR tag of COSE_Encrypt0.
pub const TAG: u64 = 16;
/// The Enc_structure context.
pub const CONTEXT: &str = "Encrypt0";

/// A parsed COSE_Encrypt0, borrowing from its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypt0<'a> {
    /// The protected header bytes as received (the AAD covers them).
    pub protected: &'a [u8],
    /// The reader kid.
    pub kid: Kid,
    /// The 96-bit IV.
    pub iv: [u8; IV_LEN],
    /// Ciphertext || 16-byte tag.
    pub ciphertext: &'a [u8],
}

impl<'a> Encrypt0<'a> {
    /// Parses and checks a tagged COSE_Encrypt0 (FORMAT.md §13.2 order).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        open_array(&mut r, TAG, "the COSE_Encrypt0 array", 3)?;
        let protected = r.bytes("the protected header (bstr)").map_err(structure)?;
        let h = read_unprotected(&mut r, &[label::KID, label::IV])?;
        let ciphertext = r.bytes("the ciphertext (bstr)").map_err(structure)?;
        r.finish()?;
        check_protected(protected, ALG_A256GCM)?;
        let kid = kid(h.kid)?;
        let iv = iv(h.iv)?;
        check_tag(ciphertext)?;
        Ok(Self {
            protected,
            kid,
            iv,
            ciphertext,
        })
    }

    fn decrypt_with(&self, key: &SharedKey, protected: &[u8]) -> Option<Vec<u8>> {
        super::enc::open(
            key.bytes(),
            &self.iv,
            &enc_structure(CONTEXT, protected),
            self.ciphertext,
        )
    }
}

/// Decrypts a COSE_Encrypt0 body with the shared key its kid names.
pub fn open(bytes: &[u8], keys: &ReaderKeys) -> Result<Vec<u8>, VerifyError> {
    let e = Encrypt0::parse(bytes)?;
    let kid_hex = e.kid;
    let key = match keys.get(&e.kid) {
        None => return Err(VerifyError::ReaderKeyUnknown { kid: kid_hex }),
        Some(ReaderKey::X25519(_)) => {
            return Err(VerifyError::ReaderKeyWrong {
                kid: kid_hex,
                reason: "it is an X25519 key; a COSE_Encrypt0 needs a shared AES-256 key"
                    .to_owned(),
            })
        }
        Some(ReaderKey::Shared(k)) => k,
    };
    if let Some(plain) = e.decrypt_with(key, e.protected) {
        return Ok(plain);
    }
    // Diagnosis only: nothing below is ever accepted.
    if e.protected != CONTENT_PROTECTED && e.decrypt_with(key, &CONTENT_PROTECTED).is_some() {
        return Err(VerifyError::EncryptHeaderTampered);
    }
    let aad = enc_structure(CONTEXT, e.protected);
    if super::enc::tag_truncated(key.bytes(), &e.iv, &aad, e.ciphertext) {
        return Err(VerifyError::AuthTagTruncated {
            len: e.ciphertext.len(),
        });
    }
    let other = keys.iter().find_map(|k| match k {
        ReaderKey::Shared(o) if o.kid() != e.kid => e.decrypt_with(o, e.protected).map(|_| o.kid()),
        _ => None,
    });
    if let Some(other) = other {
        return Err(VerifyError::ReaderKeyWrong {
            kid: kid_hex,
            reason: format!("it was encrypted with reader key {other} (the kid was altered)"),
        });
    }
    Err(VerifyError::DecryptionFailed { kid: kid_hex })
}

/// Encrypts `plaintext` under `key` with `iv`.
pub fn seal(plaintext: &[u8], key: &SharedKey, iv: &[u8; IV_LEN]) -> Result<Vec<u8>, EncryptError> {
    let aad = enc_structure(CONTEXT, &CONTENT_PROTECTED);
    let ciphertext = super::enc::seal(key.bytes(), iv, &aad, plaintext)?;
    let unprotected = encode(|w| {
        w.map_sorted(vec![
            (
                label::KID,
                encode(|w| {
                    w.bytes(&key.kid().0);
                }),
            ),
            (
                label::IV,
                encode(|w| {
                    w.bytes(iv);
                }),
            ),
        ]);
    });
    let mut w = Writer::with_capacity(ciphertext.len() + 40);
    w.tag(TAG)
        .array(3)
        .bytes(&CONTENT_PROTECTED)
        .raw(&unprotected)
        .bytes(&ciphertext);
    Ok(w.into_bytes())
}
