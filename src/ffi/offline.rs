//! The verifier's offline data beyond the JSON trust store: signed trust
//! lists, signed revocation lists, and border rules (policies).

use super::verify::{travelcert_verified, travelcert_verifier};
use super::{
    boundary, clear, free_handle, give_bytes, handle, input, input_str, invalid, new_handle, out,
    travelcert_bytes, travelcert_error, travelcert_result, travelcert_trust_store, Failure,
    TRAVELCERT_MAX_DOCUMENT_LEN,
};
use crate::keys::PublicKey;
use crate::model::{CountryCode, Timestamp};
use crate::policy::{Moment, Outcome, Policy, PolicyError};
use crate::trust::{RevocationList, Root, StateDir, StateError, StateListError, TrustList};
use crate::verify::Verifier;
use crate::SignedListError;

/// A verified, current revocation list.
///
/// Immutable: safe to share between threads; may be freed on any thread.
pub struct travelcert_revocation_list {
    inner: RevocationList,
}

/// Border rules (a policy), loaded from JSON.
///
/// Immutable: safe to share between threads; may be freed on any thread.
pub struct travelcert_policy {
    inner: Policy,
}

/// The result code of a refused signed list: signature and root problems,
/// freshness problems (expired, not yet valid, rolled back), or content.
fn list_error(e: SignedListError, content: travelcert_result) -> Failure {
    let code = match &e {
        SignedListError::SignatureInvalid { .. } | SignedListError::UnknownRoot { .. } => {
            travelcert_result::SignedListSignatureInvalid
        }
        SignedListError::Expired { .. }
        | SignedListError::NotYetValid { .. }
        | SignedListError::Rollback { .. } => travelcert_result::SignedListNotCurrent,
        SignedListError::KeyOutOfScope { .. } | SignedListError::DscOutOfScope { .. } => {
            travelcert_result::TrustListKeyOutOfScope
        }
        _ => content,
    };
    Failure::new(code, e.name(), e.to_string())
}

/// A list loaded under a state directory: a state problem or the list's own.
fn state_list_error(e: StateListError, content: travelcert_result) -> Failure {
    match e {
        StateListError::State(e) => e.into(),
        StateListError::List(e) => list_error(e, content),
    }
}

impl From<PolicyError> for travelcert_error {
    fn from(e: PolicyError) -> Self {
        Failure::new(travelcert_result::PolicyInvalid, e.name(), e.to_string())
    }
}

impl From<StateError> for travelcert_error {
    fn from(e: StateError) -> Self {
        Failure::new(travelcert_result::StateInvalid, e.name(), e.to_string())
    }
}

/// Root keys from PEM text holding one or more SPKI blocks
/// (`-----BEGIN PUBLIC KEY-----`), as distributed between governments. A line
/// `scope: CN,HK` before a block scopes that root to those countries
/// (FORMAT.md §12.6); a block without one is unscoped.
fn roots(pem: *const u8, pem_len: usize) -> Result<Vec<Root>, Failure> {
    const END: &str = "-----END PUBLIC KEY-----";
    let text = input_str(pem, pem_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
    let keys: Vec<Root> = text
        .split_inclusive(END)
        .filter(|block| block.contains(END))
        .map(|block| {
            let begin = block.find("-----BEGIN").unwrap_or(0);
            let key = PublicKey::from_spki_pem(block.get(begin..).unwrap_or(block))?;
            let scope = block
                .lines()
                .take_while(|l| !l.contains("-----BEGIN"))
                .filter_map(|l| l.trim().strip_prefix("scope:"))
                .last();
            Ok(match scope {
                None => Root::new(key),
                Some(list) => Root::scoped(
                    key,
                    list.split(',')
                        .map(|c| CountryCode::new(c.trim()))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| invalid(format!("root scope `{list}`: {e}")))?,
                ),
            })
        })
        .collect::<Result<_, Failure>>()?;
    if keys.is_empty() {
        return Err(invalid(
            "no SPKI PEM public key in the root keys".to_owned(),
        ));
    }
    Ok(keys)
}

fn timestamp(unix: i64) -> Result<Timestamp, Failure> {
    Timestamp::from_unix(unix).map_err(|e| invalid(e.to_string()))
}

/// The inputs every signed-list loader checks: the list bytes, the root keys
/// and the moment of checking.
fn signed_list_inputs<'a>(
    list: *const u8,
    list_len: usize,
    roots_pem: *const u8,
    roots_len: usize,
    now_unix: i64,
) -> Result<(&'a [u8], Vec<Root>, Timestamp), Failure> {
    Ok((
        input(list, list_len, TRAVELCERT_MAX_DOCUMENT_LEN)?,
        roots(roots_pem, roots_len)?,
        timestamp(now_unix)?,
    ))
}

/// Loads a signed trust list (`list_len` bytes of COSE_Sign1 at `list`)
/// signed by one of the root keys in `roots_pem` (`roots_len` bytes of PEM
/// text, one or more `PUBLIC KEY` blocks), valid at `now_unix`, with a
/// sequence number strictly greater than `last_sequence` (0 before the first
/// list; persist the returned one to refuse rollback to older lists). A line
/// `scope: CN,HK` before a PEM block scopes that root: a key of another
/// country gives `TRAVELCERT_RESULT_TRUST_LIST_KEY_OUT_OF_SCOPE`. Prefer
/// `travelcert_trust_store_from_signed_list_with_state`, which keeps the
/// sequence numbers and rotated roots itself.
///
/// On success `*store_out` receives a new trust store (free it with
/// `travelcert_trust_store_free`) and `*sequence_out` the list's sequence
/// number. Failures: `TRAVELCERT_RESULT_SIGNED_LIST_SIGNATURE_INVALID` (no root
/// signed it), `TRAVELCERT_RESULT_SIGNED_LIST_NOT_CURRENT` (expired, not yet valid
/// or rolled back; the error name says which), `…_TRUST_STORE_INVALID`
/// (content), `…_KEY_INVALID` (a root key). Thread-safe.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn travelcert_trust_store_from_signed_list(
    list: *const u8,
    list_len: usize,
    roots_pem: *const u8,
    roots_len: usize,
    now_unix: i64,
    last_sequence: u64,
    store_out: *mut *mut travelcert_trust_store,
    sequence_out: *mut u64,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(store_out, std::ptr::null_mut());
        clear(sequence_out, 0);
        let (store_out, sequence_out) = (out(store_out)?, out(sequence_out)?);
        let (list, roots, now) =
            signed_list_inputs(list, list_len, roots_pem, roots_len, now_unix)?;
        let (list, _) = TrustList::verify_with_roots(list, &roots, now, last_sequence)
            .map_err(|e| list_error(e, travelcert_result::TrustStoreInvalid))?;
        sequence_out.set(list.sequence);
        store_out.set(new_handle(travelcert_trust_store {
            inner: list.into_store(),
        }));
        Ok(())
    })
}

/// The state directory argument: `dir_len` bytes of UTF-8 path.
fn state_dir(dir: *const u8, dir_len: usize) -> Result<StateDir, Failure> {
    let path = input_str(dir, dir_len, 4096)?;
    if path.is_empty() {
        return Err(invalid("the state directory path is empty".to_owned()));
    }
    Ok(StateDir::new(path))
}

/// Loads a signed trust list like `travelcert_trust_store_from_signed_list`,
/// keeping the list state (FORMAT.md §12.6) in the directory `state_dir`
/// (`state_dir_len` bytes of UTF-8 path; a directory only the verifier may
/// write, created when absent): the list must not be older than the last one
/// accepted from its signing root (the same one loads again), roots
/// introduced by an accepted list's `next_roots` are honoured while the root
/// that introduced them is configured, and the state is saved atomically on
/// success. State problems give `TRAVELCERT_RESULT_STATE_INVALID`. Not
/// thread-safe for the same directory (serialise loads).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn travelcert_trust_store_from_signed_list_with_state(
    list: *const u8,
    list_len: usize,
    roots_pem: *const u8,
    roots_len: usize,
    state_dir_path: *const u8,
    state_dir_len: usize,
    now_unix: i64,
    store_out: *mut *mut travelcert_trust_store,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(store_out, std::ptr::null_mut());
        let store_out = out(store_out)?;
        let (list, roots, now) =
            signed_list_inputs(list, list_len, roots_pem, roots_len, now_unix)?;
        let store = state_dir(state_dir_path, state_dir_len)?
            .load_trust_list(list, &roots, now)
            .map_err(|e| state_list_error(e, travelcert_result::TrustStoreInvalid))?;
        store_out.set(new_handle(travelcert_trust_store { inner: store }));
        Ok(())
    })
}

/// Loads a signed revocation list like `travelcert_revocation_list_from_signed`,
/// with the list state kept in `state_dir` as
/// `travelcert_trust_store_from_signed_list_with_state` describes. A list
/// signed by a scoped root revokes only certificates of its countries.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn travelcert_revocation_list_from_signed_with_state(
    list: *const u8,
    list_len: usize,
    roots_pem: *const u8,
    roots_len: usize,
    state_dir_path: *const u8,
    state_dir_len: usize,
    now_unix: i64,
    list_out: *mut *mut travelcert_revocation_list,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(list_out, std::ptr::null_mut());
        let list_out = out(list_out)?;
        let (bytes, roots, now) =
            signed_list_inputs(list, list_len, roots_pem, roots_len, now_unix)?;
        let list = state_dir(state_dir_path, state_dir_len)?
            .load_revocations(bytes, &roots, now)
            .map_err(|e| state_list_error(e, travelcert_result::RevocationListInvalid))?;
        list_out.set(new_handle(travelcert_revocation_list { inner: list }));
        Ok(())
    })
}

/// Loads a signed revocation list, checked like a signed trust list (roots,
/// validity at `now_unix`, sequence above `last_sequence`). On success
/// `*list_out` receives a new handle (free it with
/// `travelcert_revocation_list_free`) and `*sequence_out` its sequence
/// number; content problems give `TRAVELCERT_RESULT_REVOCATION_LIST_INVALID`.
/// Thread-safe.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn travelcert_revocation_list_from_signed(
    list: *const u8,
    list_len: usize,
    roots_pem: *const u8,
    roots_len: usize,
    now_unix: i64,
    last_sequence: u64,
    list_out: *mut *mut travelcert_revocation_list,
    sequence_out: *mut u64,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(list_out, std::ptr::null_mut());
        clear(sequence_out, 0);
        let (list_out, sequence_out) = (out(list_out)?, out(sequence_out)?);
        let (bytes, roots, now) =
            signed_list_inputs(list, list_len, roots_pem, roots_len, now_unix)?;
        let (list, _) = RevocationList::verify_with_roots(bytes, &roots, now, last_sequence)
            .map_err(|e| list_error(e, travelcert_result::RevocationListInvalid))?;
        sequence_out.set(list.sequence);
        list_out.set(new_handle(travelcert_revocation_list { inner: list }));
        Ok(())
    })
}

/// Frees a revocation list. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_revocation_list_free(list: *mut travelcert_revocation_list) {
    free_handle(list)
}

/// Like `travelcert_verifier_new`, with a revocation list: certificates on it
/// fail with `TRAVELCERT_RESULT_REVOKED` (error name `CertificateRevoked`).
/// Both inputs are copied; free them whenever convenient.
#[no_mangle]
pub extern "C" fn travelcert_verifier_new_with_revocations(
    store: *const travelcert_trust_store,
    revocations: *const travelcert_revocation_list,
    verifier_out: *mut *mut travelcert_verifier,
) -> travelcert_result {
    boundary(std::ptr::null_mut(), || {
        clear(verifier_out, std::ptr::null_mut());
        let verifier_out = out(verifier_out)?;
        let store = handle(store)?;
        let revocations = handle(revocations)?;
        let verifier =
            Verifier::new(store.inner.clone()).with_revocations(revocations.inner.clone());
        verifier_out.set(new_handle(travelcert_verifier { inner: verifier }));
        Ok(())
    })
}

/// Loads border rules from JSON (`json_len` bytes; see examples/policies/).
/// On success `*policy_out` receives a new handle (free it with
/// `travelcert_policy_free`); invalid rules give
/// `TRAVELCERT_RESULT_POLICY_INVALID`. Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_policy_from_json(
    json: *const u8,
    json_len: usize,
    policy_out: *mut *mut travelcert_policy,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(policy_out, std::ptr::null_mut());
        let policy_out = out(policy_out)?;
        let json = input(json, json_len, TRAVELCERT_MAX_DOCUMENT_LEN)?;
        policy_out.set(new_handle(travelcert_policy {
            inner: Policy::from_json(json)?,
        }));
        Ok(())
    })
}

/// Frees a policy. NULL does nothing.
#[no_mangle]
pub extern "C" fn travelcert_policy_free(policy: *mut travelcert_policy) {
    free_handle(policy)
}

/// Applies `policy` to a verified certificate, checked at `now_unix`, with the
/// boarding time `boarding_unix` as the reference moment for time windows
/// (pass -1 for none: then the journey's departure time, else `now_unix`).
///
/// `*outcome_out` receives `TRAVELCERT_RESULT_OK` (accepted),
/// `TRAVELCERT_RESULT_POLICY_REFUSED` or `TRAVELCERT_RESULT_NEEDS_REVIEW`, and
/// `*view_json_out` the officer's view as JSON (outcome, reference moment,
/// identity, reasons with their sentences, and only the records the deciding
/// rules looked at; free it with `travelcert_bytes_free`). The function's own
/// return value is `TRAVELCERT_RESULT_OK` when the evaluation ran. Thread-safe.
#[no_mangle]
pub extern "C" fn travelcert_policy_evaluate(
    policy: *const travelcert_policy,
    verified: *const travelcert_verified,
    now_unix: i64,
    boarding_unix: i64,
    outcome_out: *mut travelcert_result,
    view_json_out: *mut travelcert_bytes,
    error_out: *mut *mut travelcert_error,
) -> travelcert_result {
    boundary(error_out, || {
        clear(outcome_out, travelcert_result::Internal);
        clear(view_json_out, travelcert_bytes::EMPTY);
        let outcome_out = out(outcome_out)?;
        out(view_json_out)?;
        let policy = handle(policy)?;
        let verified = &handle(verified)?.inner;
        let certificate = verified.certificate();
        let mut moment = Moment::checking(timestamp(now_unix)?);
        if boarding_unix != -1 {
            moment = moment.with_boarding(timestamp(boarding_unix)?);
        }
        let verdict = policy.inner.evaluate(verified, moment);
        let view = serde_json::to_string(&verdict.view(certificate))
            .map_err(|e| Failure::new(travelcert_result::Internal, "Internal", e.to_string()))?;
        give_bytes(view_json_out, view.as_bytes())?;
        outcome_out.set(match verdict.outcome {
            Outcome::Accepted => travelcert_result::Ok,
            Outcome::Refused => travelcert_result::PolicyRefused,
            _ => travelcert_result::NeedsReview,
        });
        Ok(())
    })
}
