//! Issuing certificates from a PKCS#8 key and record JSON.

use super::{
    boundary, clear, free_handle, give_bytes, handle, input, input_str, invalid, new_handle, out,
    travelcert_bytes, travelcert_error, travelcert_result, Failure, TRAVELCERT_MAX_DOCUMENT_LEN,
};
use crate::issue::{Ed25519Signer, IssueParams, Issuer};
use crate::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use crate::trust::{TrustStore, TrustedKey};

/// An issuer: a signing key and the issuing country.
///
/// NOT safe to use from two threads at once (it reuses one compressor): use
/// one issuer per thread, or lock around `travelcert_issuer_issue`. It may be
/// moved to, used on and freed from another thread. The secret key is
/// zeroized when it is freed.
pub struct travelcert_issuer {
    inner: Issuer<Ed25519Signer>,
    country: CountryCode,
}

/// Makes an issuer from an Ed25519 secret key in PKCS#8 PEM
/// (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm ed25519`
/// writes it; `pem_len` bytes at `pem`) for the issuing country `country`
/// (ISO 3166-1 alpha-2, `country_len` bytes, e.g. `"CN"`).
///
/// On success `*issuer_out` receives a new issuer (free it with
/// `travelcert_issuer_free`); on failure it is NULL and `*error_out` (if not
/// NULL) says why (`TRAVELCERT_RESULT_KEY_INVALID`, or
/// `TRAVELCERT_RESULT_INVALID_ARGUMENT` for the country).
#[no_mangle]
pub extern "C" fn travelcert_issuer_from_pkcs8_pem(
    pem: *const u8,
    pem_len: usize,
    country: *const u8,
    country_len: usize,
    issuer_out: *mut *mut travelcert_issuer,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(issuer_out, std::ptr::null_mut());
        let issuer_out = out(issuer_out)?;
        let pem = input_str(pem, pem_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let country = input_str(country, country_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let country = CountryCode::new(country).map_err(|e| invalid(e.to_string()))?;
        let signer = Ed25519Signer::from_pkcs8_pem(pem)?;
        issuer_out.set(new_handle(travelcert_issuer {
            inner: Issuer::new(signer, country),
            country,
        }));
        Ok(())
    })
}

/// Issues a certificate for the health record in `record_json`
/// (`record_len` bytes of JSON, FORMAT.md "Record JSON"), issued at
/// `issued_at_unix` (Unix seconds) and valid for `valid_for_seconds`.
/// `certificate_id` (`certificate_id_len` bytes, 8 to 16) fixes the id; pass
/// NULL and 0 for a random one.
///
/// On success `*text_out` receives the certificate text `TC1:…` as a new
/// buffer (also NUL-terminated; free it with `travelcert_bytes_free`). On
/// failure it is `{NULL, 0}` and `*error_out` (if not NULL) says why
/// (`TRAVELCERT_RESULT_ISSUE_RECORD_INVALID`, `…_ISSUE_VALIDITY_INVALID`, …).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn travelcert_issuer_issue(
    issuer: *const travelcert_issuer,
    record_json: *const u8,
    record_len: usize,
    issued_at_unix: i64,
    valid_for_seconds: i64,
    certificate_id: *const u8,
    certificate_id_len: usize,
    text_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(text_out, travelcert_bytes::EMPTY);
        out(text_out)?;
        let issuer = handle(issuer)?;
        let json = input(record_json, record_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let record: HealthRecord = serde_json::from_slice(json).map_err(|e| {
            Failure::new(
                travelcert_result::IssueRecordInvalid,
                "IssueRecordJson",
                format!("record JSON: {e}"),
            )
        })?;
        let issued_at = Timestamp::from_unix(issued_at_unix).map_err(|e| invalid(e.to_string()))?;
        let mut params = IssueParams::new(issued_at, valid_for_seconds);
        if !certificate_id.is_null() || certificate_id_len != 0 {
            let id = input(certificate_id, certificate_id_len, CertificateId::MAX_LEN)
                .and_then(|b| CertificateId::new(b).map_err(|e| invalid(e.to_string())))?;
            params = params.with_id(id);
        }
        let issued = issuer.inner.issue(&record, &params)?;
        give_bytes(text_out, issued.text.as_bytes())
    })
}

/// Writes a trust store JSON document that trusts this issuer's public key
/// for its country and every record kind, as a new buffer to `*json_out`
/// (free it with `travelcert_bytes_free`). Load it with
/// `travelcert_trust_store_from_json`.
#[no_mangle]
pub extern "C" fn travelcert_issuer_trust_store_json(
    issuer: *const travelcert_issuer,
    json_out: *mut travelcert_bytes,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(json_out, travelcert_bytes::EMPTY);
        out(json_out)?;
        let issuer = handle(issuer)?;
        let mut store = TrustStore::new();
        store.add(TrustedKey::new(issuer.inner.public_key(), issuer.country));
        give_bytes(json_out, store.to_json().as_bytes())
    })
}

/// Frees an issuer, zeroizing its secret key. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_issuer_free(issuer: *mut travelcert_issuer) {
    free_handle(issuer)
}
