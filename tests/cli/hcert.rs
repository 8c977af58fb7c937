//! `travelcert verify --dsc` and `inspect` on EU DCC (`HC1:`) certificates:
//! the mapped certificate with `"format": "eu-dcc"` (exit 0), a tampered one
//! (exit 1 with the error name), `--policy` on it, a bare DSC file refused
//! once a root is configured (exit 2), DSCs that chain to a `--csca`, and
//! DSCs carried inside a signed trust list (`trust sign --dsc`).

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
    fails_with(&out, 2, "TrustUnsignedRefused");
}

/// A chain fixture of tests/hcert-chain as a command-line argument.
fn chain(name: &str) -> String {
    format!("{}/{name}", crate::hcert_sign::DIR)
}

/// 2021-06-02T00:00:00Z: inside every chain fixture's validity.
const CHAIN_AT: &str = "2021-06-02T00:00:00Z";

#[test]
fn verify_with_a_root_takes_a_dsc_that_chains_to_a_csca_and_refuses_a_bare_one() {
    let dir = workspace("hcert-csca");
    keygen(&dir.join("root"), "DE");
    let root = arg(&dir.join("root/issuer.pub.pem"));
    let state = arg(&dir.join("state"));
    let text = crate::hcert_sign::hc1("dsc.pem");
    let dsc = chain("dsc.pem");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--root",
            &root,
            "--state-dir",
            &state,
            "--at",
            CHAIN_AT,
        ];
        args.extend_from_slice(extra);
        args.push(&text);
        travelcert(&args)
    };
    // Chained: exit 0, the CSCA named in the output.
    let csca = chain("csca.pem");
    let out = ok(&verify(&["--csca", &csca, "--dsc", &dsc]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "eu-dcc");
    assert_eq!(json["dsc"]["csca"].as_str().unwrap().len(), 16);
    // Scoped to another country: exit 1 with the chain's error.
    let scoped = format!("FR={csca}");
    let out = verify(&["--csca", &scoped, "--dsc", &dsc]);
    fails_with(&out, 1, "HcertCscaCountry");
    // Not chained to the configured CSCA: exit 1.
    let rsa = chain("csca-rsa.pem");
    let out = verify(&["--csca", &rsa, "--dsc", &dsc]);
    fails_with(&out, 1, "HcertDscNotChained");
    // A bare DSC file with a root and no CSCA: exit 2 naming the file.
    let out = verify(&["--dsc", &dsc]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("TrustUnsignedRefused") && err.contains(&dsc),
        "{err}"
    );
    // A CSCA file that is no certificate: exit 2 naming it.
    let junk = dir.join("junk.pem");
    std::fs::write(&junk, "junk").unwrap();
    let out = verify(&["--csca", &arg(&junk), "--dsc", &dsc]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&arg(&junk)), "{}", stderr(&out));
}

#[test]
fn a_signed_trust_list_carries_dscs() {
    let dir = workspace("hcert-list");
    keygen(&dir.join("root"), "DE");
    let keys = dir.join("keys.json");
    std::fs::write(&keys, r#"{"keys": []}"#).unwrap();
    let list = arg(&dir.join("list.cose"));
    let out = ok(&travelcert(&[
        "trust",
        "sign",
        "--root-key",
        &arg(&dir.join("root/issuer.key.pem")),
        "--keys",
        &arg(&keys),
        "--sequence",
        "1",
        "--issued-at",
        "2021-05-01T00:00:00Z",
        "--valid-for",
        "365d",
        "--dsc",
        &chain("dsc.pem"),
        "--out",
        &list,
    ]));
    assert!(out.contains("1 DSCs"), "{out}");
    let root = arg(&dir.join("root/issuer.pub.pem"));
    let inspected = ok(&travelcert(&[
        "trust", "inspect", &list, "--root", &root, "--at", CHAIN_AT,
    ]));
    let json: Value = serde_json::from_str(&inspected).unwrap();
    assert_eq!(json["list"]["dscs"][0]["country"], "DE");
    let text = crate::hcert_sign::hc1("dsc.pem");
    let out = ok(&travelcert(&[
        "verify",
        "--root",
        &root,
        "--trust",
        &list,
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        CHAIN_AT,
        &text,
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "eu-dcc");
    assert!(json["vouched_by"].is_string(), "{json}");
    // A list for another country: --dsc FR=... lists it as FR, and then the
    // certificate's issuer (DE) no longer matches the DSC.
    // (--keys is optional for a list of DSCs only.)
    let fr = arg(&dir.join("fr.cose"));
    ok(&travelcert(&[
        "trust",
        "sign",
        "--root-key",
        &arg(&dir.join("root/issuer.key.pem")),
        "--sequence",
        "2",
        "--issued-at",
        "2021-05-01T00:00:00Z",
        "--valid-for",
        "365d",
        "--dsc",
        &format!("FR={}", chain("dsc.pem")),
        "--out",
        &fr,
    ]));
    let out = travelcert(&[
        "verify",
        "--root",
        &root,
        "--trust",
        &fr,
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        CHAIN_AT,
        &text,
    ]);
    fails_with(&out, 1, "HcertIssuerMismatch");
}
