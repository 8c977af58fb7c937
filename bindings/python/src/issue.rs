//! Issuing: an in-memory PKCS#8 key or a Python signing callable.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use travelcert::issue::{Ed25519Signer, IssueError, IssueParams, Issuer as RustIssuer, Signer};
use travelcert::keys::PublicKey;
use travelcert::model::{CertificateId, CountryCode, HealthRecord};
use travelcert::trust::{TrustStore as RustTrustStore, TrustedKey};

use crate::verify::TrustStore;
use crate::{instant, value_error};

/// Where signatures come from.
enum Key {
    /// An in-memory key (zeroized on drop).
    Memory(Box<Ed25519Signer>),
    /// A Python callable `sign(message: bytes) -> bytes` (an HSM or a cloud
    /// key store), with its public key.
    Callable { public: PublicKey, sign: Py<PyAny> },
}

/// The signer an issuer holds; shared between the issuers of the pool.
#[derive(Clone)]
struct SharedKey(Arc<Key>);

/// A Python exception raised by the signing callable, kept as the cause of
/// the library's signer error so it can be raised again unchanged.
#[derive(Debug)]
struct CallableFailed(PyErr);

impl std::fmt::Display for CallableFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the signing callable raised {}", self.0)
    }
}

impl std::error::Error for CallableFailed {}

impl Signer for SharedKey {
    fn public_key(&self) -> PublicKey {
        match &*self.0 {
            Key::Memory(k) => k.public_key(),
            Key::Callable { public, .. } => public.clone(),
        }
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>> {
        match &*self.0 {
            Key::Memory(k) => k.sign(message),
            Key::Callable { sign, .. } => Python::attach(|py| {
                let signature = sign.call1(py, (PyBytes::new(py, message),)).map_err(
                    |e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(CallableFailed(e)) },
                )?;
                let bytes: Vec<u8> = signature
                    .extract(py)
                    .map_err(|_| "the signing callable must return bytes".to_owned())?;
                <[u8; 64]>::try_from(bytes.as_slice()).map_err(|_| {
                    format!(
                        "the signing callable returned {} bytes; an Ed25519 signature has 64",
                        bytes.len()
                    )
                    .into()
                })
            }),
        }
    }
}

/// Issues certificates for one country. Safe to share between threads.
#[pyclass(frozen, module = "travelcert")]
pub(crate) struct Issuer {
    key: SharedKey,
    country: CountryCode,
    /// Idle issuers (each keeps its compressor); one is taken per call, so no
    /// lock is held while signing.
    pool: Mutex<Vec<RustIssuer<SharedKey>>>,
}

impl Issuer {
    fn with_key(key: Key, country: &str) -> PyResult<Self> {
        Ok(Self {
            key: SharedKey(Arc::new(key)),
            country: CountryCode::new(country).map_err(value_error)?,
            pool: Mutex::new(Vec::new()),
        })
    }

    fn take(&self) -> RustIssuer<SharedKey> {
        let idle = self.pool.lock().ok().and_then(|mut p| p.pop());
        idle.unwrap_or_else(|| RustIssuer::new(self.key.clone(), self.country))
    }

    fn give_back(&self, issuer: RustIssuer<SharedKey>) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(issuer);
        }
    }
}

/// A public key from Python: SPKI PEM text, hex text or 32 raw bytes.
fn public_key(key: &Bound<'_, PyAny>) -> PyResult<PublicKey> {
    if let Ok(text) = key.cast::<PyString>() {
        let text: String = text.extract()?;
        return if text.contains("-----BEGIN") {
            PublicKey::from_spki_pem(&text)
        } else {
            PublicKey::from_hex(text.trim())
        }
        .map_err(value_error);
    }
    let bytes: Vec<u8> = key
        .extract()
        .map_err(|_| PyTypeError::new_err("a public key is SPKI PEM text, hex text or 32 bytes"))?;
    PublicKey::from_bytes(&bytes).map_err(value_error)
}

/// The record as the library's type: a dict (through `json.dumps`) or JSON text.
fn record(py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<HealthRecord> {
    let json: String = if record.is_instance_of::<PyString>() {
        record.extract()?
    } else if record.is_instance_of::<PyDict>() {
        py.import("json")?
            .call_method1("dumps", (record,))?
            .extract()?
    } else {
        return Err(PyTypeError::new_err("a record is a dict or JSON text"));
    };
    serde_json::from_str(&json)
        .map_err(|e| PyValueError::new_err(format!("invalid health record: {e}")))
}

fn certificate_id(id: &Bound<'_, PyAny>) -> PyResult<CertificateId> {
    if let Ok(text) = id.cast::<PyString>() {
        return CertificateId::try_from(text.extract::<String>()?).map_err(value_error);
    }
    let bytes: Vec<u8> = id
        .extract()
        .map_err(|_| PyTypeError::new_err("a certificate id is hex text or bytes"))?;
    CertificateId::new(&bytes).map_err(value_error)
}

fn issue_error(py: Python<'_>, e: IssueError) -> PyErr {
    match e {
        IssueError::Signer(ref s) => match s.cause().downcast_ref::<CallableFailed>() {
            // The callable's own exception, unchanged.
            Some(CallableFailed(err)) => err.clone_ref(py),
            None => PyRuntimeError::new_err(e.to_string()),
        },
        IssueError::Random(_) => PyOSError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

#[pymethods]
impl Issuer {
    /// An issuer for `country` (ISO 3166-1 alpha-2) signing with a PKCS#8 PEM
    /// Ed25519 private key (as `openssl genpkey -algorithm ed25519` writes).
    #[staticmethod]
    fn from_pem(pem: String, country: &str) -> PyResult<Self> {
        let key = Ed25519Signer::from_pkcs8_pem(&pem).map_err(value_error)?;
        Self::with_key(Key::Memory(Box::new(key)), country)
    }

    /// An issuer for `country` whose signatures come from `sign(message:
    /// bytes) -> bytes` (64-byte Ed25519 signature), e.g. an HSM or a cloud
    /// key store; `public_key` (SPKI PEM, hex or 32 bytes) verifies them.
    #[staticmethod]
    fn from_signer(
        py: Python<'_>,
        public_key: &Bound<'_, PyAny>,
        sign: Py<PyAny>,
        country: &str,
    ) -> PyResult<Self> {
        let public = self::public_key(public_key)?;
        if !sign.bind(py).is_callable() {
            return Err(PyTypeError::new_err("sign must be callable"));
        }
        Self::with_key(Key::Callable { public, sign }, country)
    }

    /// Issues a certificate for `record` (a dict or JSON text) and returns its
    /// `TC1:` text. `dictionary=True` compresses with the format's preset
    /// dictionary (FORMAT.md §3.1): shorter, read by verifiers that know it.
    #[pyo3(signature = (record, *, valid_for = 172_800, issued_at = None, include_history = false, certificate_id = None, dictionary = false))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, one each
    fn issue(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        valid_for: i64,
        issued_at: Option<&Bound<'_, PyAny>>,
        include_history: bool,
        certificate_id: Option<&Bound<'_, PyAny>>,
        dictionary: bool,
    ) -> PyResult<String> {
        let record = self::record(py, record)?;
        let mut params = IssueParams::new(instant(issued_at)?, valid_for);
        if include_history {
            params = params.with_history();
        }
        params.dictionary = dictionary;
        if let Some(id) = certificate_id.filter(|i| !i.is_none()) {
            params = params.with_id(self::certificate_id(id)?);
        }
        let issuer = self.take();
        // An in-memory key signs without the GIL; a callable needs it.
        let (issuer, issued) = match &*self.key.0 {
            Key::Memory(_) => py.detach(move || {
                let issued = issuer.issue(&record, &params);
                (issuer, issued)
            }),
            Key::Callable { .. } => {
                let issued = issuer.issue(&record, &params);
                (issuer, issued)
            }
        };
        self.give_back(issuer);
        Ok(issued.map_err(|e| issue_error(py, e))?.text)
    }

    /// The public key as SPKI PEM text.
    #[getter]
    fn public_key_pem(&self) -> String {
        self.key.public_key().to_spki_pem()
    }

    /// The key id (hex) that goes into every certificate.
    #[getter]
    fn kid(&self) -> String {
        self.key.public_key().kid().to_string()
    }

    /// The issuing country.
    #[getter]
    fn country(&self) -> String {
        self.country.as_str().to_owned()
    }

    /// A trust store holding this issuer's public key for its country, every
    /// record kind allowed (publish its `to_json()` to verifiers).
    fn trust_store(&self) -> TrustStore {
        let mut inner = RustTrustStore::new();
        inner.add(TrustedKey::new(self.key.public_key(), self.country));
        TrustStore { inner }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Issuer>()
}
