//! Command-line tests in one binary: each module runs the `travelcert` binary
//! built by Cargo for this test, in a temporary workspace (`tests/common`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod card;
mod commands;
mod encrypt;
mod hcert;
#[allow(dead_code)]
#[path = "../hcert-chain/sign.rs"]
mod hcert_sign;
mod history;
#[cfg(feature = "pkcs11")]
mod pkcs11;
mod policy;
mod qr;
mod shc;
