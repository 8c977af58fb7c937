//! The EU reference test data (tests/interop/dgc-testdata, 137 cases): every
//! case runs with its DSC as the only trusted key and its VALIDATIONCLOCK as
//! the moment; each expected flag the case sets must agree with where
//! verification stopped. Schema validation is reported, never asserted.
//! A flag that disagrees is skipped only when upstream lists the case in
//! known_issues.csv or contradicts itself on it (two cases), each with its reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use travelcert::trust::{Dsc, TrustStore};
use travelcert::verify::hcert::parse_datetime;
use travelcert::verify::{Format, Verifier};
use travelcert::VerifyError;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/dgc-testdata");

/// Where verification stopped, in pipeline order (FORMAT.md §14.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Prefix,
    Base45,
    Compression,
    Cose,
    Signature,
    Claims,
    Payload,
    Trust,
    KeyUsage,
    Time,
    /// Every check held.
    Passed,
}

fn stage_of(e: &VerifyError) -> Stage {
    match e.name() {
        "Empty" | "MissingPrefix" => Stage::Prefix,
        n if n.starts_with("Base45") => Stage::Base45,
        "HcertNotCompressed" | "InflateFailed" | "InflateLimitExceeded" | "ZlibTrailingData" => {
            Stage::Compression
        }
        "CborMalformed"
        | "HcertNotCoseSign1"
        | "HcertCoseStructure"
        | "HcertAlgMissing"
        | "HcertAlgUnsupported"
        | "HcertKidMissing" => Stage::Cose,
        "HcertUnknownKid" | "HcertSignatureInvalid" => Stage::Signature,
        "HcertClaimMissing" | "HcertClaimInvalid" => Stage::Claims,
        "HcertPayloadInvalid" => Stage::Payload,
        "HcertIssuerMismatch" | "HcertDscNotValidAtSigning" => Stage::Trust,
        "HcertKeyUsage" => Stage::KeyUsage,
        "Expired" | "NotYetValid" => Stage::Time,
        other => panic!("unexpected error {other}"),
    }
}

/// The flags this verifier checks, and the stages whose failure means `false`.
const FLAGS: &[(&str, &[Stage])] = &[
    ("EXPECTEDUNPREFIX", &[Stage::Prefix]),
    ("EXPECTEDB45DECODE", &[Stage::Base45]),
    ("EXPECTEDCOMPRESSION", &[Stage::Compression]),
    (
        "EXPECTEDDECODE",
        &[Stage::Cose, Stage::Claims, Stage::Payload],
    ),
    // The signature over a well-formed CWT: a CWT that is not one is not verified.
    ("EXPECTEDVERIFY", &[Stage::Signature, Stage::Claims]),
    ("EXPECTEDKEYUSAGE", &[Stage::KeyUsage]),
    ("EXPECTEDEXPIRATIONCHECK", &[Stage::Time]),
];

/// Upstream contradicts itself on these (case, flag, reason). Two more
/// contradictory cases agree on every flag they set and need no exception:
/// LU/INCERT_R_DCC_Recovery (`iat` after the clock: `NotYetValid`, after
/// the signature) and BG/4 (`iat` before the DSC's validity:
/// `HcertDscNotValidAtSigning`, after the signature).
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    ("LI/4", "EXPECTEDEXPIRATIONCHECK", "its DSC's extended key usage does not allow tests, yet upstream expects this test certificate to be valid (and sets no EXPECTEDKEYUSAGE)"),
    ("IS/3", "EXPECTEDKEYUSAGE", "its DSC names none of the six HCERT OIDs (only ICAO's 2.23.136.1.1.14.2), so it may sign every type, yet upstream expects a key-usage failure"),
];

fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from(ROOT)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `CC/name` of a case file.
fn case_name(path: &Path) -> String {
    let rel = path.strip_prefix(ROOT).unwrap();
    let country = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    let stem = path.file_stem().unwrap().to_string_lossy();
    format!("{country}/{stem}")
}

/// known_issues.csv: (country, test set or "" for all) → (flag, reason).
fn known_issues() -> Vec<(String, String, &'static str, String)> {
    let csv = std::fs::read_to_string(format!("{ROOT}/known_issues.csv")).unwrap();
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let flag = match *f.first()? {
                "test_verification_check" => "EXPECTEDVERIFY",
                "test_expiration_check" => "EXPECTEDEXPIRATIONCHECK",
                "test_expected_key_usage" => "EXPECTEDKEYUSAGE",
                "test_cose_schema" => "EXPECTEDSCHEMAVALIDATION",
                "test_cbor_json" | "test_cose_json" => "EXPECTEDVALIDJSON",
                _ => return None,
            };
            Some((
                f.get(1)?.to_string(),
                f.get(2)?.to_string(),
                flag,
                f.get(3)?.to_string(),
            ))
        })
        .collect()
}

fn skip_reason(name: &str, flag: &str, known: &[(String, String, &str, String)]) -> Option<String> {
    if let Some((_, _, reason)) = EXCEPTIONS.iter().find(|(n, f, _)| *n == name && *f == flag) {
        return Some(format!("upstream contradicts itself: {reason}"));
    }
    let (country, set) = name.split_once('/')?;
    known
        .iter()
        .find(|(c, s, f, _)| c == country && (s.is_empty() || s == set) && *f == flag)
        .map(|(_, _, _, reason)| format!("known_issues.csv: {reason}"))
}

#[test]
fn every_reference_case_agrees() {
    let known = known_issues();
    let mut agreed = 0;
    let mut skipped = Vec::new();
    let mut disagreed = Vec::new();
    let mut schema = BTreeMap::<&str, usize>::new();
    let all = cases();
    assert_eq!(all.len(), 137, "the shared data set has 137 cases");
    for path in &all {
        let name = case_name(path);
        let case: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let ctx = &case["TESTCTX"];
        let expected = &case["EXPECTEDRESULTS"];
        let der = base64_decode(ctx["CERTIFICATE"].as_str().unwrap());
        let dsc = Dsc::from_der(&der).unwrap_or_else(|e| panic!("{name}: DSC: {e}"));
        let mut store = TrustStore::new();
        store.add_dsc(dsc).unwrap();
        let clock = ctx["VALIDATIONCLOCK"]
            .as_str()
            .or(ctx["validationClockInstant"].as_str())
            .unwrap();
        let now = parse_datetime(clock).unwrap_or_else(|| panic!("{name}: clock {clock}"));
        let text = case["PREFIX"].as_str().unwrap();
        let result = Verifier::new(store).verify(text, now);
        let stage = result.as_ref().map_or_else(stage_of, |_| Stage::Passed);
        if let Ok(v) = &result {
            assert!(matches!(v.origin().format(), Format::EuDcc), "{name}");
        }
        for (flag, stages) in FLAGS {
            let Some(want) = expected[*flag].as_bool() else {
                continue;
            };
            // Stopped at or before this check: it cannot be said to pass.
            let got = !stages.contains(&stage) && stage > *stages.iter().max().unwrap();
            if got == want {
                agreed += 1;
            } else if let Some(reason) = skip_reason(&name, flag, &known) {
                // Only a flag that disagrees is skipped, and only for a listed reason.
                skipped.push(format!("{name} {flag}={want}: {reason}"));
            } else {
                disagreed.push(format!("{name} {flag}={want}: got {result:?}"));
            }
        }
        if let Some(want) = expected["EXPECTEDSCHEMAVALIDATION"].as_bool() {
            let issues = result
                .as_ref()
                .ok()
                .and_then(|v| v.foreign())
                .map(|f| f.schema_issues().len());
            let key = match (want, issues) {
                (true, Some(0)) | (false, Some(1..)) => "schema agreed",
                (_, None) => "schema not checked (not verified)",
                _ => "schema differs",
            };
            *schema.entry(key).or_default() += 1;
        }
    }
    println!(
        "dgc-testdata: {} cases, {agreed} flag checks agreed, {} skipped, {} disagreed",
        all.len(),
        skipped.len(),
        disagreed.len()
    );
    for s in &skipped {
        println!("  skipped {s}");
    }
    println!("schema validation (reported only): {schema:?}");
    assert!(
        disagreed.is_empty(),
        "disagreements:\n{}",
        disagreed.join("\n")
    );
    assert!(agreed > 400, "too few checks ran: {agreed}");
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
