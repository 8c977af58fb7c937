//! Byte-exact test vectors (tests/vectors/*.json), made with the RFC 8032 test
//! key 1. `vectors_are_reproducible` regenerates every vector and fails on any
//! difference (set `TRAVELCERT_BLESS=1` to rewrite them after an intended
//! format change); `vectors_verify_as_stated` checks each against the verifier.
//! FORMAT.md describes the fields; tests/independent/ verifies them from
//! FORMAT.md alone, in Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};
use travelcert::codec::{base45, claims, zlib};
use travelcert::cose::{sign1, Algorithm};
use travelcert::issue::Signer;
use travelcert::model::{HealthRecord, RawCbor, VaccineProduct};
use travelcert::trust::TrustStore;
use travelcert::verify::{Verifier, VerifyOptions};

const SKEW: i64 = 300;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn key_json(pub_hex: &str, country: &str, kinds: &[&str], not_after: &str) -> Value {
    let key = travelcert::keys::PublicKey::from_hex(pub_hex).unwrap();
    json!({
        "kid": key.kid().to_string(),
        "country": country,
        "public_key": pub_hex,
        "not_before": "2021-01-01T00:00:00Z",
        "not_after": not_after,
        "record_kinds": kinds,
    })
}

fn default_store() -> Value {
    json!({"keys": [key_json(TEST1_PUB, "CN", &["nat", "antibody", "vaccination"], "2031-01-01T00:00:00Z")]})
}

struct Case {
    name: &'static str,
    description: &'static str,
    text: String,
    store: Value,
    verify_at: i64,
}

/// Issues `record` as usual but with an arbitrary header algorithm.
fn with_alg(record: &HealthRecord, alg_id: i64) -> Vec<u8> {
    let cert = issuer().issue(record, &params()).unwrap().certificate;
    let payload = claims::encode_claims(&cert);
    let signer = travelcert::issue::Ed25519Signer::from_seed(&TEST1_SEED);
    let kid = signer.public_key().kid();
    // The protected header written by hand so that any alg value fits.
    let mut protected = vec![0xa2, 0x01];
    protected.extend(cbor_int(alg_id));
    protected.extend([0x04, 0x48]);
    protected.extend(kid.0);
    let tbs = sign1::sig_structure(&protected, &payload);
    let sig = signer.sign(&tbs).unwrap();
    sign1::assemble(&protected, &payload, &sig)
}

fn cbor_int(n: i64) -> Vec<u8> {
    assert!((-24..24).contains(&n));
    vec![if n >= 0 {
        n as u8
    } else {
        0x20 + (-1 - n) as u8
    }]
}

fn text_of(cose: &[u8], compress: bool) -> String {
    let body = if compress {
        zlib::compress(cose)
    } else {
        cose.to_vec()
    };
    format!("TC1:{}", base45::encode(&body))
}

fn cose_of(text: &str) -> Vec<u8> {
    let body = travelcert::codec::text_to_body(text).unwrap();
    travelcert::codec::body_to_cose(&body, 1 << 16)
        .unwrap()
        .0
        .into_owned()
}

fn cases() -> Vec<Case> {
    let sample = sample();
    let valid = |name, description, text| Case {
        name,
        description,
        text,
        store: default_store(),
        verify_at: VERIFY_AT,
    };
    let mut nat_only = sample.clone();
    nat_only.antibody_tests.clear();
    nat_only.vaccinations.clear();
    let mut antibody_only = sample.clone();
    antibody_only.nat_tests.clear();
    antibody_only.vaccinations.clear();
    antibody_only.antibody_tests[0].quantity = Some(travelcert::model::Quantity {
        mantissa: 1234,
        exponent: -2,
        unit: "BAU/mL".into(),
    });
    let mut igm = antibody_only.antibody_tests[0].clone();
    igm.class = travelcert::model::AntibodyClass::IgM;
    igm.quantity = None;
    antibody_only.antibody_tests.push(igm);
    let mut vaccination_only = sample.clone();
    vaccination_only.nat_tests.clear();
    vaccination_only.antibody_tests.clear();
    vaccination_only.journey = None;

    let non_latin: HealthRecord = serde_json::from_value(json!({
        "holder": {
            "native_name": "محمد أحمد",
            "primary_name": "AHMED",
            "secondary_name": "MOHAMMED",
            "date_of_birth": "1990-07",
            "sex": "X",
            "nationality": "PAK",
            "document_type": "travel-document",
            "document_number": "AB1234567"
        },
        "nat_tests": [{
            "disease": "sars-cov-2", "method": "rt-lamp",
            "sampled_at": "2021-03-09T23:15:00Z", "result": "negative",
            "laboratory": {"name": "Лаборатория № 5", "country": "KZ"}
        }]
    }))
    .unwrap();

    let mut forward = vaccination_only.clone();
    forward.vaccinations[0].product = VaccineProduct::Unknown(99);
    forward.vaccinations[0].unknown_elements = vec![RawCbor::new(vec![0x63, b'n', b'e', b'w'])];
    forward
        .unknown_keys
        .insert(9, RawCbor::new(vec![0x82, 0x01, 0x02]));

    let sample_text = issue(&sample);
    let sample_cose = cose_of(&sample_text);

    // Tampered payload: the document number's first letter E → F, not re-signed.
    let mut tampered = sample_cose.clone();
    let at = tampered.windows(9).position(|w| w == b"E12345678").unwrap();
    tampered[at] = b'F';
    // Tampered signature: last byte flipped.
    let mut bad_sig = sample_cose.clone();
    *bad_sig.last_mut().unwrap() ^= 0x01;

    let bomb = format!(
        "TC1:{}",
        base45::encode(&zlib::compress(&vec![0u8; 70_000]))
    );

    let mut v = vec![
        valid("01-sample", "the full sample traveller: NAT, IgG antibody test and two vaccination doses, compressed", sample_text.clone()),
        valid("02-nat-only", "one NAT only", issue(&nat_only)),
        valid("03-antibody-only", "IgG with a quantitative value and IgM, antibody tests only", issue(&antibody_only)),
        valid("04-vaccination-only", "two vaccination doses only, no journey", issue(&vaccination_only)),
        valid("05-non-latin", "Arabic native name, Cyrillic laboratory name, year-month date of birth, sex X", issue(&non_latin)),
        valid("06-uncompressed", "the sample with an uncompressed body (first byte 0xD2)", text_of(&sample_cose, false)),
        valid("07-alg-eddsa", "alg -8 (EdDSA) instead of -19, accepted with an Ed25519 key", text_of(&with_alg(&sample, -8), true)),
        valid("08-unknown-codes-kept", "an unknown vaccine code (99), an unknown trailing element and an unknown record key (9), all kept", issue(&forward)),
    ];
    let invalid = |name, description, text| Case {
        name,
        description,
        text,
        store: default_store(),
        verify_at: VERIFY_AT,
    };
    v.extend([
        invalid("20-bad-prefix", "HC1: instead of TC1:", sample_text.replacen("TC1:", "HC1:", 1)),
        invalid("21-bad-base45", "a lower-case character in the Base45 text", {
            let mut s = sample_text.clone();
            s.replace_range(10..11, "a");
            s
        }),
        invalid("22-tampered-payload", "one payload byte changed after signing", text_of(&tampered, true)),
        invalid("23-tampered-signature", "the last signature byte flipped", text_of(&bad_sig, true)),
        Case {
            name: "24-unknown-kid",
            description: "signed by test key 1; the trust store holds only test key 2",
            text: sample_text.clone(),
            store: json!({"keys": [key_json(TEST2_PUB, "CN", &["nat", "antibody", "vaccination"], "2031-01-01T00:00:00Z")]}),
            verify_at: VERIFY_AT,
        },
        invalid("25-wrong-alg", "alg -7 (ES256) in the protected header", text_of(&with_alg(&sample, -7), true)),
        Case {
            name: "26-expired",
            description: "verified 301 s after exp with a 300 s clock skew",
            text: sample_text.clone(),
            store: default_store(),
            verify_at: ISSUED_AT + VALID_FOR + SKEW + 1,
        },
        Case {
            name: "27-not-yet-valid",
            description: "verified 301 s before iat with a 300 s clock skew",
            text: sample_text.clone(),
            store: default_store(),
            verify_at: ISSUED_AT - SKEW - 1,
        },
        Case {
            name: "28-key-outside-validity",
            description: "the key's validity ended before the issue time",
            text: sample_text.clone(),
            store: json!({"keys": [key_json(TEST1_PUB, "CN", &["nat", "antibody", "vaccination"], "2021-03-01T00:00:00Z")]}),
            verify_at: VERIFY_AT,
        },
        invalid("29-oversized-inflate", "a zlib body that inflates to 70,000 bytes, over the 64 KiB cap", bomb),
        Case {
            name: "30-issuer-mismatch",
            description: "the key is trusted for PK, the certificate claims CN",
            text: sample_text.clone(),
            store: json!({"keys": [key_json(TEST1_PUB, "PK", &["nat", "antibody", "vaccination"], "2031-01-01T00:00:00Z")]}),
            verify_at: VERIFY_AT,
        },
        Case {
            name: "31-record-kind-not-allowed",
            description: "the key may sign NAT records only",
            text: sample_text,
            store: json!({"keys": [key_json(TEST1_PUB, "CN", &["nat"], "2031-01-01T00:00:00Z")]}),
            verify_at: VERIFY_AT,
        },
    ]);
    v
}

/// Runs the verifier on a case: the vector's `valid`, `expected` and `error`.
fn outcome(text: &str, store: &Value, verify_at: i64) -> (bool, Option<Value>, Option<String>) {
    let store = TrustStore::from_json(store.to_string().as_bytes()).unwrap();
    let verifier = Verifier::with_options(
        store,
        VerifyOptions {
            clock_skew: SKEW,
            ..VerifyOptions::default()
        },
    );
    match verifier.verify(text, t(verify_at)) {
        Ok(v) => (
            true,
            Some(serde_json::to_value(&v.certificate).unwrap()),
            None,
        ),
        Err(e) => (false, None, Some(e.name().to_owned())),
    }
}

fn generate(case: &Case) -> Value {
    let (valid, expected, error) = outcome(&case.text, &case.store, case.verify_at);
    let mut v = json!({
        "description": case.description,
        "public_key_hex": TEST1_PUB,
        "trust_store": case.store,
        "verify_at": case.verify_at,
        "clock_skew": SKEW,
        "qr_text": case.text,
        "valid": valid,
    });
    match (expected, error) {
        (Some(e), _) => v["expected"] = e,
        (_, Some(e)) => v["error"] = json!(e),
        _ => unreachable!(),
    }
    v
}

#[test]
fn vectors_are_reproducible() {
    let bless = std::env::var_os("TRAVELCERT_BLESS").is_some();
    let mut stale = Vec::new();
    for case in cases() {
        let text = serde_json::to_string_pretty(&generate(&case)).unwrap() + "\n";
        let path = dir().join(format!("{}.json", case.name));
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(case.name);
        }
    }
    assert!(
        stale.is_empty(),
        "vectors differ from what the code generates: {stale:?} (TRAVELCERT_BLESS=1 rewrites them)"
    );
}

#[test]
fn vectors_verify_as_stated() {
    let mut files: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the full vector set, found {}",
        files.len()
    );
    let (mut valid_count, mut invalid_count) = (0, 0);
    for path in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["public_key_hex"], TEST1_PUB);
        assert_eq!(v["clock_skew"], SKEW);
        let (valid, expected, error) = outcome(
            v["qr_text"].as_str().unwrap(),
            &v["trust_store"],
            v["verify_at"].as_i64().unwrap(),
        );
        assert_eq!(Some(valid), v["valid"].as_bool(), "{}", path.display());
        if valid {
            valid_count += 1;
            assert_eq!(
                expected.as_ref(),
                Some(&v["expected"]),
                "{}",
                path.display()
            );
        } else {
            invalid_count += 1;
            assert_eq!(error.as_deref(), v["error"].as_str(), "{}", path.display());
        }
    }
    assert!(valid_count >= 8 && invalid_count >= 12);
}

#[test]
fn each_invalid_vector_fails_for_its_own_reason() {
    let expect = [
        ("20-bad-prefix", "MissingPrefix"),
        ("21-bad-base45", "Base45InvalidCharacter"),
        ("22-tampered-payload", "SignatureInvalid"),
        ("23-tampered-signature", "SignatureInvalid"),
        ("24-unknown-kid", "UnknownKid"),
        ("25-wrong-alg", "AlgUnsupported"),
        ("26-expired", "Expired"),
        ("27-not-yet-valid", "NotYetValid"),
        ("28-key-outside-validity", "KeyNotValidAtIssue"),
        ("29-oversized-inflate", "InflateLimitExceeded"),
        ("30-issuer-mismatch", "IssuerMismatch"),
        ("31-record-kind-not-allowed", "RecordKindNotAllowed"),
    ];
    let cases = cases();
    for (name, error) in expect {
        let case = cases.iter().find(|c| c.name == name).unwrap();
        let (valid, _, got) = outcome(&case.text, &case.store, case.verify_at);
        assert!(!valid, "{name}");
        assert_eq!(got.as_deref(), Some(error), "{name}");
    }
    // The uncompressed vector really is uncompressed, the others compressed.
    let raw = cases.iter().find(|c| c.name == "06-uncompressed").unwrap();
    assert!(travelcert::codec::text_to_body(&raw.text).unwrap()[0] == 0xd2);
    let eddsa = cases.iter().find(|c| c.name == "07-alg-eddsa").unwrap();
    let store = TrustStore::from_json(eddsa.store.to_string().as_bytes()).unwrap();
    let v = Verifier::new(store)
        .verify(&eddsa.text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(v.alg, Algorithm::EdDsa);
}
