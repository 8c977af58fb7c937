//! Exit codes and the failure that carries one.

use std::process::ExitCode;

/// The process exit code: the only place the numbers appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Success; with rules, the certificate is accepted.
    Valid = 0,
    /// An invalid certificate (or no code in an image).
    Invalid = 1,
    /// A usage or I/O error, including a refused trust or revocation list.
    Usage = 2,
    /// Refused by the border rules.
    Refused = 3,
    /// The border rules ask for a review.
    Review = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure and its exit code.
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    /// A failure with this exit code and message (printed when not empty).
    pub(crate) fn new(exit: Exit, message: impl std::fmt::Display) -> Self {
        Failure {
            exit,
            message: message.to_string(),
        }
    }
}

/// A usage or I/O error.
pub(crate) fn usage(message: impl std::fmt::Display) -> Failure {
    Failure::new(Exit::Usage, message)
}
