//! SMART Health Card verification end to end (numeric QR text → mapped
//! certificate) against the raw `p256` ES256 verification of the same JWS
//! bytes, in the same run. The target is a ratio of at most 1.2.
//!
//! `cargo bench --features shc --bench shc` (add `-- --quick` while developing).

use std::hint::black_box;

use base64ct::{Base64UrlUnpadded, Encoding};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use travelcert::model::Timestamp;
use travelcert::trust::TrustStore;
use travelcert::verify::Verifier;

const ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";

fn read(name: &str) -> String {
    let path = format!(
        "{}/tests/interop/shc/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

fn bench(c: &mut Criterion) {
    let jwks = read("issuer/jwks.json");
    let text = read("example-00-f-qr-code-numeric-value-0.txt");
    let jws = read("example-00-d-jws.txt");
    let store = TrustStore::new()
        .with_shc_issuer(ISSUER, jwks.as_bytes())
        .unwrap();
    let v = Verifier::new(store);
    let now = Timestamp::parse_rfc3339("2025-01-01T00:00:00Z").unwrap();
    assert!(v.verify(&text, now).is_ok());

    let key: Value = serde_json::from_str::<Value>(&jwks).unwrap()["keys"][0].clone();
    let mut sec1 = vec![4u8];
    sec1.extend(Base64UrlUnpadded::decode_vec(key["x"].as_str().unwrap()).unwrap());
    sec1.extend(Base64UrlUnpadded::decode_vec(key["y"].as_str().unwrap()).unwrap());
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap();
    let dot = jws.rfind('.').unwrap();
    let signing_input = jws.as_bytes()[..dot].to_vec();
    let sig = Base64UrlUnpadded::decode_vec(&jws[dot + 1..]).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&sig).unwrap();

    let mut g = c.benchmark_group("es256");
    g.bench_function("shc_verify", |b| {
        b.iter(|| v.verify(black_box(&text), now).unwrap())
    });
    g.bench_function("raw_p256_verify", |b| {
        use p256::ecdsa::signature::Verifier as _;
        b.iter(|| key.verify(black_box(&signing_input), &sig).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
