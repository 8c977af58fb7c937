//! `travelcert verify --dsc` and `inspect` on EU DCC (`HC1:`) certificates:
//! the mapped certificate with `"format": "eu-dcc"` (exit 0), a tampered one
//! (exit 1 with the error name), `--policy` on it, and a bare DSC file
//! refused once a root is configured (exit 2).

use serde_json::Value;

use crate::common::*;

const CASE: &str = "tests/interop/dgc-testdata/DE/1.json";
const AT: &str = "2021-06-01T20:00:00+02:00";

/// The case's QR text and its DSC written as PEM into `dir`.
fn setup(name: &str) -> (std::path::PathBuf, String, String) {
    let dir = workspace(&format!("hcert-{name}"));
    let case: Value = serde_json::from_slice(&std::fs::read(repo(CASE)).unwrap()).unwrap();
    let b64 = case["TESTCTX"]["CERTIFICATE"].as_str().unwrap();
    let body: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        body.join("\n")
    );
    let dsc = dir.join("dsc.pem");
    std::fs::write(&dsc, pem).unwrap();
    (dir, arg(&dsc), case["PREFIX"].as_str().unwrap().to_owned())
}

#[test]
fn verify_with_a_dsc_prints_the_mapped_certificate() {
    let (_dir, dsc, text) = setup("verify");
    let out = ok(&travelcert(&["verify", "--dsc", &dsc, "--at", AT, &text]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "eu-dcc");
    assert_eq!(json["certificate"]["issuer"], "DE");
    assert_eq!(
        json["certificate"]["record"]["vaccinations"][0]["product"],
        "mRNA-1273"
    );
    assert_eq!(json["payload"]["nam"]["fnt"], "MUSTERMANN");
    assert_eq!(json["dsc"]["key"], "P-256");
    // Tampered: exit 1 with the error's name.
    let mut bad = text.into_bytes();
    let at = bad.len() - 10;
    bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
    let out = travelcert(&[
        "verify",
        "--dsc",
        &dsc,
        "--at",
        AT,
        &String::from_utf8(bad).unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("HcertSignatureInvalid") || err.contains("InflateFailed"),
        "{err}"
    );
}

#[test]
fn verify_with_a_policy_and_inspect() {
    let (dir, dsc, text) = setup("policy");
    let policy = repo("examples/policies/eu-dcc-vaccination.json");
    // Three days after the second dose: refused (exit 3) by the example rules.
    let out = travelcert(&[
        "verify", "--dsc", &dsc, "--at", AT, "--policy", &policy, &text,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // Three weeks after: accepted.
    let later = "2021-06-19T20:00:00+02:00";
    ok(&travelcert(&[
        "verify", "--dsc", &dsc, "--at", later, "--policy", &policy, &text,
    ]));
    let out = ok(&travelcert(&["inspect", &text]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "eu-dcc");
    assert_eq!(json["verified"], false);
    // With a root configured, a bare DSC file is refused.
    keygen(&dir.join("keys"), "CN");
    let out = travelcert(&[
        "verify",
        "--dsc",
        &dsc,
        "--root",
        &arg(&dir.join("keys/issuer.pub.pem")),
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        AT,
        &text,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("TrustUnsignedRefused"),
        "{}",
        stderr(&out)
    );
}
