//! `HC1:` verification end to end against the raw signature check of the
//! same bytes, in the same run: ES256 (EU DCC DE/1) against `p256`'s ECDSA
//! verify, PS256 (common/CO1) against `rsa`'s PSS verify. The target is a
//! ratio of at most 1.15.
//!
//! `cargo bench --features hcert --bench hcert` (add `-- --quick` while developing).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use der::Decode;
use serde_json::Value;
use travelcert::codec::{base45, zlib};
use travelcert::trust::{Dsc, TrustStore};
use travelcert::verify::hcert::parse_datetime;
use travelcert::verify::Verifier;

struct Case {
    text: String,
    der: Vec<u8>,
    now: travelcert::model::Timestamp,
    /// The Sig_structure and the signature, as the raw check sees them.
    tbs: Vec<u8>,
    signature: Vec<u8>,
}

fn case(name: &str) -> Case {
    let path = format!(
        "{}/tests/interop/dgc-testdata/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let text = v["PREFIX"].as_str().unwrap().to_owned();
    let der = base64(v["TESTCTX"]["CERTIFICATE"].as_str().unwrap());
    let now = parse_datetime(v["TESTCTX"]["VALIDATIONCLOCK"].as_str().unwrap()).unwrap();
    let cose = zlib::inflate(&base45::decode(&text[4..]).unwrap(), 1 << 16).unwrap();
    use coset::{CborSerializable, TaggedCborSerializable};
    let sign1 = coset::CoseSign1::from_tagged_slice(&cose)
        .or_else(|_| coset::CoseSign1::from_slice(&cose))
        .unwrap();
    Case {
        tbs: sign1.tbs_data(b""),
        signature: sign1.signature.clone(),
        text,
        der,
        now,
    }
}

fn base64(text: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(text).unwrap()
}

fn spki_key(der: &[u8]) -> Vec<u8> {
    let cert = x509_cert::Certificate::from_der(der).unwrap();
    cert.tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec()
}

fn verifier(der: &[u8]) -> Verifier {
    let mut store = TrustStore::new();
    store.add_dsc(Dsc::from_der(der).unwrap()).unwrap();
    Verifier::new(store)
}

fn bench(c: &mut Criterion) {
    let es = case("DE/1");
    let v = verifier(&es.der);
    assert!(v.verify(&es.text, es.now).is_ok());
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&spki_key(&es.der)).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&es.signature).unwrap();
    let mut g = c.benchmark_group("es256");
    g.bench_function("hc1_verify", |b| {
        b.iter(|| v.verify(black_box(&es.text), es.now).unwrap())
    });
    g.bench_function("raw_p256_verify", |b| {
        use p256::ecdsa::signature::Verifier as _;
        b.iter(|| key.verify(black_box(&es.tbs), &sig).unwrap())
    });
    g.finish();

    let ps = case("common/CO1");
    let v = verifier(&ps.der);
    assert!(v.verify(&ps.text, ps.now).is_ok());
    use rsa::pkcs1::DecodeRsaPublicKey;
    let rsa_key = rsa::PublicKey::from_pkcs1_der(&spki_key(&ps.der)).unwrap();
    let pss = rsa::pss::VerifyingKey::<sha2::Sha256>::new(rsa_key);
    let rsa_sig = rsa::pss::Signature::try_from(ps.signature.as_slice()).unwrap();
    let mut g = c.benchmark_group("ps256");
    g.bench_function("hc1_verify", |b| {
        b.iter(|| v.verify(black_box(&ps.text), ps.now).unwrap())
    });
    g.bench_function("raw_rsa_verify", |b| {
        use rsa::signature::Verifier as _;
        b.iter(|| pss.verify(black_box(&ps.tbs), &rsa_sig).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
