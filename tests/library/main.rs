//! Library tests in one binary: the byte-exact vectors, round trips, the
//! malformed corpus, batch verification, offline data (signed lists,
//! revocation), encryption, history and journey, and the example border rules.
//!
//! One module per area; shared fixtures live in `tests/common`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "issue")]
#[path = "../malformed/cases.rs"]
mod cases;
#[cfg(feature = "issue")]
#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "issue")]
mod batch;
#[cfg(all(feature = "issue", feature = "encrypt", feature = "hazmat"))]
mod encrypt;
#[cfg(all(feature = "issue", feature = "encrypt", feature = "hazmat"))]
mod encrypt_vectors;
#[cfg(all(feature = "hcert", feature = "issue"))]
mod hcert;
#[cfg(all(feature = "hcert", feature = "issue"))]
mod hcert_chain;
#[cfg(feature = "hcert")]
mod hcert_interop;
#[cfg(all(feature = "hcert", feature = "issue"))]
#[path = "../hcert-chain/sign.rs"]
mod hcert_sign;
#[cfg(feature = "issue")]
mod history;
#[cfg(feature = "issue")]
mod malformed;
#[cfg(feature = "issue")]
mod offline_data;
#[cfg(feature = "pkcs11")]
mod pkcs11;
#[cfg(feature = "pkcs11")]
mod pkcs11_uri;
#[cfg(feature = "issue")]
mod policies;
#[cfg(feature = "issue")]
mod roundtrip;
#[cfg(feature = "issue")]
mod rules_attacks;
#[cfg(all(feature = "scan", feature = "render"))]
mod scan_rgba;
#[cfg(feature = "shc")]
mod shc;
#[cfg(feature = "shc")]
mod shc_interop;
#[cfg(all(feature = "shc", feature = "issue"))]
mod shc_lists;
#[cfg(feature = "issue")]
mod trust_attacks;
#[cfg(feature = "issue")]
mod vectors;
#[cfg(all(feature = "issue", feature = "hazmat"))]
mod zlib_equality;
