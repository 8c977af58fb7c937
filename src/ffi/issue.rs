//! Issuing certificates from a PKCS#8 key and record JSON (feature `issue`).

use super::{
    boundary, clear, free_handle, give_bytes, handle, input, input_str, invalid, new_handle, null,
    out, travelcert_bytes, travelcert_error, travelcert_result, Failure,
    TRAVELCERT_MAX_DOCUMENT_LEN,
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

/// `travelcert_issue_options.flags`: carry the infection history and the
/// recovery NATs of the record (FORMAT.md, record keys 6 and 7). Without it a
/// record that has them is refused with `IssueHistoryNotRequested`.
pub const TRAVELCERT_ISSUE_INCLUDE_HISTORY: u64 = 1;

/// Every flag this library knows.
const KNOWN_FLAGS: u64 = TRAVELCERT_ISSUE_INCLUDE_HISTORY;

/// The largest `size` accepted in `travelcert_issue_options`.
const MAX_OPTIONS_SIZE: usize = 4096;

/// How to issue one certificate, for `travelcert_issuer_issue_with_options`.
///
/// The struct grows at its end in later versions. Zero it, set `size` to
/// `sizeof(travelcert_issue_options)`, then set the fields you need:
///
/// ```c
/// travelcert_issue_options o;
/// memset(&o, 0, sizeof o);
/// o.size = sizeof o;
/// o.issued_at_unix = now;
/// o.valid_for_seconds = 48 * 3600;
/// ```
///
/// A zero field means its default. A library older than the header reads
/// the fields it knows and refuses (`TRAVELCERT_RESULT_UNSUPPORTED`) a
/// non-zero field it does not know.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct travelcert_issue_options {
    /// `sizeof(travelcert_issue_options)` as the caller compiled it.
    pub size: usize,
    /// The issue time, Unix seconds.
    pub issued_at_unix: i64,
    /// How long the certificate is valid, in seconds (more than 0).
    pub valid_for_seconds: i64,
    /// The certificate id (`certificate_id_len` bytes, 8 to 16); NULL and 0
    /// for a random one.
    pub certificate_id: *const u8,
    /// How many bytes `certificate_id` has.
    pub certificate_id_len: usize,
    /// A reader key file to encrypt the certificate to (`encrypt_to_len`
    /// bytes of JSON, FORMAT.md §13.4): `x25519-public` (or `x25519-secret`)
    /// gives a COSE_Encrypt to that reader (mode 2), `aes-256-gcm` a
    /// COSE_Encrypt0 under the shared key (mode 1). NULL and 0: not
    /// encrypted. Needs feature `encrypt` (else
    /// `TRAVELCERT_RESULT_UNSUPPORTED`).
    pub encrypt_to: *const u8,
    /// How many bytes `encrypt_to` has.
    pub encrypt_to_len: usize,
    /// `TRAVELCERT_ISSUE_*` flags, or-ed; 0 for none.
    pub flags: u64,
}

fn unsupported(message: String) -> Failure {
    Failure::new(travelcert_result::Unsupported, "Unsupported", message)
}

impl travelcert_issue_options {
    /// Reads the caller's options: `size` first, then the bytes of the fields
    /// this library knows; any bytes past them must be zero.
    fn read(ptr: *const Self) -> Result<Self, Failure> {
        if ptr.is_null() {
            return Err(null());
        }
        // SAFETY: the caller passes a readable options struct, which starts
        // with `size`; read unaligned since only `size` is promised so far.
        let size = unsafe { ptr.cast::<usize>().read_unaligned() };
        let known = std::mem::size_of::<Self>();
        if !(known..=MAX_OPTIONS_SIZE).contains(&size) {
            return Err(invalid(format!(
                "options size {size} is outside {known}..={MAX_OPTIONS_SIZE}: \
                 set size to sizeof(travelcert_issue_options)"
            )));
        }
        // SAFETY: the caller promises `size` readable bytes at `ptr`; `size`
        // is capped above.
        let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), size) };
        if bytes.iter().skip(known).any(|b| *b != 0) {
            return Err(unsupported(format!(
                "the options set fields past the {known} bytes this library knows"
            )));
        }
        // SAFETY: `size >= known`: the caller's struct holds every field of
        // this one; every bit pattern is valid for its integer and pointer fields.
        let options = unsafe { ptr.read_unaligned() };
        if options.flags & !KNOWN_FLAGS != 0 {
            return Err(unsupported(format!(
                "unknown issue flags {:#x}",
                options.flags & !KNOWN_FLAGS
            )));
        }
        Ok(options)
    }
}

/// Issues a certificate for the health record in `record_json`
/// (`record_len` bytes of JSON, FORMAT.md "Record JSON"), issued at
/// `issued_at_unix` (Unix seconds) and valid for `valid_for_seconds`.
/// `certificate_id` (`certificate_id_len` bytes, 8 to 16) fixes the id; pass
/// NULL and 0 for a random one. For history and encryption use
/// `travelcert_issuer_issue_with_options`.
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
    let options = travelcert_issue_options {
        size: std::mem::size_of::<travelcert_issue_options>(),
        issued_at_unix,
        valid_for_seconds,
        certificate_id,
        certificate_id_len,
        encrypt_to: std::ptr::null(),
        encrypt_to_len: 0,
        flags: 0,
    };
    travelcert_issuer_issue_with_options(
        issuer,
        record_json,
        record_len,
        &options,
        text_out,
        error_out,
    )
}

/// Issues a certificate for the health record in `record_json`
/// (`record_len` bytes of JSON) as `options` says (see
/// `travelcert_issue_options`): issue time, validity, certificate id, the
/// infection history (`TRAVELCERT_ISSUE_INCLUDE_HISTORY`) and encryption to a
/// reader key (`encrypt_to`).
///
/// On success `*text_out` receives the certificate text `TC1:…` (encrypted
/// when asked) as a new buffer (free it with `travelcert_bytes_free`). On
/// failure it is `{NULL, 0}` and `*error_out` (if not NULL) says why:
/// `TRAVELCERT_RESULT_ISSUE_RECORD_INVALID` (`IssueHistoryNotRequested` for a
/// record with history and no flag), `…_ISSUE_VALIDITY_INVALID`,
/// `…_KEY_INVALID` (`ReaderKey*`: the `encrypt_to` file),
/// `…_INVALID_ARGUMENT` (a wrong `size`), `…_UNSUPPORTED` (unknown flags or
/// fields, or `encrypt_to` in a build without `encrypt`).
#[no_mangle]
pub extern "C" fn travelcert_issuer_issue_with_options(
    issuer: *const travelcert_issuer,
    record_json: *const u8,
    record_len: usize,
    options: *const travelcert_issue_options,
    text_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(text_out, travelcert_bytes::EMPTY);
        out(text_out)?;
        let issuer = handle(issuer)?;
        let options = travelcert_issue_options::read(options)?;
        let json = input(record_json, record_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        let record: HealthRecord = serde_json::from_slice(json).map_err(|e| {
            Failure::new(
                travelcert_result::IssueRecordInvalid,
                "IssueRecordJson",
                format!("record JSON: {e}"),
            )
        })?;
        let issued_at =
            Timestamp::from_unix(options.issued_at_unix).map_err(|e| invalid(e.to_string()))?;
        let mut params = IssueParams::new(issued_at, options.valid_for_seconds);
        if !options.certificate_id.is_null() || options.certificate_id_len != 0 {
            let id = input(
                options.certificate_id,
                options.certificate_id_len,
                CertificateId::MAX_LEN,
            )
            .and_then(|b| CertificateId::new(b).map_err(|e| invalid(e.to_string())))?;
            params = params.with_id(id);
        }
        if options.flags & TRAVELCERT_ISSUE_INCLUDE_HISTORY != 0 {
            params = params.with_history();
        }
        let encrypt_to = if options.encrypt_to.is_null() && options.encrypt_to_len == 0 {
            None
        } else {
            Some(input(
                options.encrypt_to,
                options.encrypt_to_len,
                TRAVELCERT_MAX_DOCUMENT_LEN,
            )?)
        };
        let recipient = encrypt_to.map(recipient).transpose()?;
        let issued = issuer.inner.issue(&record, &params)?;
        match recipient {
            None => give_bytes(text_out, issued.text.as_bytes()),
            Some(to) => give_bytes(text_out, encrypt(&issued.text, &to)?.as_bytes()),
        }
    })
}

#[cfg(feature = "encrypt")]
use crate::encrypt::Recipient;

/// What `encrypt_to` names, without feature `encrypt`: nothing can be.
#[cfg(not(feature = "encrypt"))]
enum Recipient {}

#[cfg(feature = "encrypt")]
fn recipient(json: &[u8]) -> Result<Recipient, Failure> {
    Ok(Recipient::from_json(json)?)
}

#[cfg(not(feature = "encrypt"))]
fn recipient(_json: &[u8]) -> Result<Recipient, Failure> {
    Err(unsupported(
        "encrypt_to needs a library built with feature encrypt".to_owned(),
    ))
}

#[cfg(feature = "encrypt")]
fn encrypt(text: &str, to: &Recipient) -> Result<String, Failure> {
    Ok(crate::encrypt::encrypt_text(text, to)?)
}

#[cfg(not(feature = "encrypt"))]
fn encrypt(_text: &str, to: &Recipient) -> Result<String, Failure> {
    match *to {}
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
