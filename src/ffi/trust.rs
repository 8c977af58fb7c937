//! Trust data: the issuer keys a verifier accepts.
//!
//! Two distinct entry points, never chosen by sniffing bytes: the unsigned
//! JSON store here (for a verifier with no root keys), and signed trust lists
//! (src/ffi/offline.rs), which a verifier with root keys must use for every
//! trust input (FORMAT.md §12.6).

use super::TRAVELCERT_MAX_DOCUMENT_LEN;
use super::{
    boundary, clear, free_handle, handle, input, new_handle, out, travelcert_error,
    travelcert_result,
};
use crate::trust::TrustStore;

/// A loaded trust store: the issuer public keys a verifier accepts.
///
/// Immutable once loaded: safe to use from several threads at once, and to
/// free from any thread once no other thread uses it.
#[derive(Debug, Clone)]
pub struct travelcert_trust_store {
    pub(crate) inner: TrustStore,
}

/// Loads a trust store from its JSON form (FORMAT.md, "Trust store"),
/// `json_len` bytes at `json`, checking every key. The JSON store is
/// unsigned: a verifier configured with root keys must load its trust data
/// with `travelcert_trust_store_from_signed_list_with_state` instead.
///
/// On success `*store_out` receives a new store (free it with
/// `travelcert_trust_store_free`). On failure `*store_out` is NULL and, if
/// `error_out` is not NULL, `*error_out` receives the error
/// (`TRAVELCERT_RESULT_TRUST_STORE_INVALID`, name e.g. `"TrustStoreKey"`).
#[no_mangle]
pub extern "C" fn travelcert_trust_store_from_json(
    json: *const u8,
    json_len: usize,
    store_out: *mut *mut travelcert_trust_store,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(store_out, std::ptr::null_mut());
        let store_out = out(store_out)?;
        let json = input(json, json_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let inner = TrustStore::from_json(json)?;
        store_out.set(new_handle(travelcert_trust_store { inner }));
        Ok(())
    })
}

/// A new trust store: `store` (NULL: an empty one) plus the document signer
/// certificates (DSC) of `dsc` (`dsc_len` bytes: PEM, DER or the EU
/// gateway's trust-list JSON), for `HC1:` certificates (FORMAT.md §14.4).
///
/// `csca` (`csca_len` bytes, PEM with one or more certificates, or DER)
/// gives country signing CAs the DSCs must chain to; a DSC that does not is
/// kept but every certificate it signed fails with the chain's error
/// (`HcertDscNotChained`, `HcertCsca*`). With `csca` NULL the DSCs are bare,
/// unsigned trust data: refused (`TRAVELCERT_RESULT_TRUST_STORE_INVALID`,
/// name `"TrustUnsignedRefused"`) when `store` was loaded from a signed list,
/// whose root must then vouch for every DSC (inside the list, or through a
/// CSCA).
///
/// On success `*store_out` receives a new store (free it with
/// `travelcert_trust_store_free`); `store` is unchanged. Unreadable input:
/// `TRAVELCERT_RESULT_TRUST_STORE_INVALID` (`"TrustStoreDsc"`,
/// `"TrustStoreDscKeyUnsupported"`, `"TrustStoreCsca"`). Thread-safe.
#[cfg(feature = "hcert")]
#[no_mangle]
pub extern "C" fn travelcert_trust_store_with_dsc(
    store: *const travelcert_trust_store,
    dsc: *const u8,
    dsc_len: usize,
    csca: *const u8,
    csca_len: usize,
    store_out: *mut *mut travelcert_trust_store,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        amend(store, store_out, |inner| {
            let cscas = if csca.is_null() {
                Vec::new()
            } else {
                crate::trust::Csca::load(input(csca, csca_len, TRAVELCERT_MAX_DOCUMENT_LEN)?)?
            };
            inner.add_dscs(input(dsc, dsc_len, TRAVELCERT_MAX_DOCUMENT_LEN)?, &cscas)?;
            Ok(())
        })
    })
}

/// The `_with_*` entry points' common part: a copy of `store` (an empty store
/// when NULL) changed by `change`, given to `*store_out` when it succeeds.
#[cfg(any(feature = "hcert", feature = "shc"))]
pub(super) fn amend(
    store: *const travelcert_trust_store,
    store_out: *mut *mut travelcert_trust_store,
    change: impl FnOnce(&mut TrustStore) -> super::Outcome,
) -> super::Outcome {
    clear(store_out, std::ptr::null_mut());
    let store_out = out(store_out)?;
    let mut inner = if store.is_null() {
        TrustStore::new()
    } else {
        handle(store)?.inner.clone()
    };
    change(&mut inner)?;
    store_out.set(new_handle(travelcert_trust_store { inner }));
    Ok(())
}

/// Writes the number of keys in `store` to `*count_out`.
#[no_mangle]
pub extern "C" fn travelcert_trust_store_len(
    store: *const travelcert_trust_store,
    count_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(count_out, 0);
        let count_out = out(count_out)?;
        count_out.set(handle(store)?.inner.len());
        Ok(())
    })
}

/// Frees a trust store. NULL does nothing. Verifiers made from it keep their
/// own copy and stay usable.
#[no_mangle]
pub extern "C" fn travelcert_trust_store_free(store: *mut travelcert_trust_store) {
    free_handle(store)
}
