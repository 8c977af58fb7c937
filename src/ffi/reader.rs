//! Reader keys for encrypted certificates (feature `encrypt`, FORMAT.md §13):
//! a set of keys loaded from reader key files, attached to a verifier as the
//! CLI's `verify --reader-key FILE` does.

use super::verify::travelcert_verifier;
use super::{
    boundary, clear, free_handle, handle, input, new_handle, null, out, travelcert_error,
    travelcert_result, Failure, TRAVELCERT_MAX_DOCUMENT_LEN,
};
use crate::encrypt::{EncryptError, ReaderKey, ReaderKeyError, ReaderKeys};

/// The reader keys a verifier decrypts encrypted certificates with: shared
/// AES-256-GCM keys (mode 1) and X25519 secret keys (mode 2), looked up by kid.
///
/// Filled with `travelcert_reader_keys_add_json`, which needs exclusive use;
/// once filled it is only read: safe to read from several threads, and to
/// move and free on another thread. The secret keys are zeroized when it is
/// freed.
#[derive(Debug, Default)]
pub struct travelcert_reader_keys {
    inner: ReaderKeys,
}

/// The stable name of a reader key file error.
fn reader_key_name(e: &ReaderKeyError) -> &'static str {
    match e {
        ReaderKeyError::Json(_) => "ReaderKeyJson",
        ReaderKeyError::Field { .. } => "ReaderKeyField",
        ReaderKeyError::KidMismatch { .. } => "ReaderKeyKidMismatch",
        ReaderKeyError::PublicMismatch => "ReaderKeyPublicMismatch",
        ReaderKeyError::WeakKey => "ReaderKeyWeak",
        ReaderKeyError::PublicOnly => "ReaderKeyPublicOnly",
    }
}

impl From<ReaderKeyError> for travelcert_error {
    fn from(e: ReaderKeyError) -> Self {
        Failure::new(
            travelcert_result::KeyInvalid,
            reader_key_name(&e),
            e.to_string(),
        )
    }
}

impl From<EncryptError> for travelcert_error {
    fn from(e: EncryptError) -> Self {
        let (code, name) = match &e {
            EncryptError::RecipientKey(_) => (travelcert_result::KeyInvalid, "EncryptRecipientKey"),
            EncryptError::Random(_) => (travelcert_result::IssueRandomFailed, "EncryptRandom"),
            // Neither can happen to a certificate the issuer has just made.
            EncryptError::NotPlain(_) => (travelcert_result::Internal, "EncryptNotPlain"),
            EncryptError::Cipher => (travelcert_result::Internal, "EncryptCipher"),
        };
        Failure::new(code, name, e.to_string())
    }
}

/// Makes an empty set of reader keys. On success `*keys_out` receives it
/// (free it with `travelcert_reader_keys_free`).
#[no_mangle]
pub extern "C" fn travelcert_reader_keys_new(
    keys_out: *mut *mut travelcert_reader_keys,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(keys_out, std::ptr::null_mut());
        out(keys_out)?.set(new_handle(travelcert_reader_keys::default()));
        Ok(())
    })
}

/// Adds the key in a reader key file (`json_len` bytes of JSON at `json`,
/// FORMAT.md §13.4): `{"kind": "aes-256-gcm", …}` (a shared key, mode 1) or
/// `{"kind": "x25519-secret", …}` (a reader's key pair, mode 2), as
/// `travelcert keygen --reader` writes them. A key whose kid is already held
/// is ignored (the first wins). Needs exclusive use of `keys`: do not call it
/// while another thread uses `keys` or a verifier is being made from it.
///
/// Failures: `TRAVELCERT_RESULT_KEY_INVALID` with the name `ReaderKeyJson`,
/// `ReaderKeyField`, `ReaderKeyKidMismatch`, `ReaderKeyPublicMismatch`,
/// `ReaderKeyWeak`, or `ReaderKeyPublicOnly` (an `x25519-public` file, which
/// an issuer encrypts to but which cannot decrypt); `keys` is then unchanged.
#[no_mangle]
pub extern "C" fn travelcert_reader_keys_add_json(
    keys: *mut travelcert_reader_keys,
    json: *const u8,
    json_len: usize,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        // SAFETY: the caller passes NULL or a live handle it does not share
        // during this call.
        let keys = unsafe { keys.as_mut() }.ok_or_else(null)?;
        let json = input(json, json_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        keys.inner.add(ReaderKey::from_json(json)?);
        Ok(())
    })
}

/// Writes the number of keys in `keys` to `*count_out`.
#[no_mangle]
pub extern "C" fn travelcert_reader_keys_len(
    keys: *const travelcert_reader_keys,
    count_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(count_out, 0);
        let count_out = out(count_out)?;
        count_out.set(handle(keys)?.inner.len());
        Ok(())
    })
}

/// Frees a set of reader keys, zeroizing the secrets. NULL does nothing.
/// Verifiers made with it keep their own copy.
#[no_mangle]
pub extern "C" fn travelcert_reader_keys_free(keys: *mut travelcert_reader_keys) {
    free_handle(keys)
}

/// Makes a new verifier that is `verifier` (its trust store, options and
/// revocation list) holding a copy of `keys` as its reader keys, replacing
/// any it held. With them it decrypts certificates encrypted to one of the
/// keys and then verifies them as usual; an encrypted certificate for a key
/// it does not hold fails with `TRAVELCERT_RESULT_READER_KEY_UNAVAILABLE`
/// (`ReaderKeyUnknown`, `ReaderKeyWrong`). Both inputs stay usable and are
/// freed separately. On success `*verifier_out` receives the new verifier
/// (free it with `travelcert_verifier_free`). Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_verifier_with_reader_keys(
    verifier: *const travelcert_verifier,
    keys: *const travelcert_reader_keys,
    verifier_out: *mut *mut travelcert_verifier,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(verifier_out, std::ptr::null_mut());
        let verifier_out = out(verifier_out)?;
        let verifier = handle(verifier)?;
        let keys = handle(keys)?;
        let inner = verifier.inner.clone().with_reader_keys(keys.inner.clone());
        verifier_out.set(new_handle(travelcert_verifier { inner }));
        Ok(())
    })
}
