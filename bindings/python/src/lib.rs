//! The `travelcert` Python module: a thin layer over the Rust library.
//!
//! Every function converts its arguments, calls the library and converts the
//! result; the checks and the JSON forms are the library's. Certificate
//! failures become `travelcert.VerifyError` (a subclass per
//! `VerifyErrorKind`) carrying the stable error name; other failures become
//! `ValueError`, `OSError` or the module's `TrustDataError`.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyMapping, PyString};
use travelcert::model::Timestamp;
use travelcert::{VerifyError as RustVerifyError, VerifyErrorKind};

mod image;
mod issue;
mod policy;
mod verify;

pyo3::create_exception!(
    travelcert,
    VerifyError,
    PyException,
    "A certificate was not accepted or could not be decoded. `.name` is the stable error name FORMAT.md lists."
);
pyo3::create_exception!(
    travelcert,
    DecodeError,
    VerifyError,
    "The text does not decode (prefix, Base45, compression, CBOR, COSE, claims, record)."
);
pyo3::create_exception!(
    travelcert,
    SignatureError,
    VerifyError,
    "The signature does not verify (or an encrypted certificate does not authenticate)."
);
pyo3::create_exception!(
    travelcert,
    UntrustedKeyError,
    VerifyError,
    "The key is unknown or not trusted for this certificate."
);
pyo3::create_exception!(
    travelcert,
    ValidityError,
    VerifyError,
    "The certificate has expired or is not valid yet."
);
pyo3::create_exception!(
    travelcert,
    RevokedError,
    VerifyError,
    "The certificate or its key is revoked."
);
pyo3::create_exception!(
    travelcert,
    TrustDataError,
    PyValueError,
    "Trust data was refused (a trust store, a signed list, list state). `.name` is its stable name."
);

/// Sets `.name` and `.message` on a new exception of type `T`.
fn named_error<T: pyo3::PyTypeInfo>(py: Python<'_>, name: &str, message: String) -> PyErr {
    let err = PyErr::new::<T, _>(message.clone());
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail in practice;
    // if it did, the exception still carries the message.
    let _ = value.setattr("name", name);
    let _ = value.setattr("message", message);
    err
}

/// A `VerifyError` (of its kind's subclass) for a library error.
pub(crate) fn verify_error(py: Python<'_>, e: &RustVerifyError) -> PyErr {
    let message = e.to_string();
    let name = e.name();
    match e.kind() {
        VerifyErrorKind::Decode => named_error::<DecodeError>(py, name, message),
        VerifyErrorKind::Signature => named_error::<SignatureError>(py, name, message),
        VerifyErrorKind::UntrustedKey => named_error::<UntrustedKeyError>(py, name, message),
        VerifyErrorKind::Validity => named_error::<ValidityError>(py, name, message),
        VerifyErrorKind::Revoked => named_error::<RevokedError>(py, name, message),
        _ => named_error::<VerifyError>(py, name, message),
    }
}

/// A `TrustDataError` with a stable name.
pub(crate) fn trust_error(py: Python<'_>, name: &str, message: impl std::fmt::Display) -> PyErr {
    named_error::<TrustDataError>(py, name, message.to_string())
}

/// A `ValueError` with the error's message.
pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// An instant from Python: `None` (now), an aware `datetime`, an RFC 3339
/// string or Unix seconds (`int`).
pub(crate) fn instant(at: Option<&Bound<'_, PyAny>>) -> PyResult<Timestamp> {
    let Some(at) = at.filter(|a| !a.is_none()) else {
        return Ok(Timestamp::now());
    };
    if let Ok(text) = at.cast::<PyString>() {
        let text: String = text.extract()?;
        return Timestamp::parse_rfc3339(&text)
            .map_err(|e| PyValueError::new_err(format!("`{text}`: {e}")));
    }
    if at.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(
            "a time must be a datetime, an RFC 3339 string or Unix seconds, not a bool",
        ));
    }
    if at.is_instance_of::<PyInt>() {
        let seconds: i64 = at.extract()?;
        return Timestamp::from_unix(seconds).map_err(value_error);
    }
    if at.hasattr("utcoffset")? && at.hasattr("timestamp")? {
        if at.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "a naive datetime has no time zone; give an aware one (tzinfo=timezone.utc)",
            ));
        }
        let seconds: f64 = at.call_method0("timestamp")?.extract()?;
        if !seconds.is_finite() {
            return Err(PyValueError::new_err(
                "the datetime is not a finite instant",
            ));
        }
        // Fractions of a second are truncated, as RFC 3339 input is.
        return Timestamp::from_unix(seconds.floor() as i64).map_err(value_error);
    }
    Err(PyTypeError::new_err(format!(
        "a time must be a datetime, an RFC 3339 string or Unix seconds, not {}",
        at.get_type().name()?
    )))
}

/// A library value as Python objects (dict, list, str, int, float, bool,
/// None) in exactly its JSON form: built straight from the library's serde
/// implementation, with map keys as strings, as JSON has them.
pub(crate) fn serialize<'py>(
    py: Python<'py>,
    value: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize_custom::<JsonForm, _>(py, value)
        .map_err(|e| PyValueError::new_err(format!("internal error: {e}")))
}

/// The JSON data model for `pythonize`: dicts with string keys, lists.
struct JsonForm;

impl pythonize::PythonizeTypes for JsonForm {
    type Map = JsonObject;
    type NamedMap = pythonize::PythonizeUnnamedMappingAdapter<JsonObject>;
    type List = PyList;
}

/// A dict whose keys are strings: an integer key becomes its decimal text,
/// as in JSON.
struct JsonObject;

impl pythonize::PythonizeMappingType for JsonObject {
    type Builder<'py> = Bound<'py, PyDict>;

    fn builder<'py>(py: Python<'py>, _len: Option<usize>) -> PyResult<Self::Builder<'py>> {
        Ok(PyDict::new(py))
    }

    fn push_item<'py>(
        builder: &mut Self::Builder<'py>,
        key: Bound<'py, PyAny>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        if key.is_instance_of::<PyString>() {
            builder.set_item(key, value)
        } else {
            builder.set_item(key.str()?, value)
        }
    }

    fn finish<'py>(builder: Self::Builder<'py>) -> PyResult<Bound<'py, PyMapping>> {
        Ok(builder.into_mapping())
    }
}

/// Text or bytes from Python, as bytes.
pub(crate) fn text_or_bytes(data: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = data.cast::<PyString>() {
        return Ok(s.extract::<String>()?.into_bytes());
    }
    data.extract::<Vec<u8>>()
        .map_err(|_| PyTypeError::new_err("expected str or bytes"))
}

/// travelcert: offline-first signed QR health certificates.
#[pymodule(name = "travelcert")]
fn travelcert_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Optional formats this build verifies besides `TC1:`.
    let mut formats = vec!["travelcert"];
    if cfg!(feature = "hcert") {
        formats.extend(["eu-dcc", "who-ddcc"]);
    }
    if cfg!(feature = "shc") {
        formats.push("shc");
    }
    m.add("FORMATS", formats)?;
    m.add("VerifyError", py.get_type::<VerifyError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("SignatureError", py.get_type::<SignatureError>())?;
    m.add("UntrustedKeyError", py.get_type::<UntrustedKeyError>())?;
    m.add("ValidityError", py.get_type::<ValidityError>())?;
    m.add("RevokedError", py.get_type::<RevokedError>())?;
    m.add("TrustDataError", py.get_type::<TrustDataError>())?;
    verify::register(m)?;
    issue::register(m)?;
    image::register(m)?;
    policy::register(m)?;
    Ok(())
}
