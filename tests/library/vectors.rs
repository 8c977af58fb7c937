//! Byte-exact test vectors (tests/vectors/*.json), made with the RFC 8032 test
//! key 1. `vectors_are_reproducible` regenerates every vector and fails on any
//! difference (set `TRAVELCERT_BLESS=1` to rewrite them after an intended
//! format change); `vectors_verify_as_stated` checks each against the verifier.
//! FORMAT.md describes the fields; tests/independent/ verifies them from
//! FORMAT.md alone, in Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::{json, Value};
use travelcert::codec::{base45, claims, dictionary, zlib};
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

/// A COSE_Sign1 built byte by byte, signed by test key 1 over its Sig_structure
/// (when `payload` is not nil), so that a vector reaches the check it is about.
fn raw_cose(
    protected: &[u8],
    unprotected: &[u8],
    payload: Option<&[u8]>,
    sig_len: usize,
) -> Vec<u8> {
    let signer = travelcert::issue::Ed25519Signer::from_seed(&TEST1_SEED);
    let sig = signer
        .sign(&sign1::sig_structure(
            protected,
            payload.unwrap_or_default(),
        ))
        .unwrap();
    let mut out = vec![0xd2, 0x84];
    out.extend(bstr(protected));
    out.extend(unprotected);
    match payload {
        Some(p) => out.extend(bstr(p)),
        None => out.push(0xf6),
    }
    out.extend(bstr(&sig[..sig_len.min(64)]));
    out
}

fn bstr(b: &[u8]) -> Vec<u8> {
    let mut out = match b.len() {
        n if n < 24 => vec![0x40 + n as u8],
        n if n < 256 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    out.extend(b);
    out
}

fn kid_bytes() -> Vec<u8> {
    test1_key().kid().0.to_vec()
}

/// `{1: -19, 4: kid}` as issuers write it.
fn protected_std() -> Vec<u8> {
    let mut p = vec![0xa2, 0x01, 0x32, 0x04, 0x48];
    p.extend(kid_bytes());
    p
}

/// The sample's claims with one edit made on the certificate first.
fn claims_with(edit: impl FnOnce(&mut travelcert::model::Certificate)) -> Vec<u8> {
    let mut cert = issuer().issue(&sample(), &params()).unwrap().certificate;
    edit(&mut cert);
    claims::encode_claims(&cert)
}

/// Issues claims with a standard header (any content; nothing is validated).
fn signed_claims(payload: &[u8]) -> String {
    text_of(
        &raw_cose(&protected_std(), &[0xa0], Some(payload), 64),
        true,
    )
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
    // Forward compatibility at every level: an unknown claim, an unknown journey
    // key, an unknown holder element, a year-only birth date, and a null in the
    // middle of the holder (no native name, but a residence country).
    let extensions_payload = claims_with(|c| {
        c.unknown_claims
            .insert(-70_000, RawCbor::new(vec![0x64, b't', b'e', b's', b't']));
        let h = &mut c.record.holder;
        h.native_name = None;
        h.residence_city = None;
        h.date_of_birth = travelcert::model::BirthDate::Year(1985);
        h.unknown_elements = vec![RawCbor::new(vec![0x01])];
        let j = c.record.journey.as_mut().unwrap();
        j.unknown_keys
            .insert(2, RawCbor::new(vec![0x62, b'P', b'K']));
    });
    let pem_store = json!({"keys": [{
        "country": "CN",
        "public_key_pem": test1_key().to_spki_pem(),
        "record_kinds": ["nat", "antibody", "vaccination"],
    }]});
    let shared_kid_store = json!({"keys": [
        key_json(TEST1_PUB, "CN", &["nat"], "2031-01-01T00:00:00Z"),
        key_json(TEST1_PUB, "CN", &["nat", "antibody", "vaccination"], "2031-01-01T00:00:00Z"),
    ]});
    let sample_payload = claims_with(|_| {});
    let mut kid7 = vec![0xa2, 0x01, 0x32, 0x04, 0x47];
    kid7.extend(&kid_bytes()[..7]);
    let mut kid_unprotected = vec![0xa1, 0x04, 0x48];
    kid_unprotected.extend(kid_bytes());
    let mut alg_unprotected_protected = vec![0xa1, 0x04, 0x48];
    alg_unprotected_protected.extend(kid_bytes());
    let mut content_type = protected_std();
    content_type[0] = 0xa3;
    content_type.extend([0x03, 0x00]);
    let without_cti = {
        // The claims map with key 7 removed: rebuild from the sample's claims.
        let full = sample_payload.clone();
        let cti_at = full.windows(2).position(|w| w == [0x07, 0x48]).unwrap();
        let mut p = vec![0xa4];
        p.extend(&full[1..cti_at]);
        p.extend(&full[cti_at + 10..]);
        p
    };
    let duplicate_key = {
        let mut p = sample_payload.clone();
        p[0] = 0xa6; // one more entry: a second iss
        p.extend([0x01, 0x62, b'C', b'N']);
        p
    };
    let indefinite = {
        let mut p = sample_payload.clone();
        p[0] = 0xbf;
        p.push(0xff);
        p
    };
    let mut non_canonical_s = sample_cose.clone();
    {
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let n = non_canonical_s.len();
        let s = &mut non_canonical_s[n - 32..];
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(s[i]) + u16::from(L[i]) + carry;
            s[i] = v as u8;
            carry = v >> 8;
        }
    }
    let mut small_order_r = sample_cose.clone();
    {
        let n = small_order_r.len();
        let r = &mut small_order_r[n - 64..n - 32];
        r.copy_from_slice(&[0; 32]);
        r[0] = 1;
    }
    let zlib_sample = zlib::compress(&sample_cose);
    let b45 = |b: &[u8]| format!("TC1:{}", base45::encode(b));

    let mut v = vec![
        valid("01-sample", "the full sample traveller: NAT, IgG antibody test and two vaccination doses, compressed", sample_text.clone()),
        valid("02-nat-only", "one NAT only (body uncompressed: zlib would not be shorter)", issue(&nat_only)),
        valid("03-antibody-only", "IgG with a quantitative value and IgM, antibody tests only", issue(&antibody_only)),
        valid("04-vaccination-only", "two vaccination doses only, no journey", issue(&vaccination_only)),
        valid("05-non-latin", "Arabic native name, Cyrillic laboratory name, year-month date of birth, sex X (body uncompressed: zlib would not be shorter)", issue(&non_latin)),
        valid("06-uncompressed", "the sample with an uncompressed body (first byte 0xD2) although zlib would be shorter: issuers would not write it, decoders must accept it", text_of(&sample_cose, false)),
        valid("07-alg-eddsa", "alg -8 (EdDSA) instead of -19, accepted with an Ed25519 key", text_of(&with_alg(&sample, -8), true)),
        valid("08-unknown-codes-kept", "an unknown vaccine code (99), an unknown trailing element and an unknown record key (9), all kept", issue(&forward)),
        valid("09-extensions", "an unknown claim (-70000), an unknown journey key (2), an unknown holder element, a year-only birth date and a null before a present optional holder element", signed_claims(&extensions_payload)),
        Case {
            name: "10-pem-store-no-validity",
            description: "the key given as SPKI PEM, with no validity bounds",
            text: sample_text.clone(),
            store: pem_store,
            verify_at: VERIFY_AT,
        },
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
        invalid("29-oversized-inflate", "a zlib body that inflates to 70,000 zero bytes, over the 64 KiB cap (it tests the cap only)", bomb),
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
            text: sample_text.clone(),
            store: json!({"keys": [key_json(TEST1_PUB, "CN", &["nat"], "2031-01-01T00:00:00Z")]}),
            verify_at: VERIFY_AT,
        },
        Case {
            name: "32-shared-kid-first-key-wins",
            description: "two trust entries for the same key: the first that verifies (NAT only) decides",
            text: sample_text.clone(),
            store: shared_kid_store,
            verify_at: VERIFY_AT,
        },
        invalid("33-empty", "the prefix alone", "TC1:".to_owned()),
        invalid("34-base45-length", "two characters removed: length 1 mod 3", sample_text[..sample_text.len() - 2].to_owned()),
        invalid("35-base45-overflow", "the last group replaced by ':::' (91124 > 65535)", format!("{}:::", &sample_text[..sample_text.len() - 3])),
        invalid("36-zlib-truncated", "the zlib stream without its last 10 bytes", b45(&zlib_sample[..zlib_sample.len() - 10])),
        invalid("37-zlib-trailing", "one byte after the zlib stream", b45(&[zlib_sample.clone(), vec![0]].concat())),
        invalid("38-not-cose-sign1", "tag 17 instead of 18 (compressed)", text_of(&[&[0xd1][..], &sample_cose[1..]].concat(), true)),
        invalid("39-cose-three-members", "a COSE_Sign1 array of 3 members", text_of(&[&[0xd2, 0x83][..], &sample_cose[2..sample_cose.len() - 66]].concat(), true)),
        invalid("40-alg-unprotected", "alg moved to the unprotected header", text_of(&raw_cose(&alg_unprotected_protected, &[0xa1, 0x01, 0x32], Some(&sample_payload), 64), true)),
        invalid("41-kid-missing", "a protected header with alg only", text_of(&raw_cose(&[0xa1, 0x01, 0x32], &[0xa0], Some(&sample_payload), 64), true)),
        invalid("42-kid-length", "a 7-byte kid", text_of(&raw_cose(&kid7, &[0xa0], Some(&sample_payload), 64), true)),
        invalid("43-unprotected-not-empty", "the kid repeated in the unprotected header", text_of(&raw_cose(&protected_std(), &kid_unprotected, Some(&sample_payload), 64), true)),
        invalid("44-unsupported-header", "a content-type label (3) in the protected header", text_of(&raw_cose(&content_type, &[0xa0], Some(&sample_payload), 64), true)),
        invalid("45-payload-nil", "a detached (nil) payload", text_of(&raw_cose(&protected_std(), &[0xa0], None, 64), true)),
        invalid("46-signature-length", "a 63-byte signature", text_of(&raw_cose(&protected_std(), &[0xa0], Some(&sample_payload), 63), true)),
        invalid("47-claim-missing", "no cti claim (correctly signed)", signed_claims(&without_cti)),
        invalid("48-expires-before-issued", "exp equal to iat (correctly signed)", signed_claims(&claims_with(|c| c.expires_at = c.issued_at))),
        invalid("49-invalid-record", "dose 0 (correctly signed)", signed_claims(&claims_with(|c| c.record.vaccinations[0].dose = 0))),
        invalid("50-duplicate-claim", "iss twice in the claims map (correctly signed)", signed_claims(&duplicate_key)),
        invalid("51-indefinite-claims", "the claims map with indefinite length (correctly signed)", signed_claims(&indefinite)),
        invalid("52-non-canonical-s", "the signature's S replaced by S + L", text_of(&non_canonical_s, true)),
        invalid("53-small-order-r", "the signature's R replaced by the identity point", text_of(&small_order_r, true)),
    ]);
    v.extend(history_cases());
    v.extend(corner_cases());
    v.extend(limit_cases());
    v.extend(dictionary_cases());
    v
}

// --- the preset dictionary (FORMAT.md §3.1) ---

fn dictionary_cases() -> Vec<Case> {
    let cose = cose_of(&issue(&sample()));
    let stream = dictionary::compress(&cose);
    let b45 = |b: &[u8]| format!("TC1:{}", base45::encode(b));
    // The same stream naming another dictionary (the FLG check bits do not
    // cover DICTID, so the header stays well-formed).
    let mut other = stream.clone();
    other[2..6].copy_from_slice(&dictionary::adler32(b"another dictionary").to_be_bytes());
    // The same stream with its Adler-32 trailer off by one.
    let mut checksum = stream.clone();
    *checksum.last_mut().unwrap() ^= 1;
    let case = |name, description, text| Case {
        name,
        description,
        text,
        store: default_store(),
        verify_at: VERIFY_AT,
    };
    vec![
        case("15-dictionary", "the sample (as 01) compressed starting from preset dictionary 1: FDICT set, DICTID 5B67C19E (FORMAT.md 3.1)", b45(&stream)),
        case("67-dictionary-unknown", "the sample compressed with dictionary 1, its header naming another dictionary id (the Adler-32 of \"another dictionary\")", b45(&other)),
        case("68-dictionary-checksum", "the sample compressed with dictionary 1, the Adler-32 trailer's last byte flipped", b45(&checksum)),
    ]
}

// --- the `nbf` claim and a key's `max_validity` (FORMAT.md §6.1, §7.2) ---

/// CBOR of an unsigned integer (major type 0, 4-byte argument).
fn cbor_u32(n: u32) -> Vec<u8> {
    let mut v = vec![0x1a];
    v.extend(n.to_be_bytes());
    v
}

/// The sample's claims with an `nbf` claim (key 5) of these CBOR bytes.
fn claims_with_nbf(nbf: Vec<u8>) -> Vec<u8> {
    claims_with(|c| c.unknown_claims.insert(5, RawCbor::new(nbf)))
}

/// The default store with a `max_validity` on its key.
fn store_with_max_validity(seconds: i64) -> Value {
    let mut key = key_json(
        TEST1_PUB,
        "CN",
        &["nat", "antibody", "vaccination"],
        "2031-01-01T00:00:00Z",
    );
    key["max_validity"] = json!(seconds);
    json!({ "keys": [key] })
}

fn limit_cases() -> Vec<Case> {
    let at = |seconds: i64| cbor_u32(u32::try_from(seconds).unwrap());
    let case = |name, description, text, store| Case {
        name,
        description,
        text,
        store,
        verify_at: VERIFY_AT,
    };
    vec![
        case("13-nbf-passed", "an nbf claim (5) one hour after iat, passed at the moment of checking: valid, nbf kept with the unknown claims", signed_claims(&claims_with_nbf(at(ISSUED_AT + 3600))), default_store()),
        case("14-max-validity-within", "the sample (valid 48 h) against a key whose max_validity is 48 h", issue(&sample()), store_with_max_validity(VALID_FOR)),
        case("57-nbf-in-future", "an nbf claim one hour after the moment of checking (beyond the clock skew), iat in the past", signed_claims(&claims_with_nbf(at(VERIFY_AT + 3600))), default_store()),
        case("58-validity-too-long", "the sample (valid 48 h) against a key whose max_validity is 47 h", issue(&sample()), store_with_max_validity(VALID_FOR - 3600)),
        case("59-nbf-not-an-instant", "an nbf claim that is a text string (correctly signed)", signed_claims(&claims_with_nbf(vec![0x61, b'x'])), default_store()),
    ]
}

// --- infection history, recovery NATs, journey details ---

fn recovered() -> HealthRecord {
    serde_json::from_str(include_str!("../../examples/data/traveller-recovered.json")).unwrap()
}

/// A store whose key may sign every kind, history and recovery included.
fn history_store() -> Value {
    json!({"keys": [key_json(TEST1_PUB, "CN", &["nat", "antibody", "vaccination", "history", "recovery"], "2031-01-01T00:00:00Z")]})
}

fn issue_with_history(record: &HealthRecord) -> String {
    issuer()
        .issue(record, &params().with_history())
        .unwrap()
        .text
}

/// The claims of `record` issued with history, with one edit made on the
/// certificate first (nothing is validated after the edit).
fn history_claims_with(
    record: &HealthRecord,
    edit: impl FnOnce(&mut travelcert::model::Certificate),
) -> Vec<u8> {
    let mut cert = issuer()
        .issue(record, &params().with_history())
        .unwrap()
        .certificate;
    edit(&mut cert);
    claims::encode_claims(&cert)
}

fn history_cases() -> Vec<Case> {
    let recovered = recovered();
    let full_text = issue_with_history(&recovered);
    let mut forward = recovered.clone();
    forward.infection_history[0].kind = travelcert::model::HistoryKind::Unknown(9);
    forward.infection_history[0].recovered_on = forward.infection_history[1].recovered_on;
    forward.infection_history[0].unknown_elements = vec![RawCbor::new(vec![0x01])];
    {
        let j = forward.journey.as_mut().unwrap();
        j.flight = None;
        j.transit[0].place = None;
        j.transit[0].unknown_elements = vec![RawCbor::new(vec![0x61, b'T'])];
        j.unknown_keys.insert(7, RawCbor::new(vec![0xf5]));
    }
    forward.recovery_tests.truncate(1);
    forward.recovery_tests[0].unknown_elements = vec![RawCbor::new(vec![0x02])];
    let history_case = |name, description, text, store| Case {
        name,
        description,
        text,
        store,
        verify_at: VERIFY_AT,
    };
    vec![
        history_case("11-recovered-traveller", "the recovered-traveller sample (examples/data/traveller-recovered.json): a NAT, infection history (an earlier positive NAT, a diagnosis with its date of recovery), two recovery NATs and a full journey (departure country and time, a transit point, port of entry); record kinds history and recovery", full_text.clone(), history_store()),
        history_case("12-history-unknown-items", "an unknown history kind (9) carrying a date of recovery, unknown trailing elements in a history entry, a transit point and a recovery NAT, a transit point with no place, and an unknown journey key (7), all kept", issue_with_history(&forward), history_store()),
        history_case("54-history-kind-not-allowed", "the recovered-traveller sample against a key that may sign nat, antibody and vaccination only: history is not allowed", full_text, default_store()),
        history_case("55-history-invalid-entry", "a previous positive NAT with a date of recovery, which only a diagnosis may carry (correctly signed)", signed_claims(&history_claims_with(&recovered, |c| {
            c.record.infection_history[0].recovered_on = Some(c.record.infection_history[0].date);
        })), history_store()),
        history_case("56-history-alone", "infection history and recovery NATs but no NAT, antibody test or vaccination (correctly signed)", signed_claims(&history_claims_with(&recovered, |c| {
            c.record.nat_tests.clear();
        })), history_store()),
    ]
}

// --- format corner cases (FORMAT.md §5.1, §5.4) ---

/// The sample's claims with one byte sequence replaced (the first occurrence).
fn patched_claims(find: &[u8], replace: &[u8]) -> Vec<u8> {
    let p = claims_with(|_| {});
    let at = p.windows(find.len()).position(|w| w == find).unwrap();
    [&p[..at], replace, &p[at + find.len()..]].concat()
}

/// The sample's claims with an unknown claim -70000 carrying `value` as is.
fn with_unknown_claim(value: &[u8]) -> Vec<u8> {
    claims_with(|c| {
        c.unknown_claims
            .insert(-70_000, RawCbor::new(value.to_vec()));
    })
}

/// The sample's date of birth (5549, `19 15AD`) in the holder.
const BIRTH_DATE: [u8; 3] = [0x19, 0x15, 0xad];

fn corner_cases() -> Vec<Case> {
    let case = |name, description, payload: Vec<u8>| Case {
        name,
        description,
        text: signed_claims(&payload),
        store: default_store(),
        verify_at: VERIFY_AT,
    };
    // iss "cn" (a claim fault) followed, in encoded order, by an unknown claim
    // holding an indefinite-length array (a CBOR fault): the first fault wins.
    let semantic_first = {
        let p = with_unknown_claim(&[0x9f, 0x01, 0xff]);
        let at = p
            .windows(4)
            .position(|w| w == [0x01, 0x62, b'C', b'N'])
            .unwrap();
        [&p[..at], &[0x01, 0x62, b'c', b'n'][..], &p[at + 4..]].concat()
    };
    // Dose 0 (a record fault) followed, in the record, by an unknown record key
    // 9 holding an indefinite-length byte string: the record is decoded as one
    // item before its content is checked, so the CBOR fault wins.
    let record_cbor_first = claims_with(|c| {
        c.record.vaccinations[0].dose = 0;
        c.record
            .unknown_keys
            .insert(9, RawCbor::new(vec![0x5f, 0x41, 0x00, 0xff]));
    });
    vec![
        case("60-iss-invalid-utf8", "iss is a text string of two bytes 43 FF, not UTF-8: a CBOR fault (CborMalformed), not a claim fault", patched_claims(&[0x01, 0x62, b'C', b'N'], &[0x01, 0x62, b'C', 0xff])),
        case("61-unknown-item-duplicate-key", "an unknown claim (-70000) holding the map {1: 0, 1: 0}: duplicate keys are refused inside unknown items too", with_unknown_claim(&[0xa2, 0x01, 0x00, 0x01, 0x00])),
        case("62-unknown-item-short-simple", "an unknown claim (-70000) holding F8 10, a two-byte simple value below 32 (not well-formed, RFC 8949 §3.3)", with_unknown_claim(&[0xf8, 0x10])),
        case("63-claim-fault-before-cbor-fault", "iss \"cn\" (ClaimInvalid), then an unknown claim holding an indefinite-length array: claims are decoded in order and checked as met, the first fault wins", semantic_first),
        case("64-record-cbor-fault-after-content-fault", "dose 0, then an unknown record key (9) holding an indefinite-length byte string: the record is decoded as one item first, so its CBOR fault wins over its content fault", record_cbor_first),
        case("65-int-below-i64", "the date of birth (an int) encoded as 3B 8000000000000000, i.e. -2^63 - 1: outside i64, CborMalformed", patched_claims(&BIRTH_DATE, &[0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0])),
        case("66-int-at-i64-min", "the date of birth (an int) encoded as 3B 7FFFFFFFFFFFFFFF, i.e. -2^63: inside i64, so it decodes and fails the date range (InvalidRecord)", patched_claims(&BIRTH_DATE, &[0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
    ]
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
    // The vectors describe the `TC1:` format: the travelcert-only verifier
    // (with feature `hcert`, `verify` reads vector 20 as an `HC1:` text).
    match verifier.verify_travelcert(text, t(verify_at)) {
        Ok(v) => (
            true,
            Some(serde_json::to_value(v.certificate()).unwrap()),
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
    assert!(valid_count >= 10 && invalid_count >= 33);
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
        ("32-shared-kid-first-key-wins", "RecordKindNotAllowed"),
        ("33-empty", "Empty"),
        ("34-base45-length", "Base45InvalidLength"),
        ("35-base45-overflow", "Base45GroupOverflow"),
        ("36-zlib-truncated", "InflateFailed"),
        ("37-zlib-trailing", "ZlibTrailingData"),
        ("38-not-cose-sign1", "NotCoseSign1"),
        ("39-cose-three-members", "CoseStructure"),
        ("40-alg-unprotected", "AlgNotProtected"),
        ("41-kid-missing", "KidMissing"),
        ("42-kid-length", "KidLength"),
        ("43-unprotected-not-empty", "UnprotectedHeaderNotEmpty"),
        ("44-unsupported-header", "UnsupportedHeader"),
        ("45-payload-nil", "PayloadMissing"),
        ("46-signature-length", "SignatureLength"),
        ("47-claim-missing", "ClaimMissing"),
        ("48-expires-before-issued", "ExpiresBeforeIssued"),
        ("49-invalid-record", "InvalidRecord"),
        ("50-duplicate-claim", "CborDuplicateKey"),
        ("51-indefinite-claims", "CborIndefiniteLength"),
        ("52-non-canonical-s", "SignatureInvalid"),
        ("53-small-order-r", "SignatureInvalid"),
        ("54-history-kind-not-allowed", "RecordKindNotAllowed"),
        ("55-history-invalid-entry", "InvalidRecord"),
        ("56-history-alone", "InvalidRecord"),
        ("60-iss-invalid-utf8", "CborMalformed"),
        ("61-unknown-item-duplicate-key", "CborDuplicateKey"),
        ("62-unknown-item-short-simple", "CborMalformed"),
        ("63-claim-fault-before-cbor-fault", "ClaimInvalid"),
        (
            "64-record-cbor-fault-after-content-fault",
            "CborIndefiniteLength",
        ),
        ("65-int-below-i64", "CborMalformed"),
        ("66-int-at-i64-min", "InvalidRecord"),
        ("57-nbf-in-future", "NotYetValid"),
        ("58-validity-too-long", "ValidityTooLong"),
        ("59-nbf-not-an-instant", "ClaimInvalid"),
        ("67-dictionary-unknown", "ZlibUnknownDictionary"),
        ("68-dictionary-checksum", "InflateFailed"),
    ];
    let cases = cases();
    for (name, error) in expect {
        let case = cases.iter().find(|c| c.name == name).unwrap();
        let (valid, _, got) = outcome(&case.text, &case.store, case.verify_at);
        assert!(!valid, "{name}");
        assert_eq!(got.as_deref(), Some(error), "{name}");
    }
    // The dictionary vector names dictionary 1 and holds the sample's
    // certificate, in a shorter text than 01.
    let with_dict = cases.iter().find(|c| c.name == "15-dictionary").unwrap();
    let plain = cases.iter().find(|c| c.name == "01-sample").unwrap();
    let body = travelcert::codec::text_to_body(&with_dict.text).unwrap();
    assert_eq!(body[1] & 0x20, 0x20, "FDICT");
    assert_eq!(body[2..6], dictionary::DICTIONARY_1_ID.to_be_bytes());
    assert!(with_dict.text.len() < plain.text.len());
    assert_eq!(
        outcome(&with_dict.text, &with_dict.store, VERIFY_AT).1,
        outcome(&plain.text, &plain.store, VERIFY_AT).1
    );
    // The uncompressed vector really is uncompressed, the others compressed.
    let raw = cases.iter().find(|c| c.name == "06-uncompressed").unwrap();
    assert!(travelcert::codec::text_to_body(&raw.text).unwrap()[0] == 0xd2);
    let eddsa = cases.iter().find(|c| c.name == "07-alg-eddsa").unwrap();
    let store = TrustStore::from_json(eddsa.store.to_string().as_bytes()).unwrap();
    let v = Verifier::new(store)
        .verify(&eddsa.text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(v.alg(), Algorithm::EdDsa);
}

#[test]
fn format_md_gives_dictionary_1_byte_for_byte() {
    let format =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("FORMAT.md")).unwrap();
    let section = format.split("### 3.1 Preset dictionary").nth(1).unwrap();
    let hex: String = section
        .split("```")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(bytes, dictionary::DICTIONARY_1);
    assert!(section.contains(&format!("`{:08X}`", dictionary::DICTIONARY_1_ID)));
}
