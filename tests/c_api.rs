//! The C API (feature `ffi`, with `issue`, `render`, `scan` and `encrypt`).
//!
//! - `header_is_current`: regenerates include/travelcert.h with cbindgen and
//!   fails on any difference (`TRAVELCERT_BLESS=1` rewrites it).
//! - `c_tests_plain`, `c_tests_valgrind`, `c_tests_sanitizers`: build the static
//!   library once with every C API feature (`cargo rustc --lib --features
//!   "ffi issue render scan encrypt" --crate-type staticlib` into target/c-api,
//!   a separate target dir so the nested cargo does not wait on this one's
//!   lock), compile tests/c/*.c with `cc -std=c99 -Wall -Wextra -Werror` and
//!   run them plainly, under valgrind memcheck (errors and definite/indirect
//!   leaks fail) and built with `-fsanitize=address,undefined`.
//! - `header_declares_only_defined_functions`: every function the header
//!   declares with every `TRAVELCERT_FEATURE_*` macro is defined in that library
//!   (`.ci/run` checks the verify-only library the same way, without macros).
//! - `c_example_issues_and_verifies`: builds examples/c/verify.c against the
//!   same library and runs it on the sample traveller.
//! - `vectors_through_the_c_api`: every test vector through `travelcert_verify`
//!   (called from Rust), checking the code and the `VerifyError` name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use travelcert::ffi::*;

#[allow(dead_code)]
#[path = "hcert-chain/sign.rs"]
mod hcert_sign;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn header_is_current() {
    let config = cbindgen::Config::from_file(root().join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    // Only src/ffi: the rest of the crate is not part of the C API.
    cbindgen::Builder::new()
        .with_src(root().join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen failed")
        .write(&mut generated);
    let path = root().join("include/travelcert.h");
    if std::env::var_os("TRAVELCERT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/travelcert.h differs from what cbindgen generates from src/ffi; \
         regenerate it with: TRAVELCERT_BLESS=1 cargo test --all-features --test c_api header"
    );
}

/// Where the C builds go.
fn out_dir() -> PathBuf {
    root().join("target/c-api")
}

/// Builds the static library once per test run and returns its path.
fn static_lib() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(root())
            .args([
                "rustc",
                "--lib",
                "--features",
                FEATURES,
                "--crate-type",
                "staticlib",
                "--target-dir",
            ])
            .arg(out_dir())
            // The outer `cargo test` may set these for its own build.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("cannot run cargo");
        assert!(status.success(), "building the static library failed");
        let lib = out_dir().join("debug/libtravelcert.a");
        assert!(lib.exists(), "{} is missing", lib.display());
        lib
    })
}

/// The features of the library the C tests link: every C API entry point.
const FEATURES: &str = "ffi issue render scan encrypt hcert shc";

/// The header's macros for those features.
const DEFINES: &[&str] = &[
    "-DTRAVELCERT_FEATURE_ISSUE",
    "-DTRAVELCERT_FEATURE_RENDER",
    "-DTRAVELCERT_FEATURE_SCAN",
    "-DTRAVELCERT_FEATURE_ENCRYPT",
    "-DTRAVELCERT_FEATURE_HCERT",
    "-DTRAVELCERT_FEATURE_SHC",
];

/// The C test sources (tests/c/check.h says which holds what).
const C_TESTS: &[&str] = &[
    "tests/c/test_ffi.c",
    "tests/c/test_issue.c",
    "tests/c/test_verify.c",
    "tests/c/test_qr.c",
    "tests/c/test_offline.c",
    "tests/c/test_encrypt.c",
    "tests/c/test_hcert.c",
    "tests/c/test_shc.c",
];

/// The system libraries a Rust static library needs on Linux.
const NATIVE_LIBS: &[&str] = &["-lpthread", "-ldl", "-lm", "-lrt", "-lutil"];

/// Compiles `sources` against the static library into `name`.
fn compile(name: &str, sources: &[&str], extra: &[&str]) -> PathBuf {
    let lib = static_lib();
    let exe = out_dir().join(name);
    let mut cmd = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cmd.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-g", "-pthread"])
        .args(DEFINES)
        .args(extra)
        .arg("-I")
        .arg(root().join("include"));
    for s in sources {
        cmd.arg(root().join(s));
    }
    cmd.arg(lib).args(NATIVE_LIBS).arg("-o").arg(&exe);
    let output = cmd
        .output()
        .expect("cannot run cc: the C API tests need a C compiler (apt-get install -y gcc)");
    let hint = if extra.iter().any(|f| f.starts_with("-fsanitize")) {
        "\n(the sanitizer build needs gcc's ASan/UBSan runtimes: apt-get install -y gcc libasan8 libubsan1)"
    } else {
        ""
    };
    assert!(
        output.status.success(),
        "compiling {name} failed:\n{}{hint}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

/// Files for the C tests, written once: signed lists and a policy for the
/// offline-data entry points — `root.pem` (RFC 8032 key 2, the root),
/// `trust.cose` (CN: key 1, sequence 5), `revoked.cose` (revokes the C tests'
/// sample, CN 0123456789abcdef, sequence 3), `policy.json`
/// (examples/policies/entry-double-nat.json); a record with infection history,
/// `recovered.json` (examples/data/traveller-recovered.json); reader key files
/// from fixed bytes — `reader.shared.json` (mode 1), `reader.key.json` and
/// `reader.pub.json` (an X25519 pair, mode 2), `other.key.json` (another
/// reader's pair).
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        use travelcert::issue::{Ed25519Signer, Signer};
        use travelcert::keys::PublicKey;
        use travelcert::model::{CertificateId, CountryCode, Timestamp};
        use travelcert::trust::{RevocationList, TrustList, TrustedKey};
        let seed = |hex: &str| -> [u8; 32] { hex::decode(hex).unwrap().try_into().unwrap() };
        let root = Ed25519Signer::from_seed(&seed(
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        ));
        let ts = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
        let cn = CountryCode::new("CN").unwrap();
        let key1 =
            PublicKey::from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                .unwrap();
        let mut trust = TrustList::new(ts("2021-03-01T00:00:00Z"), 5, ts("2031-01-01T00:00:00Z"));
        trust.keys.push(TrustedKey::new(key1, cn));
        let mut revoked =
            RevocationList::new(ts("2021-03-10T00:00:00Z"), 3, ts("2021-03-17T00:00:00Z"));
        revoked.revoke(
            cn,
            &CertificateId::new(&hex::decode("0123456789abcdef").unwrap()).unwrap(),
        );
        let dir = out_dir().join("fixtures");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("root.pem"), root.public_key().to_spki_pem()).unwrap();
        std::fs::write(dir.join("trust.cose"), trust.sign(&root).unwrap()).unwrap();
        std::fs::write(dir.join("revoked.cose"), revoked.sign(&root).unwrap()).unwrap();
        std::fs::copy(
            root_dir().join("examples/policies/entry-double-nat.json"),
            dir.join("policy.json"),
        )
        .unwrap();
        std::fs::copy(
            root_dir().join("examples/data/traveller-recovered.json"),
            dir.join("recovered.json"),
        )
        .unwrap();
        use travelcert::encrypt::keys::{ReaderSecretKey, SharedKey};
        let shared = SharedKey::from_bytes([0x11; 32]);
        let pair = ReaderSecretKey::from_bytes([0x22; 32]).unwrap();
        let other = ReaderSecretKey::from_bytes([0x33; 32]).unwrap();
        std::fs::write(dir.join("reader.shared.json"), shared.to_json().as_str()).unwrap();
        std::fs::write(dir.join("reader.key.json"), pair.to_json().as_str()).unwrap();
        std::fs::write(dir.join("reader.pub.json"), pair.public_key().to_json()).unwrap();
        std::fs::write(dir.join("other.key.json"), other.to_json().as_str()).unwrap();
        // HC1: the CSCA/DSC chain of tests/hcert-chain and a certificate its DSC signed.
        for name in ["csca.pem", "csca-rsa.pem", "dsc.pem"] {
            std::fs::write(dir.join(name), hcert_sign::file(name)).unwrap();
        }
        std::fs::write(dir.join("hcert.txt"), hcert_sign::hc1("dsc.pem")).unwrap();
        // SMART Health Cards: the spec's example issuer, its revocation list,
        // example 00 (one QR) and example 02 (three chunks, one per line).
        let shc = root_dir().join("tests/interop/shc/examples");
        for (from, to) in [
            ("issuer/jwks.json", "shc-jwks.json"),
            (
                "issuer/crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json",
                "shc-crl.json",
            ),
            ("example-00-f-qr-code-numeric-value-0.txt", "shc-00.txt"),
        ] {
            std::fs::copy(shc.join(from), dir.join(to)).unwrap();
        }
        let chunks: Vec<String> = (0..3)
            .map(|i| {
                std::fs::read_to_string(
                    shc.join(format!("example-02-f-qr-code-numeric-value-{i}.txt")),
                )
                .unwrap()
                .trim()
                .to_owned()
            })
            .collect();
        std::fs::write(dir.join("shc-02.txt"), chunks.join("\n") + "\n").unwrap();
        dir
    })
}

fn root_dir() -> PathBuf {
    root().to_path_buf()
}

/// Runs a command, retrying while the executable is "busy" (ETXTBSY): when
/// the tests run in parallel, another thread's fork can briefly hold a write
/// handle to a binary that was just linked (Cargo retries the same way).
fn output(cmd: &mut Command, what: &str) -> std::process::Output {
    for _ in 0..50 {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            result => return result.unwrap_or_else(|e| panic!("cannot run {what}: {e}")),
        }
    }
    panic!("cannot run {what}: the executable stayed busy (ETXTBSY) for 5 s")
}

/// Runs a C test binary with the sample record's path and the fixtures
/// directory, and checks it passed.
fn run(mut cmd: Command, what: &str) -> String {
    cmd.arg(root().join("examples/data/traveller.json"));
    cmd.arg(fixtures());
    let output = output(&mut cmd, what);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" passed, 0 failed")),
        "{what}: no summary line:\n{stdout}"
    );
    stderr
}

fn test_binary(name: &str, extra: &[&str]) -> PathBuf {
    compile(name, C_TESTS, extra)
}

#[test]
fn c_tests_plain() {
    let exe = test_binary("test_ffi", &["-O1"]);
    run(Command::new(exe), "the C tests");
}

#[test]
fn c_tests_valgrind() {
    let probe = Command::new("valgrind").arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "valgrind is required for the C API tests: apt-get install -y valgrind"
    );
    let exe = test_binary("test_ffi_valgrind", &["-O0"]);
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--tool=memcheck",
        "--error-exitcode=1",
        "--leak-check=full",
        "--show-leak-kinds=definite,indirect",
        "--errors-for-leak-kinds=definite,indirect",
        "--track-origins=yes",
        "-q",
    ])
    .arg(exe)
    .env("TRAVELCERT_C_TEST_QUICK", "1");
    let stderr = run(cmd, "the C tests under valgrind");
    assert!(
        !stderr.contains("definitely lost") && !stderr.contains("indirectly lost"),
        "valgrind reports leaks:\n{stderr}"
    );
}

#[test]
fn c_tests_sanitizers() {
    let exe = test_binary(
        "test_ffi_asan",
        &[
            "-O1",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ],
    );
    let mut cmd = Command::new(exe);
    // LeakSanitizer needs ptrace, which containers often refuse; valgrind is
    // the authority on leaks.
    cmd.env(
        "ASAN_OPTIONS",
        "detect_leaks=0:abort_on_error=1:strict_string_checks=1",
    )
    .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    let stderr = run(cmd, "the C tests under ASan/UBSan");
    assert!(
        !stderr.contains("runtime error") && !stderr.contains("AddressSanitizer"),
        "sanitizer report:\n{stderr}"
    );
}

/// The function names in `text` (C source): identifiers `travelcert_…`
/// followed by `(`.
fn called_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for (i, _) in text.match_indices("travelcert_") {
        let rest = &text[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('(') {
            names.insert(rest[..end].to_owned());
        }
    }
    names
}

#[test]
fn header_declares_only_defined_functions() {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let pre = Command::new(cc)
        .args(["-E", "-P", "-std=c99"])
        .args(DEFINES)
        .arg(root().join("include/travelcert.h"))
        .output()
        .expect("cannot run cc");
    assert!(pre.status.success());
    let declared = called_names(&String::from_utf8_lossy(&pre.stdout));
    let nm = Command::new("nm")
        .args(["--defined-only", "--format=just-symbols"])
        .arg(static_lib())
        .output()
        .expect("cannot run nm (binutils)");
    assert!(nm.status.success());
    let nm = String::from_utf8_lossy(&nm.stdout);
    let defined: std::collections::BTreeSet<&str> = nm.lines().collect();
    let missing: Vec<&String> = declared
        .iter()
        .filter(|n| !defined.contains(n.as_str()))
        .collect();
    assert!(declared.len() > 40, "{declared:?}");
    assert!(missing.is_empty(), "declared but not defined: {missing:?}");
    for feature_function in [
        "travelcert_issuer_issue_with_options",
        "travelcert_render_png",
        "travelcert_scan",
        "travelcert_reader_keys_add_json",
        "travelcert_verifier_with_reader_keys",
    ] {
        assert!(declared.contains(feature_function), "{feature_function}");
    }
}

#[test]
fn c_example_issues_and_verifies() {
    let exe = compile("verify_example", &["examples/c/verify.c"], &["-O1"]);
    let output = output(
        Command::new(exe).current_dir(root().join("examples/c")),
        "the C example",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the C example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("TC1:"), "{stdout}");
    assert!(
        stdout.contains("verified: WANG XIAOMING (王小明), document E12345678"),
        "{stdout}"
    );
    let tampered = stdout
        .lines()
        .find(|l| l.starts_with("tampered: "))
        .unwrap_or("");
    assert!(
        tampered.len() > "tampered: ".len() + 8 && !tampered.ends_with("(code 0)"),
        "{stdout}"
    );
}

/// Every vector through the C entry points, from Rust: the code matches the
/// error's kind and the error name is the vector's.
#[test]
fn vectors_through_the_c_api() {
    let mut checked = 0;
    let mut dir: Vec<_> = std::fs::read_dir(root().join("tests/vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    dir.sort();
    for path in dir {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let store_json = v["trust_store"].to_string();
        let text = v["qr_text"].as_str().unwrap();
        let at = v["verify_at"].as_i64().unwrap();
        let skew = v["clock_skew"].as_i64().unwrap();
        let mut store = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let rc = travelcert_trust_store_from_json(
            store_json.as_ptr(),
            store_json.len(),
            &mut store,
            &mut err,
        );
        assert_eq!(rc, travelcert_result::Ok, "{}", path.display());
        let mut verifier = std::ptr::null_mut();
        let rc = travelcert_verifier_new_with_options(store, skew, 64 * 1024, &mut verifier);
        assert_eq!(rc, travelcert_result::Ok);
        travelcert_trust_store_free(store);
        let mut verified = std::ptr::null_mut();
        let rc = travelcert_verify(
            verifier,
            text.as_ptr(),
            text.len(),
            at,
            &mut verified,
            &mut err,
        );
        if v["valid"].as_bool().unwrap() {
            assert_eq!(rc, travelcert_result::Ok, "{}", path.display());
            assert!(!verified.is_null() && err.is_null());
            travelcert_verified_free(verified);
        } else {
            let expected = v["error"].as_str().unwrap();
            // Built with `hcert`, the verifier reads vector 20 (`HC1:` before
            // a travelcert body) as an HCERT text (FORMAT.md §14.1).
            let expected = if cfg!(feature = "hcert") && text.starts_with("HC1:") {
                "HcertAlgUnsupported"
            } else {
                expected
            };
            assert!(verified.is_null());
            assert_eq!(travelcert_error_code(err), rc);
            let (mut name, mut len) = (std::ptr::null(), 0usize);
            assert_eq!(
                travelcert_error_name(err, &mut name, &mut len),
                travelcert_result::Ok
            );
            let name = unsafe { std::slice::from_raw_parts(name.cast::<u8>(), len) };
            assert_eq!(
                std::str::from_utf8(name).unwrap(),
                expected,
                "{}",
                path.display()
            );
            let kind = travelcert_kind_of(rc as u32);
            let expected_kind = match expected {
                "SignatureInvalid" => travelcert_result_kind::Signature,
                "UnknownKid"
                | "KeyNotValidAtIssue"
                | "IssuerMismatch"
                | "RecordKindNotAllowed"
                | "ValidityTooLong" => travelcert_result_kind::UntrustedKey,
                "Expired" | "NotYetValid" => travelcert_result_kind::Validity,
                _ => travelcert_result_kind::Decode,
            };
            assert_eq!(kind, expected_kind, "{}: {rc:?}", path.display());
            travelcert_error_free(err);
        }
        travelcert_verifier_free(verifier);
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} vectors");
}
