//! Infection history through the CLI: `issue --include-history`, and `verify` printing
//! history, recovery NATs and the journey, and deciding the recovered-traveller
//! policy with windows counted from the departure time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{repo, travelcert, workspace};

#[test]
fn history_needs_the_flag_and_round_trips_through_issue_and_verify() {
    let dir = workspace("cli-history");
    let d = dir.display().to_string();
    let out = travelcert(&["keygen", "--out-dir", &d, "--country", "CN"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!("{d}/issuer.key.pem");
    let trust = format!("{d}/trust.json");
    let record = repo("examples/data/traveller-recovered.json");
    let issue = |extra: &[&str]| {
        let mut args = vec![
            "issue",
            "--key",
            &key,
            "--issuer",
            "CN",
            "--issued-at",
            "2021-03-10T12:00:00Z",
        ];
        args.extend_from_slice(extra);
        args.push(&record);
        travelcert(&args)
    };

    // Without the flag: refused (usage, exit 2), nothing printed on stdout.
    let out = issue(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--include-history"), "{err}");

    let out = issue(&["--include-history"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.trim();

    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        "2021-03-11T01:00:00Z",
        text,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let printed = &json["certificate"]["record"];
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(
        printed, &expected,
        "verify prints the record exactly as issued"
    );
    assert_eq!(
        printed["infection_history"][1]["recovered_on"],
        "2021-01-21"
    );
    assert_eq!(printed["journey"]["transit"][0]["place"], "Doha");

    // The recovered-traveller policy, measured from the departure time.
    let out = travelcert(&[
        "verify",
        "--trust",
        &trust,
        "--at",
        "2021-03-11T01:00:00Z",
        "--policy",
        &repo("examples/policies/recovered-traveller.json"),
        text,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["outcome"], "accepted");
    assert_eq!(view["reference"]["kind"], "departure");
    assert_eq!(view["reference"]["at"], "2021-03-11T03:00:00Z");
    let _ = std::fs::remove_dir_all(&dir);
}
