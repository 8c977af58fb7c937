//! The command-line round trip: keygen → issue → verify, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{self, arg, keygen, ok, repo, stderr, travelcert, workspace};

#[test]
fn keygen_issue_verify_and_tamper() {
    let dir = workspace("cli");
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

    // --dictionary: a shorter text (QR version 15, not 16) of the same
    // certificate, which verify reads as it reads the plain one.
    let out = travelcert(&[
        "issue",
        "--key",
        &key,
        "--issuer",
        "CN",
        "--issued-at",
        "2021-03-10T12:00:00Z",
        "--id",
        json["certificate"]["certificate_id"].as_str().unwrap(),
        "--dictionary",
        "--svg",
        &arg(&dir.join("dict.svg")),
        &repo("examples/data/traveller.json"),
    ]);
    let short = ok(&out);
    assert!(short.trim().len() < text.len(), "{short}");
    assert!(stderr(&out).contains("QR version 15"), "{}", stderr(&out));
    let again: serde_json::Value = serde_json::from_str(&ok(&travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        at,
        short.trim(),
    ])))
    .unwrap();
    assert_eq!(again["certificate"], json["certificate"]);

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
    let dir = workspace("bulk");
    let d = dir.display().to_string();
    keygen(&dir, "CN");
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

/// The permission bits of a file (Unix only; elsewhere nothing is checked).
fn assert_owner_only(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}: mode {mode:o}", path.display());
    }
}

fn pem(seed: &[u8; 32]) -> String {
    travelcert::issue::Ed25519Signer::from_seed(seed)
        .to_pkcs8_pem()
        .unwrap()
        .as_str()
        .to_owned()
}

const AT: &str = "2021-03-11T09:00:00Z";

#[test]
fn verify_batch_on_empty_input_is_a_usage_error() {
    let dir = workspace("empty-batch");
    let trust = dir.join("trust.json");
    std::fs::write(&trust, common::store().to_json()).unwrap();
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::write(certs.join("notes.md"), "not a certificate").unwrap();
    let blank = dir.join("blank.txt");
    std::fs::write(&blank, "\n  \n\n").unwrap();
    for input in [&certs, &blank] {
        let out = travelcert(&["verify", "--trust", &arg(&trust), "--batch", &arg(input)]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&arg(input)) && err.contains("no certificates"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    // issue --batch on an empty file: the same.
    let key = dir.join("issuer.key.pem");
    std::fs::write(&key, pem(&common::TEST1_SEED)).unwrap();
    let out_dir = dir.join("out");
    let out = travelcert(&[
        "issue",
        "--key",
        &arg(&key),
        "--issuer",
        "CN",
        "--batch",
        &arg(&blank),
        "--out-dir",
        &arg(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no records"), "{}", stderr(&out));
    // One certificate in the directory: verified, exit 0.
    std::fs::write(certs.join("a.txt"), common::issue(&common::sample())).unwrap();
    let out = travelcert(&[
        "verify",
        "--trust",
        &arg(&trust),
        "--at",
        AT,
        "--batch",
        &arg(&certs),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn skew_is_limited_to_one_day() {
    let dir = workspace("skew");
    let trust = dir.join("trust.json");
    std::fs::write(&trust, common::store().to_json()).unwrap();
    let trust = arg(&trust);
    let text = common::issue(&common::sample());
    // Issued 2021-03-10T12:00:00Z; checked 12 hours earlier.
    let early = "2021-03-10T00:00:00Z";
    for bad in ["86401", "-1", "9223372036854775807"] {
        let skew = format!("--skew={bad}");
        let out = travelcert(&["verify", "--trust", &trust, "--at", early, &skew, &text]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("--skew"), "{}", stderr(&out));
    }
    // The largest skew is accepted and applied; the default is not enough.
    let out = travelcert(&[
        "verify", "--trust", &trust, "--at", early, "--skew", "86400", &text,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = travelcert(&["verify", "--trust", &trust, "--at", early, &text]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = travelcert(&[
        "verify", "--trust", &trust, "--at", AT, "--skew", "0", &text,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keygen_refuses_existing_outputs_without_force_and_never_replaces_a_key() {
    let dir = workspace("keygen-force");
    let d = arg(&dir);
    std::fs::write(dir.join("trust.json"), "old").unwrap();
    let out = travelcert(&["keygen", "--out-dir", &d, "--country", "CN"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&arg(&dir.join("trust.json"))),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    // Refused before anything was written.
    assert!(!dir.join("issuer.key.pem").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("trust.json")).unwrap(),
        "old"
    );
    // --force replaces the public outputs.
    ok(&travelcert(&[
        "keygen",
        "--out-dir",
        &d,
        "--country",
        "CN",
        "--force",
    ]));
    assert!(std::fs::read_to_string(dir.join("trust.json"))
        .unwrap()
        .contains("\"CN\""));
    assert_owner_only(&dir.join("issuer.key.pem"));
    // The private key is never replaced, not even with --force.
    let key = std::fs::read(dir.join("issuer.key.pem")).unwrap();
    let out = travelcert(&["keygen", "--out-dir", &d, "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("issuer.key.pem"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("issuer.key.pem")).unwrap(), key);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn issue_and_render_refuse_to_overwrite_qr_files_and_write_them_owner_only() {
    let dir = workspace("issue-force");
    let key = dir.join("issuer.key.pem");
    std::fs::write(&key, pem(&common::TEST1_SEED)).unwrap();
    let key = arg(&key);
    let record = repo("examples/data/traveller.json");
    for (flag, name) in [
        ("--png", "cert.png"),
        ("--svg", "cert.svg"),
        ("--card", "card.svg"),
    ] {
        let path = dir.join(name);
        let p = arg(&path);
        std::fs::write(&path, "precious").unwrap();
        let args = ["issue", "--key", &key, "--issuer", "CN", flag, &p, &record];
        let out = travelcert(&args);
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
        assert!(stderr(&out).contains(&p) && stderr(&out).contains("--force"));
        assert!(out.stdout.is_empty(), "nothing is issued");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
        let mut forced = args.to_vec();
        forced.push("--force");
        ok(&travelcert(&forced));
        assert_ne!(std::fs::read(&path).unwrap(), b"precious");
        assert_owner_only(&path);
    }
    // A new file is owner-only too.
    let fresh = dir.join("fresh.png");
    let text = ok(&travelcert(&[
        "issue",
        "--key",
        &key,
        "--issuer",
        "CN",
        "--png",
        &arg(&fresh),
        &record,
    ]));
    assert_owner_only(&fresh);
    // render: the same rule.
    let out = travelcert(&["render", text.trim(), "--png", &arg(&fresh)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&arg(&fresh)));
    ok(&travelcert(&[
        "render",
        text.trim(),
        "--png",
        &arg(&fresh),
        "--force",
    ]));
    assert_owner_only(&fresh);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn issue_batch_refuses_to_overwrite_and_writes_owner_only() {
    let dir = workspace("batch-force");
    let key = dir.join("issuer.key.pem");
    std::fs::write(&key, pem(&common::TEST1_SEED)).unwrap();
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("examples/data/traveller.json")).unwrap(),
    )
    .unwrap();
    let records = dir.join("records.jsonl");
    std::fs::write(&records, format!("{record}\n{record}\n")).unwrap();
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("000002.txt"), "precious").unwrap();
    let (k, r, o) = (arg(&key), arg(&records), arg(&out_dir));
    let args = [
        "issue",
        "--key",
        &k,
        "--issuer",
        "CN",
        "--batch",
        &r,
        "--out-dir",
        &o,
    ];
    let out = travelcert(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("000002.txt"), "{}", stderr(&out));
    // Refused before anything was issued.
    assert!(!out_dir.join("000001.txt").exists());
    assert!(!out_dir.join("report.jsonl").exists());
    assert_eq!(
        std::fs::read_to_string(out_dir.join("000002.txt")).unwrap(),
        "precious"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&travelcert(&forced));
    for f in ["000001.txt", "000002.txt", "report.jsonl"] {
        assert_owner_only(&out_dir.join(f));
    }
    assert!(std::fs::read_to_string(out_dir.join("000002.txt"))
        .unwrap()
        .starts_with("TC1:"));
    // Run again without --force: the report is in the way now.
    let out = travelcert(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("report.jsonl"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn trust_sign_refuses_to_overwrite_its_output_without_force() {
    let dir = workspace("sign-force");
    let root = dir.join("root.key.pem");
    std::fs::write(&root, pem(&common::TEST2_SEED)).unwrap();
    let keys = dir.join("keys.json");
    std::fs::write(&keys, common::store().to_json()).unwrap();
    let list = dir.join("trust.cose");
    std::fs::write(&list, "precious").unwrap();
    let (r, k, l) = (arg(&root), arg(&keys), arg(&list));
    let args = [
        "trust",
        "sign",
        "--root-key",
        &r,
        "--keys",
        &k,
        "--sequence",
        "1",
        "--out",
        &l,
    ];
    let out = travelcert(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&l) && stderr(&out).contains("--force"));
    assert_eq!(std::fs::read_to_string(&list).unwrap(), "precious");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&travelcert(&forced));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&travelcert(&["trust", "inspect", &l]))).unwrap();
    assert_eq!(json["list"]["sequence"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn revoke_leaves_a_file_it_cannot_read_as_a_list_untouched() {
    let dir = workspace("revoke-keep");
    let root = dir.join("root.key.pem");
    std::fs::write(&root, pem(&common::TEST2_SEED)).unwrap();
    let list = dir.join("revoked.cose");
    std::fs::write(&list, "precious, not a revocation list").unwrap();
    let out = travelcert(&[
        "revoke",
        "--list",
        &arg(&list),
        "--root-key",
        &arg(&root),
        "--id",
        "00112233445566778899aabbccddeeff",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&arg(&list)), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        "precious, not a revocation list"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
