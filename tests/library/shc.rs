//! SMART Health Cards (`shc:/`): the specification's examples 00–03 verify
//! with the example issuer's key set and map into the model; a tampered
//! text, a wrong key set, a kid that is not the key's thumbprint, a DER
//! signature and a missing chunk are each refused with their own error;
//! revocation lists; unsigned key sets refused once a root is configured.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::Value;
use travelcert::model::{Timestamp, VaccineProduct};
use travelcert::trust::{ListState, Root, TrustInputs, TrustStore};
use travelcert::verify::{Format, Verified, Verifier};
use travelcert::{TrustError, VerifyError};

pub(crate) const ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";

pub(crate) fn data(name: &str) -> String {
    let path = format!("{}/tests/interop/shc/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

pub(crate) fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2025-01-01T00:00:00Z").unwrap()
}

pub(crate) fn jwks() -> String {
    data("examples/issuer/jwks.json")
}

pub(crate) fn verifier_with(jwks: &str) -> Verifier {
    Verifier::new(
        TrustStore::new()
            .with_shc_issuer(ISSUER, jwks.as_bytes())
            .unwrap(),
    )
}

pub(crate) fn verifier() -> Verifier {
    verifier_with(&jwks())
}

fn qr(example: &str, chunk: usize) -> String {
    data(&format!(
        "examples/example-{example}-f-qr-code-numeric-value-{chunk}.txt"
    ))
    .trim()
    .to_owned()
}

fn jws(example: &str) -> String {
    data(&format!("examples/example-{example}-d-jws.txt"))
        .trim()
        .to_owned()
}

fn expanded(example: &str) -> Value {
    serde_json::from_str(&data(&format!(
        "examples/example-{example}-b-jws-payload-expanded.json"
    )))
    .unwrap()
}

fn check_example(v: &Verified, example: &str) {
    assert_eq!(v.origin().format(), Format::Shc);
    let (iss, kid) = v.origin().shc_issuer().unwrap();
    assert_eq!(iss, ISSUER);
    let f = v.foreign().unwrap();
    assert_eq!(f.header_kid(), kid);
    // The payload is kept whole for audit.
    let payload: Value = serde_json::from_str(&f.payload_json()).unwrap();
    assert_eq!(payload, expanded(example));
    let json = serde_json::to_value(v).unwrap();
    assert_eq!(json["format"], "shc");
    assert_eq!(json["issuer"]["url"], ISSUER);
    assert!(json["certificate"].get("format").is_none());
}

#[test]
fn every_example_verifies_as_qr_jws_and_file() {
    let v = verifier();
    for example in ["00", "01", "03"] {
        let verified = v.verify(&qr(example, 0), at()).unwrap();
        check_example(&verified, example);
        let from_jws = v.verify_shc_jws(&jws(example), at()).unwrap();
        assert_eq!(from_jws, verified);
        let file = data(&format!(
            "examples/example-{example}-e-file.smart-health-card"
        ));
        let results = v.verify_shc_file(file.as_bytes(), at()).unwrap();
        assert_eq!(results, vec![Ok(verified)]);
    }
    // 02 in three chunks, given in any order.
    let chunks = [qr("02", 2), qr("02", 0), qr("02", 1)];
    let verified = v.verify_shc_texts(&chunks, at()).unwrap();
    check_example(&verified, "02");
    assert_eq!(v.verify_shc_jws(&jws("02"), at()).unwrap(), verified);
}

#[test]
fn example_00_maps_holder_and_vaccinations() {
    let v = verifier().verify(&qr("00", 0), at()).unwrap();
    let c = v.certificate();
    let h = &c.record.holder;
    assert_eq!(h.primary_name, "Anyperson");
    assert_eq!(h.secondary_name, "John B.");
    assert_eq!(h.date_of_birth.to_string(), "1951-01-20");
    // No travel document in an SMART Health Card.
    assert!(h.document_number.is_empty());
    assert_eq!(c.issuer.as_str(), "ZZ");
    let vacc = &c.record.vaccinations;
    assert_eq!(vacc.len(), 3);
    assert_eq!(vacc[0].product, VaccineProduct::Mrna1273);
    assert_eq!(vacc[0].date.to_string(), "2021-01-01");
    assert_eq!(vacc[0].centre.name, "ABC General Hospital");
    assert_eq!((vacc[0].dose, vacc[1].dose, vacc[2].dose), (1, 2, 3));
    let nbf = expanded("00")["nbf"].as_f64().unwrap().floor() as i64;
    assert_eq!(c.issued_at.unix(), nbf);
    // Example 02 is a health summary: nothing maps to a vaccination or a
    // test, and every resource is listed as unmapped.
    let v = verifier().verify_shc_jws(&jws("02"), at()).unwrap();
    assert!(v.certificate().record.vaccinations.is_empty());
    let unmapped = v.foreign().unwrap().unmapped();
    assert!(
        unmapped.iter().any(|u| u.contains("Condition")),
        "{unmapped:?}"
    );
    // Example 01's key carries an x5c chain: not validated, and said so.
    let v = verifier().verify(&qr("01", 0), at()).unwrap();
    assert_eq!(
        serde_json::to_value(&v).unwrap()["issuer"]["x5c"],
        "not validated"
    );
}

fn name<T: std::fmt::Debug>(r: Result<T, VerifyError>) -> &'static str {
    r.unwrap_err().name()
}

/// A compact JWS with its header replaced (the signature no longer covers it).
fn with_header(jws: &str, header: &str) -> String {
    let rest = &jws[jws.find('.').unwrap()..];
    format!(
        "{}{rest}",
        Base64UrlUnpadded::encode_string(header.as_bytes())
    )
}

#[test]
fn refusals_each_with_their_own_error() {
    let v = verifier();
    // Tampered numeric text: one pair changed in the payload.
    let text = qr("00", 0);
    // One pair in the middle of the payload becomes another base64url character.
    let mut bad = text.clone().into_bytes();
    let i = 5 + (((bad.len() - 5) / 2) & !1);
    let pair: &[u8] = if &bad[i..i + 2] == b"10" {
        b"11"
    } else {
        b"10"
    };
    bad[i..i + 2].copy_from_slice(pair);
    let err = v
        .verify(std::str::from_utf8(&bad).unwrap(), at())
        .unwrap_err();
    assert!(
        matches!(
            err.name(),
            "ShcSignatureInvalid" | "InflateFailed" | "ShcPayloadInvalid"
        ),
        "{err}"
    );
    // The tampered payload that still inflates: the signature fails.
    let j = jws("00");
    let dot = j.rfind('.').unwrap();
    let sig = &j[dot..];
    let mut raw = Base64UrlUnpadded::decode_vec(&sig[1..]).unwrap();
    raw[10] ^= 1;
    let flipped = format!("{}.{}", &j[..dot], Base64UrlUnpadded::encode_string(&raw));
    assert_eq!(
        name(v.verify_shc_jws(&flipped, at())),
        "ShcSignatureInvalid"
    );
    // A wrong key set: example 00's key is not in it.
    let mut other: Value = serde_json::from_str(&jwks()).unwrap();
    other["keys"].as_array_mut().unwrap().remove(0);
    let wrong = verifier_with(&other.to_string());
    assert_eq!(name(wrong.verify(&text, at())), "ShcKidUnknown");
    // A key set whose kid is not the key's thumbprint, and a card naming it.
    let mut renamed: Value = serde_json::from_str(&jwks()).unwrap();
    renamed["keys"][0]["kid"] = "not-the-thumbprint".into();
    let renamed_v = verifier_with(&renamed.to_string());
    let header = r#"{"zip":"DEF","alg":"ES256","kid":"not-the-thumbprint"}"#;
    assert_eq!(
        name(renamed_v.verify_shc_jws(&with_header(&j, header), at())),
        "ShcKidNotThumbprint"
    );
    // A key that is not for signatures, not ES256, not P-256.
    for (field, value, error) in [
        ("use", "enc", "ShcKeyUse"),
        ("alg", "ES384", "ShcKeyAlg"),
        ("crv", "P-384", "ShcKeyNotP256"),
    ] {
        let mut k: Value = serde_json::from_str(&jwks()).unwrap();
        k["keys"][0][field] = value.into();
        assert_eq!(
            name(verifier_with(&k.to_string()).verify(&text, at())),
            error
        );
    }
    // A DER-encoded signature (from the reference validator's data).
    let der = data("negative/test-example-00-d-jws-der-signature.txt");
    assert_eq!(name(v.verify_shc_jws(der.trim(), at())), "ShcSignatureDer");
    // A multi-chunk card with a chunk missing, repeated, or inconsistent.
    assert_eq!(
        v.verify_shc_texts(&[qr("02", 0), qr("02", 2)], at())
            .unwrap_err(),
        VerifyError::ShcChunkMissing { index: 2, total: 3 }
    );
    assert_eq!(
        name(v.verify_shc_texts(&[qr("02", 0), qr("02", 1), qr("02", 1)], at())),
        "ShcChunkRepeated"
    );
    assert_eq!(
        name(v.verify_shc_texts(&[qr("02", 0), qr("00", 0)], at())),
        "ShcChunkInconsistent"
    );
    // One chunk alone through `verify`.
    assert_eq!(name(v.verify(&qr("02", 1), at())), "ShcChunkMissing");
    // An unknown issuer; before nbf.
    assert_eq!(
        name(Verifier::new(TrustStore::new()).verify(&text, at())),
        "ShcIssuerUnknown"
    );
    let early = Timestamp::parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    assert_eq!(name(v.verify(&text, early)), "NotYetValid");
    // Example 03 carries exp (2025-05-07): expired after it.
    let late = Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    assert_eq!(name(v.verify(&qr("03", 0), late)), "Expired");
}

#[test]
fn the_kinds_of_the_new_errors() {
    use travelcert::VerifyErrorKind as K;
    let v = verifier();
    let kind = |r: Result<Verified, VerifyError>| r.unwrap_err().kind();
    assert_eq!(kind(v.verify("shc:/5", at())), K::Decode);
    assert_eq!(
        kind(Verifier::new(TrustStore::new()).verify(&qr("00", 0), at())),
        K::UntrustedKey
    );
}

fn crl(rids: &[&str], ctr: u64) -> String {
    serde_json::json!({
        "kid": "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s",
        "method": "rid",
        "ctr": ctr,
        "rids": rids,
    })
    .to_string()
}

#[test]
fn revocation_lists() {
    let store = || {
        TrustStore::new()
            .with_shc_issuer(ISSUER, jwks().as_bytes())
            .unwrap()
    };
    let card = qr("03", 0);
    // The issuer's own list: 03's entry has a 2022 timestamp, before its nbf (2024): not revoked.
    let own = data("examples/issuer/crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json");
    let v = Verifier::new(store().with_shc_crl(own.as_bytes()).unwrap());
    assert!(v.verify(&card, at()).is_ok());
    // Edited: the rid alone revokes; a timestamp after nbf revokes.
    for entry in ["vwAjHdarZuc", "vwAjHdarZuc.1800000000"] {
        let v = Verifier::new(store().with_shc_crl(crl(&[entry], 1).as_bytes()).unwrap());
        assert_eq!(name(v.verify(&card, at())), "ShcRevoked");
        assert_eq!(
            v.verify(&card, at()).unwrap_err().kind(),
            travelcert::VerifyErrorKind::Revoked
        );
        // Example 00 (another rid) is not revoked.
        assert!(v.verify(&qr("00", 0), at()).is_ok());
    }
    // ctr must equal the key's crlVersion (1); method must be rid.
    assert!(matches!(
        store().with_shc_crl(crl(&["vwAjHdarZuc"], 2).as_bytes()),
        Err(TrustError::ShcCrl { .. })
    ));
    let bad = own.replace("\"rid\"", "\"other\"");
    assert!(matches!(
        store().with_shc_crl(bad.as_bytes()),
        Err(TrustError::ShcCrl { .. })
    ));
}

#[test]
fn key_sets_and_issuer_urls_at_load() {
    let j = jwks();
    for url in [
        "http://spec.smarthealth.cards/examples/issuer",
        "https://x/",
        "https://",
    ] {
        assert!(matches!(
            TrustStore::new().with_shc_issuer(url, j.as_bytes()),
            Err(TrustError::ShcIssuerUrl { .. })
        ));
    }
    assert!(matches!(
        TrustStore::new().with_shc_issuer(ISSUER, b"{\"keys\": 3}"),
        Err(TrustError::ShcKeySet { .. })
    ));
    let store = TrustStore::new()
        .with_shc_issuer(ISSUER, j.as_bytes())
        .unwrap();
    assert_eq!(store.shc_issuers().collect::<Vec<_>>(), vec![ISSUER]);
    assert!(!store.is_empty());
}

#[cfg(feature = "issue")]
#[test]
fn bare_key_sets_are_refused_once_a_root_is_configured() {
    use travelcert::issue::Signer as _;
    let root = travelcert::issue::Ed25519Signer::from_seed(&[7; 32]);
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(vec![Root::new(root.public_key())], &mut state, at());
    let err = inputs
        .add_shc_issuer("jwks.json", ISSUER, jwks().as_bytes())
        .unwrap_err();
    assert_eq!(err.name(), "TrustUnsignedRefused");
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(Vec::new(), &mut state, at());
    inputs
        .add_shc_issuer("jwks.json", ISSUER, jwks().as_bytes())
        .unwrap();
    let v = Verifier::new(inputs.into_store());
    assert!(v.verify(&qr("00", 0), at()).is_ok());
}

#[test]
fn inspect_decodes_without_trust() {
    let u = travelcert::verify::inspect(&qr("00", 0), 1 << 16).unwrap();
    assert_eq!(u.format(), Format::Shc);
    assert!(!u.is_verified());
    assert_eq!(u.certificate().record.vaccinations.len(), 3);
    let json = serde_json::to_value(&u).unwrap();
    assert_eq!(json["format"], "shc");
    let chunks = [qr("02", 1), qr("02", 0), qr("02", 2)];
    assert!(travelcert::verify::inspect_shc(&chunks, 1 << 16).is_ok());
}

#[test]
fn a_deflate_bomb_stops_at_the_cap_and_caps_hold() {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 10 << 20]).unwrap();
    let bomb = enc.finish().unwrap();
    let header = r#"{"zip":"DEF","alg":"ES256","kid":"k"}"#;
    let jws = format!(
        "{}.{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(&bomb),
        Base64UrlUnpadded::encode_string(&[1; 64])
    );
    assert_eq!(
        name(verifier().verify_shc_jws(&jws, at())),
        "InflateLimitExceeded"
    );
    // Too long a JWS, too many chunks, too long a numeric text.
    let long = "e".repeat(travelcert::verify::shc::MAX_JWS_LEN + 1);
    assert_eq!(name(verifier().verify_shc_jws(&long, at())), "ShcTooLarge");
    let many: Vec<String> = (1..=17).map(|i| format!("shc:/{i}/17/56")).collect();
    assert_eq!(
        name(verifier().verify_shc_texts(&many, at())),
        "ShcTooLarge"
    );
    let digits = format!(
        "shc:/{}",
        "5".repeat(travelcert::verify::shc::MAX_NUMERIC_LEN + 2)
    );
    assert_eq!(name(verifier().verify(&digits, at())), "ShcTooLarge");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Any edit of a valid QR text or JWS gives a result, never a panic, and
    /// never a verified card whose text changed.
    #[test]
    fn edits_never_panic(pos in 0usize..4000, byte in 0u8..=255, cut in proptest::bool::ANY) {
        let v = verifier();
        for original in [qr("00", 0), jws("00")] {
            let mut bytes = original.clone().into_bytes();
            let at_pos = pos % bytes.len();
            if cut { bytes.truncate(at_pos); } else { bytes[at_pos] = byte; }
            let Ok(text) = String::from_utf8(bytes) else { continue };
            let result = if text.starts_with("shc:/") {
                v.verify(&text, at())
            } else {
                v.verify_shc_jws(&text, at())
            };
            if result.is_ok() {
                proptest::prop_assert_eq!(&text, &original);
            }
        }
    }
}

#[test]
fn codes_presented_together_group_a_cards_chunks_and_keep_the_rest_apart() {
    let v = verifier();
    let chunks: Vec<String> = (0..3).map(|i| qr("02", i)).collect();
    let single = qr("00", 0);
    // Chunks mixed with another card and blank lines, out of order.
    let texts = [
        chunks[2].clone(),
        String::new(),
        format!("  {single}\n"),
        chunks[0].clone(),
        chunks[1].clone(),
    ];
    let sets = v.verify_codes(&texts, at());
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].texts, [&*chunks[2], &chunks[0], &chunks[1]]);
    assert_eq!(
        sets[0].result.as_ref().unwrap().origin().format(),
        Format::Shc
    );
    assert_eq!(sets[1].texts, [single]);
    assert!(sets[1].result.is_ok());
    // The same card as verify_shc_texts gives it.
    let alone = v.verify_shc_texts(&chunks, at()).unwrap();
    assert_eq!(
        serde_json::to_value(sets[0].result.as_ref().unwrap()).unwrap(),
        serde_json::to_value(&alone).unwrap()
    );
    // A chunk missing fails that card only; a text of another format is
    // verified (and here refused) on its own.
    let sample = crate::common::issue(&crate::common::sample());
    let sets = v.verify_codes(&[&chunks[0], &sample, &chunks[2]], at());
    assert_eq!(sets.len(), 2);
    assert_eq!(
        sets[0].result.as_ref().unwrap_err().name(),
        "ShcChunkMissing"
    );
    assert_eq!(sets[1].texts, [sample]);
    assert!(sets[1].result.is_err());
    assert!(v.verify_codes(&["", "  "], at()).is_empty());
}
