//! Verifying and inspecting certificate texts.

use std::ffi::c_char;
use std::sync::OnceLock;

use super::{
    boundary, clear, free_handle, give_bytes, give_str, handle, input_str, invalid, new_handle,
    out, slices, travelcert_bytes, travelcert_error, travelcert_result, travelcert_slice,
    travelcert_trust_store, Failure, TRAVELCERT_MAX_BATCH, TRAVELCERT_MAX_INFLATE_LIMIT,
    TRAVELCERT_MAX_TEXT_LEN,
};
use crate::codec::zlib::DEFAULT_INFLATE_LIMIT;
use crate::model::Timestamp;
use crate::verify::{inspect, Verified, Verifier, VerifyOptions};

/// A verifier: a trust store and options.
///
/// Immutable: safe to share between threads and to verify with from several
/// threads at once (a verifier app makes one and shares it). Free it once, from
/// any thread, when no thread uses it any more.
#[derive(Debug)]
pub struct travelcert_verifier {
    pub(crate) inner: Verifier,
}

/// A certificate whose signature, trust and validity all held.
///
/// Read-only: safe to read from several threads at once. A verified
/// certificate from `travelcert_verify` is owned by the caller (free it with
/// `travelcert_verified_free`); one from `travelcert_batch_get` is borrowed from
/// the batch and must not be freed.
#[derive(Debug)]
pub struct travelcert_verified {
    pub(crate) inner: Verified,
    kid: String,
    certificate_id: String,
    date_of_birth: String,
    json: OnceLock<Option<String>>,
}

/// The results of one batch verification, one per input text, in order.
///
/// Read-only: safe to read from several threads at once. Free it with
/// `travelcert_batch_free`, which also frees the certificates and errors it
/// lends out.
#[derive(Debug)]
pub struct travelcert_batch {
    items: Vec<Result<travelcert_verified, travelcert_error>>,
}

/// The text fields of a verified certificate, for
/// `travelcert_verified_field`. C passes the value as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum travelcert_field {
    /// The holder's name in the native script (e.g. `王小明`); empty when absent.
    HolderNativeName = 1,
    /// ICAO 9303 primary identifier (surname), upper-case Latin.
    HolderPrimaryName = 2,
    /// ICAO 9303 secondary identifier (given names), upper-case Latin; may be empty.
    HolderSecondaryName = 3,
    /// The travel document number.
    DocumentNumber = 4,
    /// The holder's date of birth, `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    DateOfBirth = 5,
    /// The holder's nationality, ICAO 9303 code (`CHN`).
    Nationality = 6,
    /// The issuing country, ISO 3166-1 alpha-2 (`CN`).
    Issuer = 7,
    /// The certificate id, lower-case hex.
    CertificateId = 8,
    /// The key id of the key that verified it, lower-case hex.
    Kid = 9,
}

impl travelcert_field {
    const ALL: [Self; 9] = [
        Self::HolderNativeName,
        Self::HolderPrimaryName,
        Self::HolderSecondaryName,
        Self::DocumentNumber,
        Self::DateOfBirth,
        Self::Nationality,
        Self::Issuer,
        Self::CertificateId,
        Self::Kid,
    ];
}

impl travelcert_verified {
    pub(super) fn new(inner: Verified) -> Self {
        Self {
            kid: inner.kid().to_string(),
            certificate_id: inner.certificate().certificate_id.to_string(),
            date_of_birth: inner.certificate().record.holder.date_of_birth.to_string(),
            inner,
            json: OnceLock::new(),
        }
    }

    fn field(&self, field: travelcert_field) -> &str {
        let holder = &self.inner.certificate().record.holder;
        match field {
            travelcert_field::HolderNativeName => holder.native_name.as_deref().unwrap_or(""),
            travelcert_field::HolderPrimaryName => &holder.primary_name,
            travelcert_field::HolderSecondaryName => &holder.secondary_name,
            travelcert_field::DocumentNumber => &holder.document_number,
            travelcert_field::DateOfBirth => &self.date_of_birth,
            travelcert_field::Nationality => holder.nationality.as_str(),
            travelcert_field::Issuer => self.inner.certificate().issuer.as_str(),
            travelcert_field::CertificateId => &self.certificate_id,
            travelcert_field::Kid => &self.kid,
        }
    }
}

pub(super) fn timestamp(unix: i64) -> Result<Timestamp, Failure> {
    Timestamp::from_unix(unix).map_err(|e| invalid(e.to_string()))
}

/// Makes a verifier with default options (64 KiB inflate limit, 300 s clock
/// skew) from a copy of `store`; `store` may be freed afterwards.
///
/// On success `*verifier_out` receives a new verifier (free it with
/// `travelcert_verifier_free`); on failure it is NULL.
#[no_mangle]
pub extern "C" fn travelcert_verifier_new(
    store: *const travelcert_trust_store,
    verifier_out: *mut *mut travelcert_verifier,
) -> travelcert_result {
    travelcert_verifier_new_with_options(store, 300, DEFAULT_INFLATE_LIMIT, verifier_out)
}

/// Like `travelcert_verifier_new` with options: `clock_skew_seconds` of clock
/// difference tolerated on the issue and expiry times (0 to 86400), and the
/// most bytes a compressed body may inflate to (`inflate_limit`, 1 to
/// `TRAVELCERT_MAX_INFLATE_LIMIT`). Out-of-range values give
/// `TRAVELCERT_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn travelcert_verifier_new_with_options(
    store: *const travelcert_trust_store,
    clock_skew_seconds: i64,
    inflate_limit: usize,
    verifier_out: *mut *mut travelcert_verifier,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(verifier_out, std::ptr::null_mut());
        let verifier_out = out(verifier_out)?;
        let store = handle(store)?;
        if !(0..=86_400).contains(&clock_skew_seconds) {
            return Err(invalid(format!(
                "clock skew {clock_skew_seconds} s is outside 0..=86400"
            )));
        }
        if !(1..=TRAVELCERT_MAX_INFLATE_LIMIT).contains(&inflate_limit) {
            return Err(invalid(format!(
                "inflate limit {inflate_limit} is outside 1..={TRAVELCERT_MAX_INFLATE_LIMIT}"
            )));
        }
        let options = VerifyOptions {
            inflate_limit,
            clock_skew: clock_skew_seconds,
        };
        verifier_out.set(new_handle(travelcert_verifier {
            inner: Verifier::with_options(store.inner.clone(), options),
        }));
        Ok(())
    })
}

/// Frees a verifier. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_verifier_free(verifier: *mut travelcert_verifier) {
    free_handle(verifier)
}

/// Verifies the certificate text (`text_len` bytes of UTF-8 at `text`, at most
/// `TRAVELCERT_MAX_TEXT_LEN`) at the instant `now_unix` (Unix seconds).
///
/// Returns `TRAVELCERT_RESULT_OK` only when every check holds; then
/// `*verified_out` receives a new verified certificate (free it with
/// `travelcert_verified_free`). Otherwise `*verified_out` is NULL, the code
/// says why (its kind: decode, signature, untrusted key, validity…) and, if
/// `error_out` is not NULL, `*error_out` receives the error with the precise
/// `VerifyError` name (e.g. `"Base45InvalidCharacter"`). Thread-safe on a
/// shared verifier.
#[no_mangle]
pub extern "C" fn travelcert_verify(
    verifier: *const travelcert_verifier,
    text: *const u8,
    text_len: usize,
    now_unix: i64,
    verified_out: *mut *mut travelcert_verified,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(verified_out, std::ptr::null_mut());
        let verified_out = out(verified_out)?;
        let verifier = handle(verifier)?;
        let text = input_str(text, text_len, TRAVELCERT_MAX_TEXT_LEN)?;
        let now = timestamp(now_unix)?;
        let verified = verifier.inner.verify(text, now)?;
        verified_out.set(new_handle(travelcert_verified::new(verified)));
        Ok(())
    })
}

/// Verifies `count` texts at once (`texts[i]` is pointer + length), checking
/// the signatures together with Ed25519 batch verification, at `now_unix`.
///
/// Returns `TRAVELCERT_RESULT_OK` when the call itself worked (`texts` not
/// NULL, `count` at most `TRAVELCERT_MAX_BATCH`, a valid time); then
/// `*batch_out` receives one result per text, read with `travelcert_batch_get`
/// and freed with `travelcert_batch_free`. Each result equals what
/// `travelcert_verify` gives for that text; a text with a NULL pointer, too
/// long or not UTF-8 fails alone with the matching code.
#[no_mangle]
pub extern "C" fn travelcert_verify_batch(
    verifier: *const travelcert_verifier,
    texts: *const travelcert_slice,
    count: usize,
    now_unix: i64,
    batch_out: *mut *mut travelcert_batch,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(batch_out, std::ptr::null_mut());
        let batch_out = out(batch_out)?;
        let verifier = handle(verifier)?;
        let slices = slices(texts, count, TRAVELCERT_MAX_BATCH, "texts")?;
        let now = timestamp(now_unix)?;
        let decoded: Vec<Result<&str, Failure>> = slices
            .iter()
            .map(|s| input_str(s.data, s.len, TRAVELCERT_MAX_TEXT_LEN))
            .collect();
        let good: Vec<&str> = decoded
            .iter()
            .filter_map(|d| d.as_ref().ok().copied())
            .collect();
        let mut verified = verifier.inner.verify_batch(&good, now).into_iter();
        let mut items = Vec::with_capacity(count);
        for d in decoded {
            items.push(match d {
                Err(failure) => Err(failure),
                Ok(_) => match verified.next() {
                    Some(Ok(v)) => Ok(travelcert_verified::new(v)),
                    Some(Err(e)) => Err(travelcert_error::from(e)),
                    None => Err(Failure::plain(travelcert_result::Internal, "Internal")),
                },
            });
        }
        batch_out.set(new_handle(travelcert_batch { items }));
        Ok(())
    })
}

/// Writes the number of results in `batch` to `*count_out`.
#[no_mangle]
pub extern "C" fn travelcert_batch_len(
    batch: *const travelcert_batch,
    count_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(count_out, 0);
        let count_out = out(count_out)?;
        count_out.set(handle(batch)?.items.len());
        Ok(())
    })
}

/// Reads result `index` of `batch`: `*code_out` receives its code; when that
/// is `TRAVELCERT_RESULT_OK`, `*verified_out` points to the verified
/// certificate and `*error_out` is NULL, otherwise `*verified_out` is NULL and
/// `*error_out` points to the error. Both are borrowed from the batch: valid
/// until `travelcert_batch_free`, never freed by the caller.
///
/// Returns `TRAVELCERT_RESULT_OK` when the result was read,
/// `TRAVELCERT_RESULT_INDEX_OUT_OF_RANGE` for `index >= len`,
/// `TRAVELCERT_RESULT_NULL_PARAMETER` for a NULL argument.
#[no_mangle]
pub extern "C" fn travelcert_batch_get(
    batch: *const travelcert_batch,
    index: usize,
    code_out: *mut travelcert_result,
    verified_out: *mut *const travelcert_verified,
    error_out: *mut *const travelcert_error,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(code_out, travelcert_result::Internal);
        clear(verified_out, std::ptr::null());
        clear(error_out, std::ptr::null());
        let (code_out, verified_out, error_out) =
            (out(code_out)?, out(verified_out)?, out(error_out)?);
        let batch = handle(batch)?;
        let item = batch.items.get(index).ok_or_else(|| {
            Failure::new(
                travelcert_result::IndexOutOfRange,
                "IndexOutOfRange",
                format!("index {index} of a batch of {}", batch.items.len()),
            )
        })?;
        match item {
            Ok(v) => {
                code_out.set(travelcert_result::Ok);
                verified_out.set(v);
            }
            Err(e) => {
                code_out.set(e.code);
                error_out.set(e);
            }
        }
        Ok(())
    })
}

/// Frees a batch and everything it lends out. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_batch_free(batch: *mut travelcert_batch) {
    free_handle(batch)
}

/// The verified certificate as JSON (UTF-8, not NUL-terminated): the
/// certificate, the kid, the key's country, the algorithm and the body form.
/// Borrowed: `*json_out` lives as long as `verified`. Made on first use.
#[no_mangle]
pub extern "C" fn travelcert_verified_json(
    verified: *const travelcert_verified,
    json_out: *mut *const c_char,
    len_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(json_out, std::ptr::null());
        clear(len_out, 0);
        let v = handle(verified)?;
        let json = v
            .json
            .get_or_init(|| serde_json::to_string(&v.inner).ok())
            .as_deref()
            .ok_or_else(|| Failure::plain(travelcert_result::Internal, "Internal"))?;
        give_str(json, json_out, len_out)
    })
}

/// A text field of the verified certificate (`field` is a
/// `travelcert_field` value), UTF-8, not NUL-terminated, borrowed: lives as
/// long as `verified`. An absent native name gives an empty string. An
/// unknown `field` gives `TRAVELCERT_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn travelcert_verified_field(
    verified: *const travelcert_verified,
    field: u32,
    text_out: *mut *const c_char,
    len_out: *mut usize,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(text_out, std::ptr::null());
        clear(len_out, 0);
        let v = handle(verified)?;
        let field = travelcert_field::ALL
            .iter()
            .copied()
            .find(|f| *f as u32 == field)
            .ok_or_else(|| invalid(format!("{field} is not a travelcert_field")))?;
        give_str(v.field(field), text_out, len_out)
    })
}

/// The issue time (`*issued_at_out`) and expiry time (`*expires_at_out`) of
/// the verified certificate, in Unix seconds.
#[no_mangle]
pub extern "C" fn travelcert_verified_validity(
    verified: *const travelcert_verified,
    issued_at_out: *mut i64,
    expires_at_out: *mut i64,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(issued_at_out, 0);
        clear(expires_at_out, 0);
        let (issued, expires) = (out(issued_at_out)?, out(expires_at_out)?);
        let c = &handle(verified)?.inner.certificate();
        issued.set(c.issued_at.unix());
        expires.set(c.expires_at.unix());
        Ok(())
    })
}

/// Frees a verified certificate from `travelcert_verify`. NULL does nothing.
/// Never pass one borrowed from a batch.
#[no_mangle]
pub extern "C" fn travelcert_verified_free(verified: *mut travelcert_verified) {
    free_handle(verified)
}

/// Decodes a certificate text WITHOUT verifying its signature, trust or
/// validity, for showing what a code says; never decide anything on it.
///
/// On success `*json_out` receives the JSON (with `"verified": false`) as a new
/// buffer (free it with `travelcert_bytes_free`). On failure it is `{NULL, 0}`,
/// the code says why and `*error_out` (if not NULL) has the `VerifyError` name.
#[no_mangle]
pub extern "C" fn travelcert_inspect(
    text: *const u8,
    text_len: usize,
    json_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(json_out, travelcert_bytes::EMPTY);
        out(json_out)?;
        let text = input_str(text, text_len, TRAVELCERT_MAX_TEXT_LEN)?;
        let unverified = inspect(text, DEFAULT_INFLATE_LIMIT)?;
        let json = serde_json::to_string(&unverified)
            .map_err(|e| Failure::new(travelcert_result::Internal, "Internal", e.to_string()))?;
        give_bytes(json_out, json.as_bytes())
    })
}

/// The verify entry point goes through the library's one dispatch: built
/// with `hcert`, an `HC1:` text verifies against the store's DSCs.
#[cfg(all(test, feature = "hcert"))]
mod hcert_tests {
    use super::*;

    fn case() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/dgc-testdata/DE/1.json"
        );
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn travelcert_verify_reads_hc1() {
        use base64ct::Encoding;
        let case = case();
        let der =
            base64ct::Base64::decode_vec(case["TESTCTX"]["CERTIFICATE"].as_str().unwrap()).unwrap();
        let mut store = crate::trust::TrustStore::new();
        store
            .add_dsc(crate::trust::Dsc::from_der(&der).unwrap())
            .unwrap();
        let verifier = new_handle(travelcert_verifier {
            inner: Verifier::new(store),
        });
        let text = case["PREFIX"].as_str().unwrap();
        // 2021-06-01T18:00:00Z, the case's clock.
        let now = 1_622_570_400;
        let mut verified: *mut travelcert_verified = std::ptr::null_mut();
        let mut error: *mut travelcert_error = std::ptr::null_mut();
        let code = travelcert_verify(
            verifier,
            text.as_ptr(),
            text.len(),
            now,
            &mut verified,
            &mut error,
        );
        assert_eq!(code, travelcert_result::Ok);
        let (mut json, mut len) = (std::ptr::null(), 0);
        assert_eq!(
            travelcert_verified_json(verified, &mut json, &mut len),
            travelcert_result::Ok
        );
        // SAFETY: the library lent `len` bytes at `json`, alive with `verified`.
        let json = unsafe { std::slice::from_raw_parts(json.cast::<u8>(), len) };
        let json: serde_json::Value = serde_json::from_slice(json).unwrap();
        assert_eq!(json["format"], "eu-dcc");
        travelcert_verified_free(verified);
        // An empty HC1: text: the library's error comes through.
        let code = travelcert_verify(
            verifier,
            b"HC1:".as_ptr(),
            4,
            now,
            &mut verified,
            &mut error,
        );
        assert_eq!(code, travelcert_result::DecodeText);
        assert_eq!(
            crate::ffi::travelcert_error_code(error),
            travelcert_result::DecodeText
        );
        crate::ffi::travelcert_error_free(error);
        travelcert_verifier_free(verifier);
    }
}
