//! Issuing and rendering in one step (features `issue` and `render`): the
//! certificate is refused when its QR code would not fit.

use super::{matrix, QrMatrix, RenderError, RenderOptions};
use crate::issue::{IssueParams, Issued, Issuer, Signer};
use crate::model::HealthRecord;

/// A certificate issued together with its QR code.
#[derive(Debug, Clone)]
pub struct IssuedQr {
    /// The issued certificate.
    pub issued: Issued,
    /// Its QR code.
    pub matrix: QrMatrix,
}

/// Issues a certificate and encodes its QR code, refusing (with
/// [`RenderError::TooLarge`], which names the size and the limit) a record
/// whose certificate would not fit `options.max_version`.
pub fn issue_rendered<S: Signer>(
    issuer: &Issuer<S>,
    record: &HealthRecord,
    params: &IssueParams,
    options: &RenderOptions,
) -> Result<IssuedQr, RenderError> {
    let issued = issuer.issue(record, params)?;
    let matrix = matrix(&issued.text, options)?;
    Ok(IssuedQr { issued, matrix })
}
