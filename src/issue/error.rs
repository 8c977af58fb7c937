//! The issuing boundary's error.

use crate::keys::SignError;
use crate::model::RecordError;

/// Why a certificate could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The record breaks a rule of the model.
    #[error("invalid health record: {0}")]
    InvalidRecord(#[from] RecordError),
    /// The validity period is empty or ends after 9999-12-31.
    #[error("invalid validity period: {0}")]
    InvalidValidity(String),
    /// The signer failed (an HSM or KMS error, say); its error is the source.
    #[error(transparent)]
    Signer(#[from] SignError),
    /// The operating system's random number generator failed.
    #[error("no randomness for the certificate id: {0}")]
    Random(String),
    /// The record carries infection history or recovery NATs but the issuer did
    /// not ask for them (`IssueParams::include_history`); they are never dropped
    /// silently. Remove them from the record or ask for them explicitly.
    #[error(
        "the record carries {history} infection-history entries and {recovery_tests} recovery NATs, \
         which go into a certificate only when asked for (include_history / --include-history)"
    )]
    HistoryNotRequested {
        /// How many infection-history entries the record carries.
        history: usize,
        /// How many recovery NATs it carries.
        recovery_tests: usize,
    },
}
