//! The command-line round trip: keygen → issue → verify, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{repo, travelcert};

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
        &repo("examples/data/traveller.json"),
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
        travelcert(&[
            "issue",
            "--key",
            &key,
            "--issuer",
            "China",
            &repo("examples/data/traveller.json")
        ])
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

#[test]
fn bulk_issue_and_verify() {
    let dir = std::env::temp_dir().join(format!("travelcert-bulk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    assert!(travelcert(&["keygen", "--out-dir", &d, "--country", "CN"])
        .status
        .success());
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("examples/data/traveller.json")).unwrap(),
    )
    .unwrap();
    let mut lines = Vec::new();
    for i in 0..20 {
        let mut r = record.clone();
        r["holder"]["document_number"] = format!("E{:08}", i).into();
        lines.push(r.to_string());
        if i == 9 {
            lines.push(String::new()); // blank lines are skipped, numbering goes on
            lines.push("{\"holder\": 1}".to_owned()); // line 12: invalid
        }
    }
    let input = dir.join("records.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out_dir = dir.join("out");
    let key = format!("{d}/issuer.key.pem");
    let out = travelcert(&[
        "issue",
        "--key",
        &key,
        "--issuer",
        "CN",
        "--issued-at",
        "2021-03-10T12:00:00Z",
        "--batch",
        &input.display().to_string(),
        "--out-dir",
        &out_dir.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "one invalid record");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("21 in all, 20 ok, 1 failed"), "{summary}");
    let report = std::fs::read_to_string(out_dir.join("report.jsonl")).unwrap();
    let report: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(report.len(), 21);
    let bad: Vec<_> = report.iter().filter(|r| r["ok"] == false).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["line"], 12);
    assert!(out_dir.join("000001.txt").exists() && out_dir.join("000022.txt").exists());
    assert!(!out_dir.join("000012.txt").exists());

    let trust = format!("{d}/trust.json");
    let at = "2021-03-11T09:00:00Z";
    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        at,
        "--batch",
        &out_dir.display().to_string(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    assert!(lines.iter().all(|l| l["valid"] == true));

    // Tamper with one certificate: exit 1, that one named invalid.
    let victim = out_dir.join("000005.txt");
    let text = std::fs::read_to_string(&victim).unwrap();
    let mut tampered = text.trim().to_owned();
    let i = tampered.len() - 30;
    let c = if &tampered[i..=i] == "A" { "B" } else { "A" };
    tampered.replace_range(i..=i, c);
    std::fs::write(&victim, tampered).unwrap();
    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        at,
        "--batch",
        &out_dir.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let invalid: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["valid"] == false)
        .collect();
    assert_eq!(invalid.len(), 1);
    assert!(invalid[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("000005.txt"));
    std::fs::remove_dir_all(&dir).unwrap();
}
