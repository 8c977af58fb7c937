//! COSE (RFC 9052) structures, one module each, with one set of header labels.
//!
//! - [`header`]: the protected header `{1: alg, 4: kid}` and the accepted algorithms.
//! - [`sign1`]: COSE_Sign1 (tag 18): parsing that keeps the original protected
//!   header bytes, the Sig_structure that is signed, and signing through a closure
//!   so any key store (in memory, HSM, KMS) fits.
//! - `encrypt0` (feature `encrypt`): COSE_Encrypt0 (tag 16), encryption mode 1.
//! - `encrypt` (feature `encrypt`): COSE_Encrypt (tag 96) with one recipient,
//!   encryption mode 2.
//! - `enc` (feature `encrypt`): what the two encryption structures share (the
//!   Enc_structure, AES-256-GCM, ECDH-ES + HKDF-256).
//!
//! Which structure a certificate body holds is decided once, in
//! [`crate::codec::Envelope`].

#[cfg(feature = "encrypt")]
pub mod enc;
#[cfg(feature = "encrypt")]
pub mod encrypt;
#[cfg(feature = "encrypt")]
pub mod encrypt0;
pub mod header;
pub mod sign1;

pub use header::{Algorithm, ProtectedHeader};
pub use sign1::CoseSign1;

/// Header labels (RFC 9052 §3.1, RFC 9053 §6.4), for all three structures.
pub mod label {
    /// Algorithm.
    pub const ALG: i64 = 1;
    /// Critical headers.
    pub const CRIT: i64 = 2;
    /// Key id.
    pub const KID: i64 = 4;
    /// IV (COSE_Encrypt0, COSE_Encrypt).
    pub const IV: i64 = 5;
    /// Ephemeral sender key, a COSE_Key (the COSE_Encrypt recipient).
    pub const EPHEMERAL_KEY: i64 = -1;
}
