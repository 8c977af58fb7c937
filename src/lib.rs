//! # travelcert
//!
//! Offline-first signed QR health certificates for international travel.
//!
//! A traveller's nucleic-acid tests (NAT), serum antibody tests and vaccinations
//! ([`model::HealthRecord`]) are encoded as compact CBOR, wrapped in CWT claims,
//! signed as a COSE_Sign1 with Ed25519, compressed with zlib when that helps and
//! Base45-encoded behind the prefix `TC1:`. The resulting text fits one static
//! QR code. A verifier holding the issuer's public key ([`trust::TrustStore`])
//! checks it with no network ([`verify::Verifier`]).
//!
//! Data flows one way through the stages:
//!
//! ```text
//! issue:  model ─► codec::payload ─► codec::claims ─► cose::sign1 ─► codec::zlib ─► codec::base45 ─► text
//! verify: text ─► codec::base45 ─► codec::Envelope ─► codec::zlib ─► cose::sign1 ─► (trust + signature) ─► codec::claims ─► Verified
//! ```
//!
//! and the modules depend on each other one way only (no module imports from
//! one to its right):
//!
//! ```text
//! model, keys ─► codec, cose ─► encrypt ─► issue | verify ─► trust, policy ─► render, scan ─► ffi, cli
//! ```
//!
//! [`keys`] holds every kind of key, including the [`keys::Signer`] issuers
//! and list roots sign through; [`codec`] decides what a body holds
//! ([`codec::Envelope`]); [`cose`] holds COSE_Sign1 and, with `encrypt`, the
//! encryption structures. A [`policy`] verdict needs a `verify::Verified`,
//! which only a `verify::Verifier` makes. Each boundary has one error enum,
//! beside its module and re-exported here. The wire format is specified in
//! `FORMAT.md`; `docs/architecture.md` describes the layout, the feature graph
//! and the dependencies.
//!
//! ## Features
//! - `verify` (default): `verify`, `trust` (JSON stores, signed trust and
//!   revocation lists) and `policy` (border rules and verdicts).
//! - `issue`: `issue`, `keys::Ed25519Signer`, signing of trust and
//!   revocation lists.
//! - `render`: `render`, QR code output (PNG, SVG, terminal, module matrix, printable card).
//! - `scan`: `scan`, reading QR codes from PNG and JPEG images.
//! - `encrypt`: `encrypt`, optional confidentiality (COSE_Encrypt0 /
//!   COSE_Encrypt with AES-256-GCM and X25519); without it an encrypted
//!   certificate fails with `Encrypted`.
//! - `cli`: the `travelcert` command-line tool.
//! - `ffi`: the C API (`ffi`, `include/travelcert.h`).
//! - `pkcs11`: `keys::Pkcs11Signer`, issuer keys in a hardware security
//!   module through PKCS#11 (implies `issue`; `docs/pkcs11.md`).
//! - `hazmat`: API for test vectors and benchmarks only
//!   (`encrypt::encrypt_body_fixed` with a caller-chosen IV,
//!   `codec::zlib::compress_with` taking flate2's `Compress`). Never enable it
//!   in a product.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod codec;
pub mod cose;
#[cfg(feature = "encrypt")]
pub mod encrypt;
mod error;
// The C API: the only module allowed unsafe code.
#[cfg(feature = "ffi")]
#[allow(unsafe_code)]
pub mod ffi;
#[cfg(feature = "issue")]
pub mod issue;
pub mod keys;
pub mod model;
#[cfg(feature = "verify")]
pub mod policy;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "scan")]
pub mod scan;
#[cfg(feature = "verify")]
pub mod trust;
#[cfg(feature = "verify")]
pub mod verify;

pub use error::{VerifyError, VerifyErrorKind};
#[cfg(feature = "issue")]
pub use issue::IssueError;
#[cfg(feature = "encrypt")]
pub use keys::{EncryptError, ReaderKeyError};
pub use keys::{KeyError, SignError};
#[cfg(feature = "verify")]
pub use trust::{SignedListError, TrustError};

/// The text prefix of every travelcert certificate, format version 1.
pub const PREFIX: &str = "TC1:";
