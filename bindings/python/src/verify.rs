//! Trust stores, signed lists, the verifier and `inspect`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use travelcert::keys::Ed25519Signer;
use travelcert::keys::{PublicKey, ReaderKey, ReaderKeys};
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::{self, Root, StateDir, StateError, StateListError, TrustList};
use travelcert::verify::{self, Verified, VerifyOptions};
use travelcert::SignedListError;

use crate::{instant, serialize, text_or_bytes, trust_error, value_error, verify_error};

/// The longest clock skew a verifier accepts, seconds (one day).
const MAX_SKEW: i64 = 86_400;

/// Keys trusted to sign certificates.
#[pyclass(frozen, module = "travelcert")]
pub(crate) struct TrustStore {
    pub(crate) inner: trust::TrustStore,
}

#[pymethods]
impl TrustStore {
    /// Loads the JSON form (unsigned: use it only where no root keys are configured).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = trust::TrustStore::from_json(&text_or_bytes(data)?)
            .map_err(|e| trust_error(py, "TrustStoreInvalid", e))?;
        Ok(Self { inner })
    }

    /// Loads a signed trust list checked against `roots` at `at`, keeping the
    /// list state (sequence numbers, rotated roots) in `state_dir`.
    #[staticmethod]
    #[pyo3(signature = (data, roots, *, state_dir, at = None))]
    fn from_signed_list(
        py: Python<'_>,
        data: Vec<u8>,
        roots: &Bound<'_, PyAny>,
        state_dir: PathBuf,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let inner = with_state(py, roots, state_dir, at, |dir, roots, now| {
            dir.load_trust_list(&data, roots, now)
        })?;
        Ok(Self { inner })
    }

    /// This store as a signed trust list (COSE_Sign1 bytes) signed with the
    /// root's PKCS#8 PEM private key, valid for `valid_for` seconds from
    /// `issued_at`, with sequence number `sequence` (increase it every time).
    #[pyo3(signature = (root_key_pem, *, sequence, valid_for, issued_at = None))]
    fn sign_list<'py>(
        &self,
        py: Python<'py>,
        root_key_pem: String,
        sequence: u64,
        valid_for: i64,
        issued_at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let root = Ed25519Signer::from_pkcs8_pem(&root_key_pem).map_err(value_error)?;
        let issued_at = instant(issued_at)?;
        let mut list = TrustList::new(issued_at, sequence, issued_at.saturating_add(valid_for));
        list.keys = self.inner.keys().cloned().collect();
        let bytes = list.sign(&root).map_err(value_error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// This store plus the document signer certificates in `data` (PEM, DER
    /// or the EU gateway's trust-list JSON), for `HC1:` certificates.
    /// `csca` (PEM or DER bytes or text, or a list of them) gives country
    /// signing CAs the DSCs must chain to: a DSC that does not fails at
    /// verification with the chain's error (`HcertDscNotChained`,
    /// `HcertCsca*`). Without `csca` the DSCs are bare, unsigned trust data:
    /// a store from a signed list refuses them (`TrustUnsignedRefused`), as
    /// under a root nothing unsigned is trusted.
    #[cfg(feature = "hcert")]
    #[pyo3(signature = (data, *, csca = None))]
    fn with_dsc(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        csca: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut cscas = Vec::new();
        if let Some(csca) = csca {
            let items: Vec<Bound<'_, PyAny>> = if csca.is_instance_of::<pyo3::types::PyList>() {
                csca.try_iter()?.collect::<PyResult<_>>()?
            } else {
                vec![csca.clone()]
            };
            for item in items {
                cscas.extend(
                    trust::Csca::load(&text_or_bytes(&item)?)
                        .map_err(|e| trust_error(py, "TrustStoreCsca", e))?,
                );
            }
        }
        let data = text_or_bytes(data)?;
        self.with(py, |store| store.add_dscs(&data, &cscas).map(drop))
    }

    /// This store plus a SMART Health Card issuer: its URL (the cards' `iss`)
    /// and its key set (the JWKS JSON it publishes), saved beforehand. A bare
    /// key set is unsigned trust data: refused (`TrustUnsignedRefused`) for a
    /// store loaded from a signed list, where issuers come inside the list.
    #[cfg(feature = "shc")]
    fn with_shc_issuer(
        &self,
        py: Python<'_>,
        url: &str,
        jwks: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let jwks = text_or_bytes(jwks)?;
        self.with(py, |store| store.add_shc_issuer(url, &jwks))
    }

    /// This store plus an issuer's SMART Health Card revocation list (its
    /// `crl/<kid>.json`, method `rid`), for a key set already added; its
    /// `ctr` must equal the key's `crlVersion`. Unsigned: refused for a store
    /// loaded from a signed list, as `with_shc_issuer` is.
    #[cfg(feature = "shc")]
    fn with_shc_crl(&self, py: Python<'_>, crl: &Bound<'_, PyAny>) -> PyResult<Self> {
        let crl = text_or_bytes(crl)?;
        self.with(py, |store| store.add_shc_crl(&crl))
    }

    /// The JSON form, keys in kid order.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<TrustStore: {} keys>", self.inner.len())
    }
}

impl TrustStore {
    /// A copy of this store with `add` applied (the library refuses unsigned
    /// trust data for a store from a signed list).
    #[cfg(any(feature = "hcert", feature = "shc"))]
    fn with(
        &self,
        py: Python<'_>,
        add: impl FnOnce(&mut trust::TrustStore) -> Result<(), trust::TrustError>,
    ) -> PyResult<Self> {
        let mut inner = self.inner.clone();
        add(&mut inner).map_err(|e| trust_error(py, e.name(), e))?;
        Ok(Self { inner })
    }
}

/// A verified, current revocation list.
#[pyclass(frozen, module = "travelcert")]
pub(crate) struct RevocationList {
    inner: Arc<trust::RevocationList>,
}

#[pymethods]
impl RevocationList {
    /// Loads a signed revocation list checked against `roots` at `at`, keeping
    /// the list state in `state_dir`.
    #[staticmethod]
    #[pyo3(signature = (data, roots, *, state_dir, at = None))]
    fn from_signed(
        py: Python<'_>,
        data: Vec<u8>,
        roots: &Bound<'_, PyAny>,
        state_dir: PathBuf,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let list = with_state(py, roots, state_dir, at, |dir, roots, now| {
            dir.load_revocations(&data, roots, now)
        })?;
        Ok(Self {
            inner: Arc::new(list),
        })
    }

    /// The list's sequence number.
    #[getter]
    fn sequence(&self) -> u64 {
        self.inner.sequence
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// Loads a signed list with `load` against `roots` at `at`, the list state
/// read from `state_dir` first and written back only when the list loaded.
fn with_state<T>(
    py: Python<'_>,
    roots: &Bound<'_, PyAny>,
    state_dir: PathBuf,
    at: Option<&Bound<'_, PyAny>>,
    load: impl FnOnce(&StateDir, &[Root], Timestamp) -> Result<T, StateListError>,
) -> PyResult<T> {
    let roots = parse_roots(roots)?;
    let now = instant(at)?;
    load(&StateDir::new(state_dir), &roots, now).map_err(|e| match e {
        StateListError::List(e) => list_error(py, &e),
        StateListError::State(e) => state_error(py, e),
        other => trust_error(py, other.name(), other),
    })
}

fn list_error(py: Python<'_>, e: &SignedListError) -> PyErr {
    trust_error(py, e.name(), e)
}

fn state_error(py: Python<'_>, e: StateError) -> PyErr {
    match e {
        StateError::Io { .. } => PyOSError::new_err(e.to_string()),
        _ => trust_error(py, e.name(), e),
    }
}

/// Root keys: each an SPKI PEM string (unscoped) or a `(pem, countries)` pair
/// (scoped to those countries).
fn parse_roots(roots: &Bound<'_, PyAny>) -> PyResult<Vec<Root>> {
    if roots.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "roots is a list: [pem, ...] or [(pem, [\"CN\", ...]), ...]",
        ));
    }
    let roots: Vec<Root> = roots
        .try_iter()?
        .map(|item| {
            let item = item?;
            if let Ok(pair) = item.cast::<PyTuple>() {
                let (pem, scope): (String, Vec<String>) = pair.extract()?;
                let key = PublicKey::from_spki_pem(&pem).map_err(value_error)?;
                let countries = scope
                    .iter()
                    .map(|c| CountryCode::new(c))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(value_error)?;
                Ok(Root::scoped(key, countries))
            } else {
                let pem: String = item.extract()?;
                Ok(Root::new(
                    PublicKey::from_spki_pem(&pem).map_err(value_error)?,
                ))
            }
        })
        .collect::<PyResult<_>>()?;
    if roots.is_empty() {
        return Err(PyValueError::new_err("no root key given"));
    }
    Ok(roots)
}

/// Verifies certificate texts against a trust store, offline. Immutable and
/// safe to share between threads.
#[pyclass(frozen, module = "travelcert")]
pub(crate) struct Verifier {
    pub(crate) inner: verify::Verifier,
}

impl Verifier {
    /// Verifies at `now` with the GIL released.
    pub(crate) fn verify_at(
        &self,
        py: Python<'_>,
        text: &str,
        now: Timestamp,
    ) -> PyResult<Verified> {
        py.detach(|| self.inner.verify(text, now))
            .map_err(|e| verify_error(py, &e))
    }
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (store, *, skew = 300, revocations = None, reader_keys = None))]
    fn new(
        store: &Bound<'_, TrustStore>,
        skew: i64,
        revocations: Option<&Bound<'_, RevocationList>>,
        reader_keys: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if !(0..=MAX_SKEW).contains(&skew) {
            return Err(PyValueError::new_err(format!(
                "skew {skew} s is outside 0..={MAX_SKEW}"
            )));
        }
        let options = VerifyOptions {
            clock_skew: skew,
            ..VerifyOptions::default()
        };
        let mut inner = verify::Verifier::with_options(store.get().inner.clone(), options);
        if let Some(list) = revocations {
            inner = inner.with_revocations(Arc::clone(&list.get().inner));
        }
        if let Some(keys) = reader_keys.filter(|k| !k.is_none()) {
            if keys.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(
                    "reader_keys is a list of reader key files (JSON text or bytes)",
                ));
            }
            let mut all = ReaderKeys::new();
            for key in keys.try_iter()? {
                all.add(ReaderKey::from_json(&text_or_bytes(&key?)?).map_err(value_error)?);
            }
            inner = inner.with_reader_keys(all);
        }
        Ok(Self { inner })
    }

    /// Verifies `text` at `at` (default now) and returns the certificate as a
    /// dict (the JSON form the test vectors' `expected` uses). Raises
    /// `VerifyError` (a subclass per kind) with `.name` on any failure.
    #[pyo3(signature = (text, at = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        text: String,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let verified = self.verify_at(py, &text, instant(at)?)?;
        serialize(py, verified.certificate())
    }

    /// Like `verify`, returning everything the CLI prints: `certificate`,
    /// `kid`, `key_country`, `alg`, `body`, `encryption` and, when a signed
    /// list vouched for the key, `vouched_by`.
    #[pyo3(signature = (text, at = None))]
    fn verify_details<'py>(
        &self,
        py: Python<'py>,
        text: String,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let verified = self.verify_at(py, &text, instant(at)?)?;
        serialize(py, &verified)
    }

    /// Verifies one SMART Health Card from its QR texts: one `shc:/…` text or
    /// the chunks `shc:/i/n/…` of one card, in any order (as `scan` returns
    /// them from one image). Returns what `verify_details` returns; raises
    /// `VerifyError` (`ShcChunkMissing`, `ShcChunkRepeated`, ...).
    #[cfg(feature = "shc")]
    #[pyo3(signature = (texts, at = None))]
    fn verify_shc<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(at)?;
        let verified = py
            .detach(|| self.inner.verify_shc_texts(&texts, now))
            .map_err(|e| verify_error(py, &e))?;
        serialize(py, &verified)
    }

    /// Verifies many texts at once (Ed25519 batch verification, the GIL
    /// released): one entry per text, in order, either the certificate dict
    /// `verify` returns or the `VerifyError` it raises (as an object, not raised).
    #[pyo3(signature = (texts, at = None))]
    fn verify_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = instant(at)?;
        let results = py.detach(|| self.inner.verify_batch(&texts, now));
        let list = PyList::empty(py);
        for result in results {
            match result {
                Ok(v) => list.append(serialize(py, v.certificate())?)?,
                Err(e) => list.append(verify_error(py, &e).into_value(py))?,
            }
        }
        Ok(list)
    }

    /// Seconds the Rust `Verifier::verify` takes for `text` at `at`, `n`
    /// times in a loop (GIL released), for benchmarks comparing the Python
    /// call with the library call in one process.
    #[pyo3(signature = (text, at, n))]
    fn _time_rust_verify(
        &self,
        py: Python<'_>,
        text: String,
        at: &Bound<'_, PyAny>,
        n: usize,
    ) -> PyResult<f64> {
        let now = instant(Some(at))?;
        self.inner
            .verify(&text, now)
            .map_err(|e| verify_error(py, &e))?;
        Ok(py.detach(|| {
            let start = Instant::now();
            for _ in 0..n {
                let _ = std::hint::black_box(
                    self.inner.verify(std::hint::black_box(text.as_str()), now),
                );
            }
            start.elapsed().as_secs_f64()
        }))
    }

    /// The clock skew tolerated, seconds.
    #[getter]
    fn skew(&self) -> i64 {
        self.inner.options().clock_skew
    }
}

/// Decodes `text` WITHOUT checking its signature, trust or validity: the dict
/// says `"verified": False`. For showing what a code says, never for deciding.
#[pyfunction]
fn inspect<'py>(py: Python<'py>, text: String) -> PyResult<Bound<'py, PyAny>> {
    let unverified = verify::inspect(&text, VerifyOptions::default().inflate_limit)
        .map_err(|e| verify_error(py, &e))?;
    serialize(py, &unverified)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TrustStore>()?;
    m.add_class::<RevocationList>()?;
    m.add_class::<Verifier>()?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    Ok(())
}
