//! Border rules: a verdict and its privacy views.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use travelcert::policy::{self, Moment};

use crate::verify::Verifier;
use crate::{instant, serialize, text_or_bytes, value_error};

/// A receiving country's entry rules (see examples/policies/).
#[pyclass(frozen, module = "travelcert")]
pub(crate) struct Policy {
    inner: policy::Policy,
}

#[pymethods]
impl Policy {
    /// Loads and checks a rules file (JSON text or bytes); invalid rules raise
    /// `ValueError`.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = policy::Policy::from_json(&text_or_bytes(data)?).map_err(value_error)?;
        Ok(Self { inner })
    }

    /// Verifies `text` with `verifier` at `at` (default now; a failure raises
    /// `VerifyError`) and applies the rules, the time windows measured from
    /// `boarding` when given. Returns a dict: `outcome` (`accepted`,
    /// `refused` or `needs_review`), `explanation` (sentences), `verdict`
    /// (everything, for audit), `view` (the officer's view: only the records
    /// the deciding rules looked at) and `gate_view` (no health data).
    #[pyo3(signature = (verifier, text, *, at = None, boarding = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        verifier: &Bound<'py, Verifier>,
        text: String,
        at: Option<&Bound<'py, PyAny>>,
        boarding: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = instant(at)?;
        let verified = verifier.get().verify_at(py, &text, now)?;
        let mut moment = Moment::checking(now);
        if let Some(b) = boarding.filter(|b| !b.is_none()) {
            moment = moment.with_boarding(instant(Some(b))?);
        }
        let verdict = self.inner.evaluate(&verified, moment);
        let certificate = verified.certificate();
        let out = PyDict::new(py);
        out.set_item("outcome", verdict.outcome.name())?;
        out.set_item("explanation", verdict.explain())?;
        out.set_item("verdict", serialize(py, &verdict)?)?;
        out.set_item("view", serialize(py, &verdict.view(certificate))?)?;
        out.set_item("gate_view", serialize(py, &verdict.gate_view(certificate))?)?;
        Ok(out)
    }

    /// The policy's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Policy>()
}
