//! The malformed-input corpus (tests/malformed/cases.rs): every case must give
//! exactly the `VerifyError` it names (by `name()`), or verify when it is a
//! valid case; trust stores with weak keys are refused with `KeyError::WeakKey`.
//!
//! `TRAVELCERT_DUMP_CORPUS=DIR cargo test --features issue --test library malformed::`
//! also writes every case's text to `DIR/<name>` (fuzz seeds; see fuzz/seed.sh).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::cases::*;
use crate::common::*;
use travelcert::codec::{base45, zlib};
use travelcert::cose::sign1;
use travelcert::keys::PublicKey;
use travelcert::model::{Disease, VaccineProduct};
use travelcert::trust::TrustStore;
use travelcert::verify::Verifier;
use travelcert::{KeyError, TrustError};

/// The corpus describes the `TC1:` verifier (with feature `hcert`, `verify`
/// reads `foreign-prefix-hc1` as an HCERT text: `library hcert::` covers that).
fn run(case: &Case) -> Result<travelcert::verify::Verified, travelcert::VerifyError> {
    let store = case.store.clone().unwrap_or_else(store);
    Verifier::new(store).verify_travelcert(&case.text, t(VERIFY_AT))
}

#[test]
fn every_case_gives_its_one_specific_error() {
    let corpus = corpus(false);
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for case in &corpus {
        assert!(names.insert(case.name), "duplicate case name {}", case.name);
        let got = run(case);
        let ok = match (&case.expect, &got) {
            (Expect::Valid, Ok(_)) => true,
            (Expect::Error(name), Err(e)) => e.name() == *name,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                case.name, case.expect, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The table covers every stage: list the distinct errors it exercises.
    let errors: std::collections::BTreeSet<_> = corpus
        .iter()
        .filter_map(|c| match c.expect {
            Expect::Error(e) => Some(e),
            Expect::Valid => None,
        })
        .collect();
    println!("{} cases, {} distinct errors", corpus.len(), errors.len());
    if let Some(dir) = std::env::var_os("TRAVELCERT_DUMP_CORPUS") {
        std::fs::create_dir_all(&dir).unwrap();
        for case in &corpus {
            std::fs::write(std::path::Path::new(&dir).join(case.name), &case.text).unwrap();
        }
    }
}

#[test]
fn the_gigabyte_bomb_stops_at_the_cap() {
    let text = text_raw(&zlib_bomb(BOMB_MIB));
    println!(
        "4 GiB bomb: {} body bytes, {} text characters",
        base45::decode(&text[4..]).unwrap().len(),
        text.len()
    );
    let err = Verifier::new(store())
        .verify(&text, t(VERIFY_AT))
        .unwrap_err();
    assert_eq!(
        err,
        travelcert::VerifyError::InflateLimitExceeded {
            limit: zlib::DEFAULT_INFLATE_LIMIT
        }
    );
}

#[test]
fn the_bomb_construction_is_a_real_zlib_stream() {
    // The same construction with fewer repetitions inflates completely to the
    // announced size with a correct Adler-32, so the 4 GiB one inflates to 4 GiB.
    for mib in [1, 3, 20] {
        let bomb = zlib_bomb(mib);
        let out = zlib::inflate(&bomb, mib << 20).unwrap();
        assert_eq!(out.len(), mib << 20);
        assert!(out.iter().all(|&b| b == 0));
        // One byte less of cap is refused.
        assert!(zlib::inflate(&bomb, (mib << 20) - 1).is_err());
    }
    // Each extra MiB costs the same few bytes.
    let step = zlib_bomb(3).len() - zlib_bomb(2).len();
    assert_eq!(
        zlib_bomb(BOMB_MIB).len(),
        zlib_bomb(1).len() + step * (BOMB_MIB - 1)
    );
    assert!(step < 1100, "{step} bytes per MiB");
}

#[test]
fn the_qr_sized_bomb_fits_a_qr_code() {
    let text = text_raw(&qr_sized_bomb());
    assert!(text.len() <= 4296, "{} characters", text.len());
}

#[test]
fn the_signature_cases_are_what_they_claim() {
    use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
    let p = protected();
    let claims = map(&claim_entries());
    let tbs = sign1::sig_structure(&p, &claims);
    let vk = VerifyingKey::from_bytes(&test1_key().to_bytes()).unwrap();

    // S + L: the same scalar mod L, so [S+L]B = [S]B; only the encoding is not canonical.
    let sig = signature(&p, &claims);
    assert!(vk.verify_strict(&tbs, &Signature::from_bytes(&sig)).is_ok());
    let s_plus_l = [&sig[..32], &add_l(&sig[32..])[..]].concat();
    assert_ne!(&s_plus_l[32..], &sig[32..]);
    assert!(s_plus_l[63] < 0x20, "S + L still fits 253 bits");
    let s_plus_l: [u8; 64] = s_plus_l.try_into().unwrap();
    assert!(!test1_key().verify_strict(&tbs, &s_plus_l));

    // Small-order R: the lenient (cofactorless, non-strict) check accepts this
    // signature; verify_strict and so travelcert refuse it.
    let weak_r = small_order_r_signature(&tbs);
    assert!(vk.verify(&tbs, &Signature::from_bytes(&weak_r)).is_ok());
    assert!(vk
        .verify_strict(&tbs, &Signature::from_bytes(&weak_r))
        .is_err());
    assert!(!test1_key().verify_strict(&tbs, &weak_r));
}

#[test]
fn unknown_codes_are_kept_not_rejected() {
    let case = corpus(false)
        .into_iter()
        .find(|c| c.name == "unknown-record-codes-kept")
        .unwrap();
    let v = run(&case).unwrap();
    let r = &v.certificate().record;
    assert_eq!(
        r.vaccinations[0].product,
        VaccineProduct::from_code(4_000_000_000)
    );
    assert_eq!(r.nat_tests[0].disease, Disease::from_code(99));
    let json = serde_json::to_value(v.certificate()).unwrap();
    assert_eq!(
        json["record"]["vaccinations"][0]["product"],
        4_000_000_000u32
    );

    let case = corpus(false)
        .into_iter()
        .find(|c| c.name == "unknown-claim-kept")
        .unwrap();
    let v = run(&case).unwrap();
    assert_eq!(
        v.certificate()
            .unknown_claims
            .get(-70_000)
            .unwrap()
            .as_bytes(),
        array(&[tstr("x"), nested(14)])
    );
}

#[test]
fn the_valid_case_decodes_to_the_sample() {
    let case = corpus(false)
        .into_iter()
        .find(|c| c.name == "valid-sample")
        .unwrap();
    assert_eq!(
        case.text,
        issue(&sample()),
        "hand-built CBOR matches the issuer's"
    );
    assert_eq!(run(&case).unwrap().into_certificate(), sample_certificate());
}

#[test]
fn weak_public_keys_are_refused_when_the_trust_store_loads() {
    for hex in SMALL_ORDER_POINTS {
        let json = format!(
            r#"{{"keys": [{{"country": "CN", "public_key": "{hex}", "record_kinds": ["nat"]}}]}}"#
        );
        assert_eq!(
            TrustStore::from_json(json.as_bytes()),
            Err(TrustError::Key {
                index: 0,
                source: KeyError::WeakKey
            }),
            "{hex}"
        );
        assert_eq!(PublicKey::from_hex(hex), Err(KeyError::WeakKey), "{hex}");
    }
}

#[test]
fn malformed_trust_stores_get_specific_errors() {
    let key = TEST1_PUB;
    type Check = fn(&TrustError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        (String::new(), |e| matches!(e, TrustError::Json(_))),
        ("[]".into(), |e| matches!(e, TrustError::Json(_))),
        (r#"{"keys": [], "extra": 1}"#.into(), |e| matches!(e, TrustError::Json(_))),
        (
            format!(r#"{{"keys": [{{"country": "cn", "public_key": "{key}", "record_kinds": ["nat"]}}]}}"#),
            |e| matches!(e, TrustError::Json(_)),
        ),
        (
            format!(r#"{{"keys": [{{"country": "CN", "public_key": "{key}", "record_kinds": ["x-ray"]}}]}}"#),
            |e| matches!(e, TrustError::Json(_)),
        ),
        (
            r#"{"keys": [{"country": "CN", "record_kinds": ["nat"]}]}"#.into(),
            |e| matches!(e, TrustError::KeyForm { index: 0 }),
        ),
        (
            format!(r#"{{"keys": [{{"country": "CN", "public_key": "{}", "record_kinds": ["nat"]}}]}}"#, &key[..62]),
            |e| matches!(e, TrustError::Key { index: 0, source: KeyError::WrongLength(31) }),
        ),
        (
            // y = 2 is not on the curve.
            format!(r#"{{"keys": [{{"country": "CN", "public_key": "02{}", "record_kinds": ["nat"]}}]}}"#, "00".repeat(31)),
            |e| matches!(e, TrustError::Key { index: 0, source: KeyError::InvalidPoint }),
        ),
        (
            r#"{"keys": [{"country": "CN", "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", "record_kinds": ["nat"]}]}"#.into(),
            |e| matches!(e, TrustError::Key { index: 0, source: KeyError::Encoding(_) }),
        ),
        (
            format!(r#"{{"keys": [{{"country": "CN", "public_key": "{key}", "not_before": "2030-01-01T00:00:00Z", "not_after": "2020-01-01T00:00:00Z", "record_kinds": ["nat"]}}]}}"#),
            |e| matches!(e, TrustError::Validity { index: 0 }),
        ),
        (
            format!(r#"{{"keys": [{{"country": "CN", "public_key": "{key}", "not_before": "2030-02-30T00:00:00Z", "record_kinds": ["nat"]}}]}}"#),
            |e| matches!(e, TrustError::Json(_)),
        ),
        (
            format!("{{\"keys\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000)),
            |e| matches!(e, TrustError::Json(_)),
        ),
    ];
    for (json, expected) in cases {
        let err = TrustStore::from_json(json.as_bytes()).unwrap_err();
        assert!(expected(&err), "{}: {err:?}", &json[..json.len().min(120)]);
    }
}

/// No superlinear work on unauthenticated input (FORMAT.md §5.1): an
/// unprotected header of 300,000 entries (600 KB) is refused after its first
/// label, for certificates and for signed lists alike, before any signature
/// check. Every entry after the first repeats it, so decoding even one more
/// entry would give `CborDuplicateKey` instead: the error proves the work done.
#[test]
fn a_huge_unprotected_header_is_refused_after_its_first_label() {
    let n: u32 = 300_000;
    let mut unprotected = vec![0xba];
    unprotected.extend(n.to_be_bytes());
    for _ in 0..n {
        unprotected.extend([0x05, 0x40]);
    }
    let p = protected();
    let claims = map(&claim_entries());
    let sig = signature(&p, &claims);
    let cose = cose_parts(&bstr(&p), &unprotected, &bstr(&claims), &bstr(&sig));
    assert!(cose.len() > 600_000);
    assert_eq!(
        sign1::CoseSign1::parse(&cose).unwrap_err().name(),
        "UnprotectedHeaderNotEmpty"
    );
    let listed = travelcert::trust::TrustList::verify(&cose, &[test1_key()], t(VERIFY_AT), 0);
    assert!(
        matches!(
            listed,
            Err(travelcert::SignedListError::Malformed(
                travelcert::VerifyError::UnprotectedHeaderNotEmpty
            ))
        ),
        "{listed:?}"
    );
    // The same header with an alg label first: refused at that label.
    unprotected[5] = 0x01;
    let cose = cose_parts(&bstr(&p), &unprotected, &bstr(&claims), &bstr(&sig));
    assert_eq!(
        sign1::CoseSign1::parse(&cose).unwrap_err().name(),
        "AlgNotProtected"
    );
}
