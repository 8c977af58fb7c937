//! SMART Health Cards (feature `shc`): issuers' key sets and revocation lists
//! in a trust store, and a card given as several QR chunks.

use super::trust::amend;
use super::verify::{timestamp, travelcert_verified, travelcert_verifier};
use super::{
    boundary, clear, handle, input, input_str, new_handle, out, slices, travelcert_error,
    travelcert_result, travelcert_slice, travelcert_trust_store, TRAVELCERT_MAX_DOCUMENT_LEN,
    TRAVELCERT_MAX_TEXT_LEN,
};
use crate::verify::shc::MAX_CHUNKS;

/// Builds a new trust store: `store` (or an empty store when NULL) plus the
/// SMART Health Card issuer `url` (`url_len` bytes: the cards' `iss`, https,
/// no trailing slash) with its key set `jwks` (`jwks_len` bytes: the JSON it
/// publishes at `<url>/.well-known/jwks.json`, saved beforehand). A bare key
/// set is unsigned trust data: refused (`TRAVELCERT_RESULT_TRUST_STORE_INVALID`,
/// name `"TrustUnsignedRefused"`) when `store` was loaded from a signed list,
/// which must list the issuer itself (FORMAT.md §15.4).
///
/// On success `*store_out` receives a new store (free it with
/// `travelcert_trust_store_free`); `store` is unchanged. Unreadable input:
/// `TRAVELCERT_RESULT_TRUST_STORE_INVALID` (`"TrustStoreShcIssuerUrl"`,
/// `"TrustStoreShcKeySet"`). Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_trust_store_with_shc_issuer(
    store: *const travelcert_trust_store,
    url: *const u8,
    url_len: usize,
    jwks: *const u8,
    jwks_len: usize,
    store_out: *mut *mut travelcert_trust_store,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        amend(store, store_out, |inner| {
            let url = input_str(url, url_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
            let jwks = input(jwks, jwks_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
            Ok(inner.add_shc_issuer(url, jwks)?)
        })
    })
}

/// Builds a new trust store: `store` (or an empty store when NULL) applying
/// the SMART Health Card revocation list `crl` (`crl_len` bytes: an issuer's
/// `crl/<kid>.json`, method `rid`) to the cards of the key it names, which
/// must be in an issuer's key set already in `store`, with that key's
/// `crlVersion` equal to the list's `ctr`. Unsigned, like a key set: refused
/// (`"TrustUnsignedRefused"`) when `store` was loaded from a signed list.
///
/// On success `*store_out` receives a new store; `store` is unchanged. A list
/// that cannot be applied: `TRAVELCERT_RESULT_TRUST_STORE_INVALID`
/// (`"TrustStoreShcCrl"`). Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_trust_store_with_shc_crl(
    store: *const travelcert_trust_store,
    crl: *const u8,
    crl_len: usize,
    store_out: *mut *mut travelcert_trust_store,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        amend(store, store_out, |inner| {
            Ok(inner.add_shc_crl(input(crl, crl_len, TRAVELCERT_MAX_DOCUMENT_LEN)?)?)
        })
    })
}

/// Verifies one SMART Health Card given as its QR texts (`count` of them,
/// `texts[i]` pointer + length): one `shc:/…` text, or the chunks
/// `shc:/i/n/…` of one card in any order, as `travelcert_scan` returns them
/// from one image (FORMAT.md §15). At most 16 texts.
///
/// Returns `TRAVELCERT_RESULT_OK` only when every check holds; then
/// `*verified_out` receives the verified card (free it with
/// `travelcert_verified_free`). A chunk missing, repeated or of another card:
/// `TRAVELCERT_RESULT_DECODE_TEXT` (`"ShcChunkMissing"`,
/// `"ShcChunkRepeated"`, `"ShcChunkInconsistent"`); every other failure as
/// `travelcert_verify` reports it. Thread-safe on a shared verifier.
#[no_mangle]
pub extern "C" fn travelcert_verify_shc_texts(
    verifier: *const travelcert_verifier,
    texts: *const travelcert_slice,
    count: usize,
    now_unix: i64,
    verified_out: *mut *mut travelcert_verified,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(verified_out, std::ptr::null_mut());
        let verified_out = out(verified_out)?;
        let verifier = handle(verifier)?;
        let texts = slices(texts, count, MAX_CHUNKS, "SMART Health Card chunks")?
            .iter()
            .map(|s| input_str(s.data, s.len, TRAVELCERT_MAX_TEXT_LEN))
            .collect::<Result<Vec<&str>, _>>()?;
        let now = timestamp(now_unix)?;
        let verified = verifier.inner.verify_shc_texts(&texts, now)?;
        verified_out.set(new_handle(travelcert_verified::new(verified)));
        Ok(())
    })
}
