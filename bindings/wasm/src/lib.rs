//! WebAssembly bindings for the travelcert verifier (the offline web page in
//! `web/`). A thin layer: every check, JSON form and error name comes from the
//! library. Results are the JSON forms the CLI prints, as JS objects; errors
//! are JS `Error`s whose `name` is the library's stable error name (FORMAT.md
//! §9, §12.4; the C API's names for scan, rules and key errors) and whose
//! `kind` is the coarse category (`VerifyError::kind`) or, for other errors,
//! the stable name again.
//!
//! `wasm32-unknown-unknown` has no clock: every moment comes from JavaScript
//! (milliseconds since the epoch, `Date.now()` when omitted).
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use js_sys::{Array, Reflect, JSON};
use serde::Serialize;
use travelcert::keys::PublicKey;
use travelcert::model::Timestamp;
use travelcert::policy::{Moment, Policy as Rules};
use travelcert::trust::{ListState, Root, TrustInputs};
use travelcert::verify::{self, VerifyOptions};
use wasm_bindgen::prelude::*;

/// A JS `Error` with `name` = the stable name and `kind` = `kind`.
fn error(name: &str, kind: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&e, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    e.into()
}

fn named(name: &str, message: impl std::fmt::Display) -> JsValue {
    error(name, name, &message.to_string())
}

fn verify_error(e: &travelcert::VerifyError) -> JsValue {
    error(e.name(), e.kind().name(), &e.to_string())
}

/// A serialisable library value as a JS object (through its JSON form).
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| named("Internal", e))?;
    JSON::parse(&json)
}

/// The moment `at` (milliseconds since the epoch; now when omitted).
fn instant(at: Option<f64>) -> Result<Timestamp, JsValue> {
    let ms = at.unwrap_or_else(js_sys::Date::now);
    if !ms.is_finite() {
        return Err(named("TimeInvalid", "the moment is not a finite number"));
    }
    // Whole seconds; the float-to-int cast saturates, from_unix checks the range.
    Timestamp::from_unix((ms / 1000.0).floor() as i64).map_err(|e| named("TimeInvalid", e))
}

/// Root keys from PEM text: one or more SPKI blocks (`-----BEGIN PUBLIC KEY-----`).
fn roots(pem: &str) -> Result<Vec<Root>, JsValue> {
    const END: &str = "-----END PUBLIC KEY-----";
    let roots = pem
        .split_inclusive(END)
        .filter(|block| block.contains(END))
        .map(|block| {
            let begin = block.find("-----BEGIN").unwrap_or(0);
            PublicKey::from_spki_pem(block.get(begin..).unwrap_or(block))
                .map(Root::new)
                .map_err(|e| named(e.name(), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if roots.is_empty() {
        return Err(named(
            "KeyEncoding",
            "no SPKI PEM public key in the root key file",
        ));
    }
    Ok(roots)
}

/// A verifier holding trust data: a JSON trust store, or signed trust lists
/// under root keys with an optional signed revocation list.
#[wasm_bindgen]
pub struct Verifier {
    inner: verify::Verifier,
    state: Option<String>,
    keys: usize,
    revocations: Option<u64>,
}

#[wasm_bindgen]
impl Verifier {
    /// Loads trust data as the CLI's `verify --trust [--root] [--revocations]`
    /// does (`TrustInputs`): without `rootsPem`, `trust` is an unsigned JSON
    /// store; with it, a signed trust list checked at `at` against the roots
    /// and the list state `state` (the JSON of `state()` from an earlier load,
    /// which refuses rolled-back lists). `revocations` (a signed revocation
    /// list) needs roots. `dsc` (built with `hcert`): document signer
    /// certificates for `HC1:` (PEM, DER or the EU gateway's JSON; unsigned,
    /// so refused under roots). `shcIssuer` and `shcKeys` (built with `shc`):
    /// a SMART Health Card issuer's URL and its key set file (JWKS; unsigned,
    /// so refused under roots). Throws `TrustStoreInvalid`,
    /// `TrustUnsignedRefused`, `TrustListNoRoot`, a `List*` name,
    /// `StateInvalid`, a `Key*` name, a `Shc*` key-set name or `NoTrustData`
    /// (none of `trust`, `dsc`, `shcKeys`).
    #[allow(clippy::too_many_arguments)]
    pub fn load(
        trust: Option<Vec<u8>>,
        dsc: Option<Vec<u8>>,
        #[wasm_bindgen(js_name = rootsPem)] roots_pem: Option<String>,
        revocations: Option<Vec<u8>>,
        state: Option<String>,
        at: Option<f64>,
        #[wasm_bindgen(js_name = shcIssuer)] shc_issuer: Option<String>,
        #[wasm_bindgen(js_name = shcKeys)] shc_keys: Option<Vec<u8>>,
    ) -> Result<Verifier, JsValue> {
        let now = instant(at)?;
        let roots = match roots_pem.as_deref() {
            Some(pem) if !pem.trim().is_empty() => roots(pem)?,
            _ => Vec::new(),
        };
        let rooted = !roots.is_empty();
        let mut list_state = match state.as_deref() {
            Some(json) if rooted && !json.trim().is_empty() => {
                ListState::from_json(json.as_bytes()).map_err(|e| named("StateInvalid", e))?
            }
            _ => ListState::default(),
        };
        let mut inputs = TrustInputs::new(roots, &mut list_state, now);
        let input_error = |e: travelcert::trust::TrustInputError| named(e.name(), e);
        if trust.is_none() && dsc.is_none() && shc_keys.is_none() {
            return Err(named(
                "NoTrustData",
                "no trust store, trust list, DSC or SMART Health Card key set given",
            ));
        }
        if let Some(bytes) = trust {
            inputs.add("trust data", &bytes).map_err(input_error)?;
        }
        match dsc {
            #[cfg(feature = "hcert")]
            Some(bytes) => inputs.add_dsc("DSC file", &bytes).map_err(input_error)?,
            #[cfg(not(feature = "hcert"))]
            Some(_) => {
                return Err(named(
                    "Unsupported",
                    "this build reads no HC1: certificates (built without hcert)",
                ))
            }
            None => {}
        }
        match (shc_issuer.as_deref().map(str::trim), shc_keys) {
            #[cfg(feature = "shc")]
            (Some(url), Some(bytes)) if !url.is_empty() => inputs
                .add_shc_issuer("SMART Health Card key set", url, &bytes)
                .map_err(input_error)?,
            #[cfg(feature = "shc")]
            (_, Some(_)) => {
                return Err(named(
                    "NoShcIssuer",
                    "a SMART Health Card key set needs its issuer's URL",
                ))
            }
            #[cfg(not(feature = "shc"))]
            (_, Some(_)) => {
                return Err(named(
                    "Unsupported",
                    "this build reads no SMART Health Cards (built without shc)",
                ))
            }
            (_, None) => {}
        }
        let revoked = match revocations {
            Some(bytes) => Some(
                inputs
                    .revocations("revocation list", &bytes)
                    .map_err(input_error)?,
            ),
            None => None,
        };
        let store = inputs.into_store();
        let keys = store.len();
        let mut inner = verify::Verifier::with_options(store, VerifyOptions::default());
        let revocations = revoked.as_ref().map(|r| r.sequence);
        if let Some(list) = revoked {
            inner = inner.with_revocations(list);
        }
        Ok(Verifier {
            inner,
            state: rooted.then(|| list_state.to_json()),
            keys,
            revocations,
        })
    }

    /// The list state after loading (JSON; keep it and pass it to the next
    /// `load`), or `undefined` for an unsigned store.
    pub fn state(&self) -> Option<String> {
        self.state.clone()
    }

    /// How many issuer keys are trusted.
    #[wasm_bindgen(getter, js_name = keyCount)]
    pub fn key_count(&self) -> usize {
        self.keys
    }

    /// The loaded revocation list's sequence number, if one was loaded.
    #[wasm_bindgen(getter, js_name = revocationSequence)]
    pub fn revocation_sequence(&self) -> Option<f64> {
        // Sequence numbers are far below 2^53 in practice; shown, not compared.
        self.revocations.map(|s| s as f64)
    }

    /// Verifies `text` at `at` (ms since the epoch; now when omitted): the
    /// certificate JSON `travelcert verify` prints, or a thrown error named
    /// as FORMAT.md §9 lists (`kind`: decode, signature, untrusted_key,
    /// validity, revoked, ...).
    pub fn verify(&self, text: &str, at: Option<f64>) -> Result<JsValue, JsValue> {
        let now = instant(at)?;
        let verified = self
            .inner
            .verify(text.trim(), now)
            .map_err(|e| verify_error(&e))?;
        to_js(&verified)
    }

    /// Verifies the codes presented together (the texts `scan` found in one
    /// image, or pasted one per line) at `at`: the chunks of a SMART Health
    /// Card make one card, first; every other text is one certificate. An
    /// array, one entry per certificate: `{texts, valid: true, result}` with
    /// what `verify` returns, or `{texts, valid: false, error: {name, kind,
    /// message}}`.
    #[wasm_bindgen(js_name = verifyCodes)]
    pub fn verify_codes(&self, texts: Vec<String>, at: Option<f64>) -> Result<Array, JsValue> {
        self.codes(texts, at, None)
    }

    /// Like `verifyCodes`, each valid certificate's `result` being what
    /// `evaluate` returns for the border rules `policy`.
    #[wasm_bindgen(js_name = evaluateCodes)]
    pub fn evaluate_codes(
        &self,
        policy: &Policy,
        texts: Vec<String>,
        at: Option<f64>,
        boarding: Option<f64>,
    ) -> Result<Array, JsValue> {
        self.codes(texts, at, Some((policy, boarding)))
    }

    /// Verifies `text` at `at`, then evaluates the border rules `policy` at
    /// `at` (and the boarding time `boarding`, ms, when given): the officer's
    /// privacy view `travelcert verify --policy` prints (`outcome`:
    /// accepted, refused or needs_review; reasons; only the records the
    /// deciding rules used). An invalid certificate throws as `verify` does.
    pub fn evaluate(
        &self,
        policy: &Policy,
        text: &str,
        at: Option<f64>,
        boarding: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let now = instant(at)?;
        let verified = self
            .inner
            .verify(text.trim(), now)
            .map_err(|e| verify_error(&e))?;
        let mut moment = Moment::checking(now);
        if let Some(b) = boarding {
            moment = moment.with_boarding(instant(Some(b))?);
        }
        let verdict = policy.inner.evaluate(&verified, moment);
        to_js(&verdict.view(verified.certificate()))
    }
}

impl Verifier {
    /// `verifyCodes` and `evaluateCodes`: one JSON entry per certificate.
    fn codes(
        &self,
        texts: Vec<String>,
        at: Option<f64>,
        rules: Option<(&Policy, Option<f64>)>,
    ) -> Result<Array, JsValue> {
        let now = instant(at)?;
        let mut moment = Moment::checking(now);
        if let Some(b) = rules.and_then(|(_, b)| b) {
            moment = moment.with_boarding(instant(Some(b))?);
        }
        self.inner
            .verify_codes(&texts, now)
            .iter()
            .map(|set| {
                let entry = match (&set.result, rules) {
                    (Ok(verified), Some((policy, _))) => {
                        let verdict = policy.inner.evaluate(verified, moment);
                        serde_json::json!({ "texts": set.texts, "valid": true,
                            "result": verdict.view(verified.certificate()) })
                    }
                    (Ok(verified), None) => {
                        serde_json::json!({ "texts": set.texts, "valid": true, "result": verified })
                    }
                    (Err(e), _) => serde_json::json!({ "texts": set.texts, "valid": false,
                        "error": { "name": e.name(), "kind": e.kind().name(), "message": e.to_string() } }),
                };
                to_js(&entry)
            })
            .collect()
    }
}

/// Border rules (the JSON rules file, as `travelcert verify --policy`).
#[wasm_bindgen]
pub struct Policy {
    inner: Rules,
}

#[wasm_bindgen]
impl Policy {
    /// Loads a rules file; throws `PolicyInvalid`.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &[u8]) -> Result<Policy, JsValue> {
        Rules::from_json(json)
            .map(|inner| Policy { inner })
            .map_err(|e| named(e.name(), e))
    }

    /// The rules' name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }
}

/// Decodes `text` WITHOUT verifying anything (`travelcert inspect`): the JSON
/// says `"verified": false`. Throws a decode error by its stable name.
#[wasm_bindgen]
pub fn inspect(text: &str) -> Result<JsValue, JsValue> {
    let unverified = verify::inspect(text.trim(), VerifyOptions::default().inflate_limit)
        .map_err(|e| verify_error(&e))?;
    to_js(&unverified)
}

/// Every QR text in RGBA pixels (a canvas's `ImageData.data`, `width ×
/// height`): an array of strings, empty when no code is found. Throws
/// `ScanImageTooLarge` or `ScanDecode` (wrong buffer length).
#[cfg(feature = "scan")]
#[wasm_bindgen]
pub fn scan(rgba: &[u8], width: u32, height: u32) -> Result<Array, JsValue> {
    let texts = travelcert::scan::scan_rgba(
        width,
        height,
        rgba,
        &travelcert::scan::ScanOptions::default(),
    )
    .map_err(|e| named(e.name(), e))?;
    Ok(texts.iter().map(|t| JsValue::from_str(t)).collect())
}

/// The certificate formats this build reads: `TC1:`, `HC1:` when built with
/// `hcert`, `shc:/` when built with `shc`.
#[wasm_bindgen]
pub fn formats() -> Array {
    let mut formats = vec!["TC1:"];
    if cfg!(feature = "hcert") {
        formats.push("HC1:");
    }
    if cfg!(feature = "shc") {
        formats.push("shc:/");
    }
    formats.into_iter().map(JsValue::from_str).collect()
}

/// Whether this build reads QR codes from pixels (`scan`).
#[wasm_bindgen(js_name = canScan)]
pub fn can_scan() -> bool {
    cfg!(feature = "scan")
}
