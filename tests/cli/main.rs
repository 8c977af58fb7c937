//! Command-line tests in one binary: each module runs the `travelcert` binary
//! built by Cargo for this test, in a temporary workspace (`tests/common`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod commands;
mod encrypt;
mod hcert;
mod history;
mod policy;
mod qr;
