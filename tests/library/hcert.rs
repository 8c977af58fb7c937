//! `HC1:` certificates (feature `hcert`) through the one verifier: the
//! mapped certificate, format and provenance, the trust inputs (PEM, DER,
//! gateway JSON; refused once a root is configured), the errors a tampered or
//! mismatched certificate gets, the border rules applied unchanged, and
//! what the multi-format verifier reports for vector 20.

use serde_json::Value;
use travelcert::model::{NatMethod, NatResult, Timestamp, VaccineProduct};
use travelcert::policy::{Moment, Outcome, Policy};
use travelcert::trust::{Dsc, ListState, TrustInputs, TrustStore};
use travelcert::verify::hcert::parse_datetime;
use travelcert::verify::{inspect, Format, Verifier, VerifyOptions};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/dgc-testdata");

pub(crate) struct Case {
    pub(crate) text: String,
    pub(crate) der: Vec<u8>,
    pub(crate) clock: Timestamp,
    pub(crate) json: Value,
}

pub(crate) fn case(name: &str) -> Case {
    let v: Value =
        serde_json::from_slice(&std::fs::read(format!("{DATA}/{name}.json")).unwrap()).unwrap();
    let ctx = &v["TESTCTX"];
    Case {
        text: v["PREFIX"].as_str().unwrap().to_owned(),
        der: b64(ctx["CERTIFICATE"].as_str().unwrap()),
        clock: parse_datetime(ctx["VALIDATIONCLOCK"].as_str().unwrap()).unwrap(),
        json: v["JSON"].clone(),
    }
}

fn b64(text: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        acc = (acc << 6) | A.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn b64_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

pub(crate) fn verifier(der: &[u8]) -> Verifier {
    let mut store = TrustStore::new();
    store.add_dsc(Dsc::from_der(der).unwrap()).unwrap();
    Verifier::new(store)
}

#[test]
fn a_german_vaccination_maps_into_the_model_with_format_and_provenance() {
    let c = case("DE/1");
    let v = verifier(&c.der).verify(&c.text, c.clock).unwrap();
    assert_eq!(v.origin().format(), Format::EuDcc);
    assert!(v.origin().key().is_none());
    let dsc = v.origin().dsc().unwrap();
    assert_eq!(v.kid(), dsc.fingerprint());
    let cert = v.certificate();
    assert_eq!(cert.issuer.as_str(), "DE");
    let vac = &cert.record.vaccinations[0];
    assert_eq!(vac.product, VaccineProduct::Mrna1273);
    assert_eq!((vac.dose, vac.series_total), (2, 2));
    assert_eq!(vac.date.to_string(), "2021-05-29");
    assert_eq!(cert.record.holder.primary_name, "MUSTERMANN");
    assert_eq!(cert.record.holder.secondary_name, "ERIKA");
    assert_eq!(cert.record.holder.date_of_birth.to_string(), "1964-08-12");
    // The JSON: format beside the certificate, the DSC and the original payload.
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["format"], "eu-dcc");
    assert!(json["certificate"].get("format").is_none());
    assert_eq!(json["alg"], -7);
    assert_eq!(json["dsc"]["key"], "P-256");
    assert_eq!(json["payload"], c.json);
    let foreign = v.foreign().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&foreign.payload_json()).unwrap(),
        c.json
    );
    // inspect says the format too, and verifies nothing.
    let u = inspect(&c.text, VerifyOptions::default().inflate_limit).unwrap();
    assert_eq!(u.format(), Format::EuDcc);
    assert!(!u.is_verified());
    assert_eq!(u.certificate(), cert);
}

#[test]
fn tests_keep_their_method_and_a_rapid_test_is_never_a_nat() {
    let pcr = case("AT/3");
    let v = verifier(&pcr.der).verify(&pcr.text, pcr.clock).unwrap();
    let nat = &v.certificate().record.nat_tests[0];
    assert_eq!(nat.method, NatMethod::RtPcr, "nm: Roche LightCycler qPCR");
    assert_eq!(nat.result, NatResult::Negative);
    assert_eq!(nat.sampled_at.to_string(), "2021-02-20T12:34:56Z");
    let rat = case("DE/2");
    let v = verifier(&rat.der).verify(&rat.text, rat.clock).unwrap();
    let record = &v.certificate().record;
    assert!(record.nat_tests.is_empty());
    assert_eq!(record.antigen_tests.len(), 1);
    assert_eq!(
        record.antigen_tests[0].facility.name,
        "Testzentrum Köln Hbf"
    );
    let rec = case("DE/3");
    let v = verifier(&rec.der).verify(&rec.text, rec.clock).unwrap();
    let h = &v.certificate().record.infection_history[0];
    assert_eq!(h.date.to_string(), "2021-01-10");
    assert_eq!(h.valid_until.unwrap().to_string(), "2021-06-15");
}

#[test]
fn ps256_and_every_cose_shape_verify() {
    // CO1/CO2: PS256 with RSA 2048 and 3072; CO28: tag 61 around tag 18;
    // CO19: kid only in the unprotected header.
    for name in ["common/CO1", "common/CO2", "common/CO28", "common/CO19"] {
        let c = case(name);
        let v = verifier(&c.der).verify(&c.text, c.clock);
        assert!(v.is_ok(), "{name}: {v:?}");
    }
}

#[test]
fn each_failure_has_its_own_name() {
    let c = case("DE/1");
    let name = |text: &str, v: &Verifier, at: Timestamp| v.verify(text, at).unwrap_err().name();
    let good = verifier(&c.der);
    // Tampered: one Base45 character of the signature region changed.
    let mut tampered = c.text.clone().into_bytes();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let err = good.verify(&tampered, c.clock).unwrap_err();
    assert!(
        matches!(err.name(), "HcertSignatureInvalid" | "InflateFailed"),
        "{err:?}"
    );
    assert_eq!(name("HC1:", &good, c.clock), "Empty");
    // A body that is not zlib.
    let raw = travelcert::codec::base45::encode(&[0xd2, 0x84]);
    assert_eq!(
        name(&format!("HC1:{raw}"), &good, c.clock),
        "HcertNotCompressed"
    );
    // No DSC with the kid.
    let other = case("common/CO3");
    assert_eq!(
        name(&c.text, &verifier(&other.der), c.clock),
        "HcertUnknownKid"
    );
    // CO5: a signature that does not verify.
    let co5 = case("common/CO5");
    assert_eq!(
        name(&co5.text, &verifier(&co5.der), co5.clock),
        "HcertSignatureInvalid"
    );
    // CO6: a DSC for tests only signed a vaccination.
    let co6 = case("common/CO6");
    assert_eq!(
        name(&co6.text, &verifier(&co6.der), co6.clock),
        "HcertKeyUsage"
    );
    // BG/4: iat before the DSC's validity.
    let bg4 = case("BG/4");
    assert_eq!(
        name(&bg4.text, &verifier(&bg4.der), bg4.clock),
        "HcertDscNotValidAtSigning"
    );
    // Expired, and not yet valid.
    assert_eq!(
        name(&c.text, &good, c.clock.saturating_add(400 * 86_400)),
        "Expired"
    );
    assert_eq!(
        name(&c.text, &good, c.clock.saturating_add(-30 * 86_400)),
        "NotYetValid"
    );
}

#[test]
fn gateway_json_scopes_the_dsc_by_country_and_pem_loads_too() {
    let c = case("DE/1");
    let dsc = Dsc::from_der(&c.der).unwrap();
    let entry = |country: &str| {
        format!(
            r#"[{{"kid": "{}", "country": "{country}", "certificateType": "DSC", "rawData": "{}"}},
                {{"kid": "AAAAAAAAAAA=", "country": "DE", "certificateType": "CSCA", "rawData": "AAAA"}}]"#,
            b64_encode(dsc.kid()),
            b64_encode(&c.der)
        )
    };
    let load = |bytes: &[u8]| {
        let mut store = TrustStore::new();
        store.add_dscs(bytes, &[]).unwrap();
        Verifier::new(store)
    };
    assert!(load(entry("DE").as_bytes())
        .verify(&c.text, c.clock)
        .is_ok());
    let err = load(entry("AT").as_bytes())
        .verify(&c.text, c.clock)
        .unwrap_err();
    assert_eq!(err.name(), "HcertIssuerMismatch");
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        b64_encode(&c.der)
            .as_bytes()
            .chunks(64)
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(load(pem.as_bytes()).verify(&c.text, c.clock).is_ok());
    assert!(load(&c.der).verify(&c.text, c.clock).is_ok());
    // Ed25519 keys and DSCs live side by side in one store.
    let mut store = crate::common::store();
    store.add_dsc(dsc).unwrap();
    let v = Verifier::new(store);
    assert!(v.verify(&c.text, c.clock).is_ok());
    assert!(v
        .verify(
            &crate::common::issue(&crate::common::sample()),
            crate::common::t(crate::common::VERIFY_AT)
        )
        .is_ok());
}

#[test]
fn a_dsc_on_another_curve_is_refused_at_load() {
    let mut der = case("DE/1").der;
    let p256 = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let at = der.windows(8).position(|w| w == p256).unwrap();
    der[at + 7] = 0x06; // prime239v3: same length, still well-formed DER
    let err = Dsc::from_der(&der).unwrap_err();
    assert!(
        matches!(
            err,
            travelcert::TrustError::DscKeyUnsupported { index: 0, .. }
        ),
        "{err:?}"
    );
    assert!(matches!(
        Dsc::from_der(&der[..100]),
        Err(travelcert::TrustError::Dsc { index: 0, .. })
    ));
}

#[test]
fn a_bare_dsc_file_is_refused_once_a_root_is_configured() {
    let c = case("DE/1");
    let mut state = ListState::default();
    let mut none = TrustInputs::new(Vec::new(), &mut state, c.clock);
    none.add_dsc("dsc.der", &c.der).unwrap();
    assert!(!none.into_store().is_empty());
    let root = travelcert::trust::Root::new(crate::common::test1_key());
    let mut state = ListState::default();
    let mut rooted = TrustInputs::new(vec![root], &mut state, c.clock);
    let err = rooted.add_dsc("dsc.der", &c.der).unwrap_err();
    assert_eq!(err.name(), "TrustUnsignedRefused");
    assert_eq!(err.input(), "dsc.der");
}

#[test]
fn the_border_rules_apply_unchanged() {
    // A negative NAT within 48 hours: met by a DCC PCR test.
    let rule = Policy::from_json(
        br#"{"name": "negative NAT within 48 h", "rule": {"kind": "nat", "id": "nat-48h",
            "disease": "sars-cov-2", "results": ["negative"], "within_hours": 48}}"#,
    )
    .unwrap();
    let pcr = case("BG/5");
    let v = verifier(&pcr.der).verify(&pcr.text, pcr.clock).unwrap();
    assert_eq!(
        rule.evaluate(&v, Moment::checking(pcr.clock)).outcome,
        Outcome::Accepted
    );
    let late = pcr.clock.saturating_add(3 * 86_400);
    assert_ne!(
        rule.evaluate(&v, Moment::checking(late)).outcome,
        Outcome::Accepted
    );
    // A rapid antigen test is not a NAT: the same rule does not accept it.
    let rat = case("DE/2");
    let v = verifier(&rat.der).verify(&rat.text, rat.clock).unwrap();
    assert_ne!(
        rule.evaluate(&v, Moment::checking(rat.clock)).outcome,
        Outcome::Accepted
    );
    // The example that accepts EU DCC vaccinations.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/eu-dcc-vaccination.json"
    );
    let policy = Policy::from_json(&std::fs::read(path).unwrap()).unwrap();
    let vac = case("DE/1");
    let three_weeks = vac.clock.saturating_add(21 * 86_400);
    let v = verifier(&vac.der).verify(&vac.text, three_weeks).unwrap();
    let verdict = policy.evaluate(&v, Moment::checking(three_weeks));
    assert_eq!(verdict.outcome, Outcome::Accepted, "{}", verdict.explain());
    // Three days after the dose: too early.
    let v = verifier(&vac.der).verify(&vac.text, vac.clock).unwrap();
    assert_eq!(
        policy.evaluate(&v, Moment::checking(vac.clock)).outcome,
        Outcome::Refused
    );
}

#[test]
fn vector_20_through_the_multi_format_verifier() {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/20-bad-prefix.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let text = v["qr_text"].as_str().unwrap();
    let store = TrustStore::from_json(v["trust_store"].to_string().as_bytes()).unwrap();
    let verifier = Verifier::new(store);
    let at = Timestamp::from_unix(v["verify_at"].as_i64().unwrap()).unwrap();
    // The travelcert-only verifier: MissingPrefix, as the vector says.
    assert_eq!(
        verifier.verify_travelcert(text, at).unwrap_err().name(),
        "MissingPrefix"
    );
    // The multi-format verifier reads it as HC1: (FORMAT.md §14.3): the
    // travelcert body inflates to a COSE_Sign1 whose algorithm, Ed25519
    // (-19), is not an HCERT algorithm.
    assert_eq!(
        verifier.verify(text, at).unwrap_err(),
        travelcert::VerifyError::HcertAlgUnsupported { alg: -19 }
    );
}
