//! QR codes: rendering (PNG, SVG, the printable card) and scanning.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use travelcert::render::{self, CardOptions, RenderOptions, Scale};
use travelcert::verify::{self, VerifyOptions};

use crate::verify::Verifier;
use crate::{instant, value_error, verify_error};

/// The certificate text as a PNG QR code (ECC Q, quiet zone 4), `scale`
/// pixels per module.
#[pyfunction]
#[pyo3(signature = (text, *, scale = 8))]
fn render_png<'py>(py: Python<'py>, text: String, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
    if scale == 0 {
        return Err(PyValueError::new_err(
            "scale must be at least 1 pixel per module",
        ));
    }
    let options = RenderOptions {
        scale: Scale::PixelsPerModule(scale),
        ..RenderOptions::default()
    };
    let png = py
        .detach(|| render::png(&text, &options))
        .map_err(value_error)?;
    Ok(PyBytes::new(py, &png))
}

/// The certificate text as an SVG QR code.
#[pyfunction]
fn render_svg(text: String) -> PyResult<String> {
    render::svg(&text, &RenderOptions::default()).map_err(value_error)
}

/// The printable card (SVG, 105 mm wide): the QR code and a human-readable
/// summary. With `verifier`, the text is verified first (at `at`) and a
/// failure raises `VerifyError`; without, the summary shows what the text
/// says, decoded without checks (for the issuer printing its own certificate).
#[pyfunction]
#[pyo3(signature = (text, *, title = None, languages = None, verifier = None, at = None))]
fn card_svg(
    py: Python<'_>,
    text: String,
    title: Option<String>,
    languages: Option<Vec<String>>,
    verifier: Option<&Bound<'_, Verifier>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let certificate = match verifier {
        Some(v) => v
            .get()
            .verify_at(py, &text, instant(at)?)?
            .into_certificate(),
        None => verify::inspect(&text, VerifyOptions::default().inflate_limit)
            .map_err(|e| verify_error(py, &e))?
            .into_certificate(),
    };
    let mut options = CardOptions {
        title,
        ..CardOptions::default()
    };
    if let Some(codes) = languages {
        options.languages = codes
            .iter()
            .map(|code| code.parse())
            .collect::<Result<_, _>>()
            .map_err(value_error)?;
    }
    render::card_svg(&certificate, &text, &options).map_err(value_error)
}

/// Every QR code text found in a PNG or JPEG image (an empty list when there
/// is none). The texts are not verified.
#[pyfunction]
fn scan(py: Python<'_>, image: Vec<u8>) -> PyResult<Vec<String>> {
    py.detach(|| travelcert::scan::scan(&image))
        .map_err(value_error)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_png, m)?)?;
    m.add_function(wrap_pyfunction!(render_svg, m)?)?;
    m.add_function(wrap_pyfunction!(card_svg, m)?)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    Ok(())
}
