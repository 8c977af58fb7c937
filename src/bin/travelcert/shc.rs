//! SMART Health Cards in `verify` and `inspect`: issuer key sets and
//! revocation lists from files, and the forms a card is given in (QR texts
//! or their chunks, a compact JWS, a `.smart-health-card` file).

use std::path::{Path, PathBuf};

use travelcert::model::Timestamp;
use travelcert::trust::TrustInputs;
use travelcert::verify::{Verified, Verifier};
use travelcert::VerifyError;

use crate::exit::{usage, Exit, Failure};
use crate::input::read_bytes;
use crate::trust::input_error;

/// Adds every `--shc-issuer URL=FILE` and `--shc-crl FILE`.
pub(crate) fn add_inputs(
    inputs: &mut TrustInputs,
    issuers: &[String],
    crls: &[PathBuf],
) -> Result<(), Failure> {
    for spec in issuers {
        let (url, file) = spec
            .split_once('=')
            .ok_or_else(|| usage(format!("--shc-issuer {spec}: expected URL=JWKS_FILE")))?;
        let path = Path::new(file);
        inputs
            .add_shc_issuer(&path.display().to_string(), url, &read_bytes(path)?)
            .map_err(input_error)?;
    }
    for path in crls {
        inputs
            .add_shc_crl(&path.display().to_string(), &read_bytes(path)?)
            .map_err(input_error)?;
    }
    Ok(())
}

/// What the texts given to `verify` are.
pub(crate) enum Outcome {
    /// One card, verified or not.
    One(Box<Result<Verified, VerifyError>>),
    /// A file with several cards: one result each.
    Many(Vec<Result<Verified, VerifyError>>),
    /// Not a SMART Health Card.
    Other,
}

fn looks_like_jws(text: &str) -> bool {
    text.starts_with("ey") && text.matches('.').count() == 2
}

/// Verifies the texts when they are a SMART Health Card in any of its forms.
pub(crate) fn verify(
    verifier: &Verifier,
    texts: &[String],
    file: Option<&Path>,
    now: Timestamp,
) -> Result<Outcome, Failure> {
    match texts {
        [one] if one.trim_start().starts_with('{') => {
            if let Some(path) = file {
                if path.extension().and_then(|e| e.to_str()) != Some("smart-health-card") {
                    eprintln!(
                        "warning: {}: a SMART Health Card file should end in .smart-health-card",
                        path.display()
                    );
                }
            }
            let mut results = verifier
                .verify_shc_file(one.as_bytes(), now)
                .map_err(invalid)?;
            Ok(if results.len() == 1 {
                Outcome::One(Box::new(results.remove(0)))
            } else {
                Outcome::Many(results)
            })
        }
        [one] if looks_like_jws(one) => {
            Ok(Outcome::One(Box::new(verifier.verify_shc_jws(one, now))))
        }
        [first, ..] if first.starts_with(travelcert::verify::shc::SHC_PREFIX) => Ok(Outcome::One(
            Box::new(verifier.verify_shc_texts(texts, now)),
        )),
        [_] | [] => Ok(Outcome::Other),
        _ => Err(usage(
            "several texts are only for the chunks of one SMART Health Card (shc:/i/n/...)",
        )),
    }
}

pub(crate) fn invalid(e: VerifyError) -> Failure {
    Failure::new(Exit::Invalid, format!("invalid: {}: {e}", e.name()))
}

/// Prints the warnings of a verified card on standard error.
pub(crate) fn warn(v: &Verified) {
    if let Some(f) = v.foreign() {
        for w in f.warnings() {
            eprintln!("warning: {w}");
        }
    }
}
