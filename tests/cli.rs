//! The command-line round trip: keygen → issue → verify, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn travelcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_travelcert"))
        .args(args)
        .output()
        .unwrap()
}

fn sample_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data/traveller.json")
        .display()
        .to_string()
}

#[test]
fn keygen_issue_verify_and_tamper() {
    let dir = std::env::temp_dir().join(format!("travelcert-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let out = travelcert(&["keygen", "--out-dir", &d, "--country", "CN"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["issuer.key.pem", "issuer.pub.pem", "trust.json"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    let pem = std::fs::read_to_string(dir.join("issuer.key.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    // keygen never overwrites a key.
    assert_eq!(
        travelcert(&["keygen", "--out-dir", &d]).status.code(),
        Some(2)
    );

    let key = format!("{d}/issuer.key.pem");
    let trust = format!("{d}/trust.json");
    let out = travelcert(&[
        "issue",
        "--key",
        &key,
        "--issuer",
        "CN",
        "--valid-for",
        "48h",
        "--issued-at",
        "2021-03-10T12:00:00Z",
        &sample_path(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("TC1:") && text.ends_with('\n'));
    let text = text.trim();

    let at = "2021-03-11T09:00:00Z";
    let out = travelcert(&["verify", "--trust", &trust, "--at", at, text]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["certificate"]["record"]["holder"]["document_number"],
        "E12345678"
    );
    assert_eq!(json["certificate"]["issuer"], "CN");

    // Whitespace and a trailing newline around the text in a file are ignored.
    let file = dir.join("cert.txt");
    std::fs::write(&file, format!("  {text}\n\n")).unwrap();
    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        at,
        "--text-file",
        &file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));

    // A tampered text: exit 1 with one line naming the error.
    let mut tampered = text.to_owned();
    let i = tampered.len() - 20;
    let c = if &tampered[i..=i] == "A" { "B" } else { "A" };
    tampered.replace_range(i..=i, c);
    let out = travelcert(&["verify", "--trust", &trust, "--at", at, &tampered]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("invalid: "), "{err}");
    assert!(out.stdout.is_empty());

    // Expired: exit 1, named.
    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        "2021-03-20T00:00:00Z",
        text,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("invalid: Expired"));

    // Usage and I/O errors: exit 2.
    assert_eq!(
        travelcert(&["verify", "--trust", "/nonexistent.json", text])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        travelcert(&["verify", "--trust", &trust, "--at", "yesterday", text])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(travelcert(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        travelcert(&["issue", "--key", &key, "--issuer", "China", &sample_path()])
            .status
            .code(),
        Some(2)
    );

    // inspect decodes without trust and says so.
    let out = travelcert(&["inspect", text]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT VERIFIED"));
    std::fs::remove_dir_all(&dir).unwrap();
}
