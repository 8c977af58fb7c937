//! COSE_Encrypt (RFC 9052 §5.1), tag 96, mode 2 (FORMAT.md §13.3): AES-256-GCM
//! content encryption and exactly one recipient using ECDH-ES + HKDF-256
//! (alg -25, direct key agreement) from an ephemeral X25519 key:
//!
//! ```text
//! [ protected: bstr .cbor {1: 3}, unprotected: {5: iv}, ciphertext: bstr,
//!   [ [ protected: bstr .cbor {1: -25},
//!       unprotected: {4: kid, -1: {1: 1, -1: 4, -2: x}},
//!       ciphertext: h'' ] ] ]
//! ```

use zeroize::Zeroizing;

use super::enc::{
    check_protected, check_tag, derive_cek, enc_structure, iv, kid, label, open_array,
    read_unprotected, structure, structure_error, ALG_A256GCM, ALG_ECDH_ES_HKDF_256,
    CONTENT_PROTECTED, IV_LEN, RECIPIENT_PROTECTED,
};
use crate::codec::cbor::{encode, Reader, Writer};
use crate::keys::Kid;
use crate::keys::{EncryptError, ReaderKey, ReaderKeys, ReaderPublicKey, ReaderSecretKey};
use crate::VerifyError;

/// The CBOR tag of COSE_Encrypt.
pub const TAG: u64 = 96;
/// The Enc_structure context.
pub const CONTEXT: &str = "Encrypt";

/// A parsed COSE_Encrypt with its one recipient, borrowing from its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypt<'a> {
    /// The content protected header bytes as received (in the AAD).
    pub protected: &'a [u8],
    /// The 96-bit IV.
    pub iv: [u8; IV_LEN],
    /// Ciphertext || 16-byte tag.
    pub ciphertext: &'a [u8],
    /// The recipient protected header bytes as received (in the KDF context).
    pub recipient_protected: &'a [u8],
    /// The reader kid.
    pub kid: Kid,
    /// The ephemeral X25519 public key.
    pub ephemeral: [u8; 32],
}

impl<'a> Encrypt<'a> {
    /// Parses and checks a tagged COSE_Encrypt (FORMAT.md §13.3 order).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        open_array(&mut r, TAG, "the COSE_Encrypt array", 4)?;
        let protected = r.bytes("the protected header (bstr)").map_err(structure)?;
        let h = read_unprotected(&mut r, &[label::IV])?;
        let ciphertext = r.bytes("the ciphertext (bstr)").map_err(structure)?;
        let n = r.array("the recipients array").map_err(structure)?;
        if n != 1 {
            return Err(structure_error(format!("{n} recipients, not 1")));
        }
        let m = r.array("the COSE_recipient array").map_err(structure)?;
        if m != 3 {
            return Err(structure_error(format!(
                "the COSE_recipient has {m} members, not 3"
            )));
        }
        let recipient_protected = r
            .bytes("the recipient protected header (bstr)")
            .map_err(structure)?;
        let rh = read_unprotected(&mut r, &[label::KID, label::EPHEMERAL_KEY])?;
        let rct = r
            .bytes("the recipient ciphertext (bstr)")
            .map_err(structure)?;
        if !rct.is_empty() {
            return Err(structure_error(
                "the recipient ciphertext must be empty (direct key agreement)",
            ));
        }
        r.finish()?;
        check_protected(protected, ALG_A256GCM)?;
        check_protected(recipient_protected, ALG_ECDH_ES_HKDF_256)?;
        let kid = kid(rh.kid)?;
        let iv = iv(h.iv)?;
        check_tag(ciphertext)?;
        let ephemeral = rh.ephemeral.unwrap_or_else(|| {
            Err(VerifyError::EphemeralKeyInvalid {
                reason: "no ephemeral key (-1) in the recipient header".to_owned(),
            })
        })?;
        if ReaderPublicKey::from_bytes(ephemeral).is_err() {
            return Err(VerifyError::EphemeralKeyInvalid {
                reason: "a small-order X25519 point".to_owned(),
            });
        }
        Ok(Self {
            protected,
            iv,
            ciphertext,
            recipient_protected,
            kid,
            ephemeral,
        })
    }

    fn cek(&self, key: &ReaderSecretKey, recipient_protected: &[u8]) -> Zeroizing<[u8; 32]> {
        let shared = key
            .secret()
            .diffie_hellman(&x25519_dalek::PublicKey::from(self.ephemeral));
        derive_cek(shared.as_bytes(), recipient_protected)
    }

    fn tag_truncated(&self, key: &ReaderSecretKey) -> bool {
        let cek = self.cek(key, self.recipient_protected);
        let aad = enc_structure(CONTEXT, self.protected);
        super::enc::tag_truncated(&cek, &self.iv, &aad, self.ciphertext)
    }

    fn decrypt_with(
        &self,
        key: &ReaderSecretKey,
        protected: &[u8],
        recipient_protected: &[u8],
    ) -> Option<Vec<u8>> {
        let cek = self.cek(key, recipient_protected);
        super::enc::open(
            &cek,
            &self.iv,
            &enc_structure(CONTEXT, protected),
            self.ciphertext,
        )
    }
}

/// Decrypts a COSE_Encrypt body with the X25519 reader key its kid names.
pub fn open(bytes: &[u8], keys: &ReaderKeys) -> Result<Vec<u8>, VerifyError> {
    let e = Encrypt::parse(bytes)?;
    let kid_hex = e.kid;
    let key = match keys.get(&e.kid) {
        None => return Err(VerifyError::ReaderKeyUnknown { kid: kid_hex }),
        Some(ReaderKey::Shared(_)) => {
            return Err(VerifyError::ReaderKeyWrong {
                kid: kid_hex,
                reason: "it is a shared AES key; a COSE_Encrypt needs an X25519 reader key"
                    .to_owned(),
            })
        }
        Some(ReaderKey::X25519(k)) => k,
    };
    if let Some(plain) = e.decrypt_with(key, e.protected, e.recipient_protected) {
        return Ok(plain);
    }
    // Diagnosis only: nothing below is ever accepted.
    let canonical =
        e.protected == CONTENT_PROTECTED && e.recipient_protected == RECIPIENT_PROTECTED;
    if !canonical
        && e.decrypt_with(key, &CONTENT_PROTECTED, &RECIPIENT_PROTECTED)
            .is_some()
    {
        return Err(VerifyError::EncryptHeaderTampered);
    }
    if e.tag_truncated(key) {
        return Err(VerifyError::AuthTagTruncated {
            len: e.ciphertext.len(),
        });
    }
    let other = keys.iter().find_map(|k| match k {
        ReaderKey::X25519(o) if o.kid() != e.kid => e
            .decrypt_with(o, e.protected, e.recipient_protected)
            .map(|_| o.kid()),
        _ => None,
    });
    if let Some(other) = other {
        return Err(VerifyError::ReaderKeyWrong {
            kid: kid_hex,
            reason: format!("it was encrypted to reader key {other} (the kid was altered)"),
        });
    }
    Err(VerifyError::DecryptionFailed { kid: kid_hex })
}

/// Encrypts `plaintext` to `to` with `iv` and the ephemeral secret `ephemeral`.
pub fn seal(
    plaintext: &[u8],
    to: &ReaderPublicKey,
    iv: &[u8; IV_LEN],
    ephemeral: &[u8; 32],
) -> Result<Vec<u8>, EncryptError> {
    let secret = x25519_dalek::StaticSecret::from(*ephemeral);
    let ephemeral_public = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(to.to_bytes()));
    if !shared.was_contributory() {
        return Err(EncryptError::RecipientKey(
            "the X25519 shared secret is zero".to_owned(),
        ));
    }
    let cek: Zeroizing<[u8; 32]> = derive_cek(shared.as_bytes(), &RECIPIENT_PROTECTED);
    let ciphertext = super::enc::seal(
        &cek,
        iv,
        &enc_structure(CONTEXT, &CONTENT_PROTECTED),
        plaintext,
    )?;
    let cose_key = encode(|w| {
        w.map_sorted(vec![
            (
                1,
                encode(|w| {
                    w.int(1);
                }),
            ),
            (
                -1,
                encode(|w| {
                    w.int(4);
                }),
            ),
            (
                -2,
                encode(|w| {
                    w.bytes(&ephemeral_public);
                }),
            ),
        ]);
    });
    let recipient_unprotected = encode(|w| {
        w.map_sorted(vec![
            (
                label::KID,
                encode(|w| {
                    w.bytes(&to.kid().0);
                }),
            ),
            (label::EPHEMERAL_KEY, cose_key),
        ]);
    });
    let unprotected = encode(|w| {
        w.map_sorted(vec![(
            label::IV,
            encode(|w| {
                w.bytes(iv);
            }),
        )]);
    });
    let mut w = Writer::with_capacity(ciphertext.len() + 110);
    w.tag(TAG)
        .array(4)
        .bytes(&CONTENT_PROTECTED)
        .raw(&unprotected)
        .bytes(&ciphertext)
        .array(1)
        .array(3)
        .bytes(&RECIPIENT_PROTECTED)
        .raw(&recipient_unprotected)
        .bytes(&[]);
    Ok(w.into_bytes())
}
