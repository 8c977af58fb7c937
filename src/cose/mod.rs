//! COSE (RFC 9052) structures, one module each.
//!
//! - [`header`]: the protected header `{1: alg, 4: kid}` and the accepted algorithms.
//! - [`sign1`]: COSE_Sign1 (tag 18): parsing that keeps the original protected
//!   header bytes, the Sig_structure that is signed, and signing through a closure
//!   so any key store (in memory, HSM, KMS) fits.

pub mod header;
pub mod sign1;

pub use header::{Algorithm, ProtectedHeader};
pub use sign1::CoseSign1;
