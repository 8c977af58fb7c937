//! Shared test fixtures: the RFC 8032 test keys, the sample record, issuing helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::keys::PublicKey;
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::trust::{TrustStore, TrustedKey};

/// RFC 8032 §7.1 test 1 secret key.
pub const TEST1_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];
/// RFC 8032 §7.1 test 1 public key.
pub const TEST1_PUB: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// RFC 8032 §7.1 test 2 public key (an unrelated trusted key).
pub const TEST2_PUB: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

/// 2021-03-10T12:00:00Z
pub const ISSUED_AT: i64 = 1_615_377_600;
/// 48 hours.
pub const VALID_FOR: i64 = 48 * 3600;
/// 2021-03-11T09:00:00Z
pub const VERIFY_AT: i64 = 1_615_453_200;

pub fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix(secs).unwrap()
}

pub fn cn() -> CountryCode {
    CountryCode::new("CN").unwrap()
}

pub fn sample() -> HealthRecord {
    serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap()
}

pub fn issuer() -> Issuer<Ed25519Signer> {
    Issuer::new(Ed25519Signer::from_seed(&TEST1_SEED), cn())
}

pub fn params() -> IssueParams {
    IssueParams::new(t(ISSUED_AT), VALID_FOR)
        .with_id(CertificateId::new(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]).unwrap())
}

pub fn issue(record: &HealthRecord) -> String {
    issuer().issue(record, &params()).unwrap().text
}

pub fn test1_key() -> PublicKey {
    PublicKey::from_hex(TEST1_PUB).unwrap()
}

pub fn store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add(TrustedKey::new(test1_key(), cn()));
    s
}

// --- more RFC 8032 §7.1 test keys (root keys, a second issuer key) ---

/// RFC 8032 §7.1 test 2 secret key.
pub const TEST2_SEED: [u8; 32] = [
    0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3, 0x46, 0xec, 0x11, 0x4e, 0x0f,
    0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab, 0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
];
/// RFC 8032 §7.1 test 3 secret key.
pub const TEST3_SEED: [u8; 32] = [
    0xc5, 0xaa, 0x8d, 0xf4, 0x3f, 0x9f, 0x83, 0x7b, 0xed, 0xb7, 0x44, 0x2f, 0x31, 0xdc, 0xb7, 0xb1,
    0x66, 0xd3, 0x85, 0x35, 0x07, 0x6f, 0x09, 0x4b, 0x85, 0xce, 0x3a, 0x2e, 0x0b, 0x44, 0x58, 0xf7,
];
/// RFC 8032 §7.1 test 3 public key.
pub const TEST3_PUB: &str = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";
/// RFC 8032 §7.1 test 1024 secret key.
pub const TEST1024_SEED: [u8; 32] = [
    0xf5, 0xe5, 0x76, 0x7c, 0xf1, 0x53, 0x31, 0x95, 0x17, 0x63, 0x0f, 0x22, 0x68, 0x76, 0xb8, 0x6c,
    0x81, 0x60, 0xcc, 0x58, 0x3b, 0xc0, 0x13, 0x74, 0x4c, 0x6b, 0xf2, 0x55, 0xf5, 0xcc, 0x0e, 0xe5,
];
/// RFC 8032 §7.1 test 1024 public key.
pub const TEST1024_PUB: &str = "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e";

/// Runs the `travelcert` binary (in test targets built with feature `cli`).
pub fn travelcert(args: &[&str]) -> std::process::Output {
    // Set only for test targets that the `cli` feature builds the binary for.
    let Some(exe) = option_env!("CARGO_BIN_EXE_travelcert") else {
        panic!("the CLI tests need feature `cli`");
    };
    std::process::Command::new(exe).args(args).output().unwrap()
}

/// A path inside the repository, as a string for command lines.
pub fn repo(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

/// The standard output of a successful run; fails the test with the exit code
/// and standard error otherwise.
pub fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A fresh, empty directory for one test (`travelcert-NAME-PID` in the
/// system's temporary directory); whatever was left there before is removed.
pub fn workspace(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("travelcert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A path as a command-line argument.
pub fn arg(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// The standard error of a run, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that a run exited with `code` and named `error` (its stable name)
/// on standard error.
pub fn fails_with(out: &std::process::Output, code: i32, error: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(error), "expected {error}: {err}");
}

/// `travelcert keygen --out-dir DIR --country COUNTRY`, which must succeed.
pub fn keygen(dir: &std::path::Path, country: &str) {
    ok(&travelcert(&[
        "keygen",
        "--out-dir",
        &arg(dir),
        "--country",
        country,
    ]));
}
