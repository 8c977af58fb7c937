//! Core benchmarks: each verification stage alone, end-to-end verify and issue,
//! batch verification, and in the same run the raw `ed25519-dalek` floor
//! (`verify_strict` and `sign` on the same Sig_structure bytes).
//!
//! Run: `cargo bench --features issue --bench core`, then
//! `python3 benches/report.py` for the ratio table.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ed25519_dalek::{Signer as _, SigningKey};
use std::hint::black_box;
use travelcert::codec::{self, base45, claims, zlib};
use travelcert::cose::{sign1, Algorithm, CoseSign1, ProtectedHeader};
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer, Signer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;

const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

struct Fixture {
    record: HealthRecord,
    issuer: Issuer<Ed25519Signer>,
    params: IssueParams,
    text: String,
    body: Vec<u8>,
    cose: Vec<u8>,
    tbs: Vec<u8>,
    payload: Vec<u8>,
    verifier: Verifier,
    now: Timestamp,
}

fn fixture() -> Fixture {
    let record: HealthRecord =
        serde_json::from_str(include_str!("../examples/data/traveller.json")).unwrap();
    let cn = CountryCode::new("CN").unwrap();
    let issuer = Issuer::new(Ed25519Signer::from_seed(&SEED), cn);
    let params = IssueParams::new(Timestamp::from_unix(1_615_377_600).unwrap(), 48 * 3600)
        .with_id(CertificateId::new(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap());
    let issued = issuer.issue(&record, &params).unwrap();
    let body = codec::text_to_body(&issued.text).unwrap();
    let s = CoseSign1::parse(&issued.cose).unwrap();
    let (tbs, payload) = (s.to_be_signed(), s.payload.to_vec());
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(issuer.public_key(), cn));
    Fixture {
        record,
        params,
        text: issued.text,
        body,
        cose: issued.cose,
        tbs,
        payload,
        issuer,
        verifier: Verifier::new(store),
        now: Timestamp::from_unix(1_615_453_200).unwrap(),
    }
}

fn verify(c: &mut Criterion) {
    let f = fixture();
    let key = SigningKey::from_bytes(&SEED);
    let vk = key.verifying_key();
    let sig = key.sign(&f.tbs);
    let mut g = c.benchmark_group("verify");
    g.bench_function("raw_verify_strict", |b| {
        b.iter(|| {
            vk.verify_strict(black_box(&f.tbs), black_box(&sig))
                .unwrap()
        })
    });
    g.bench_function("end_to_end", |b| {
        b.iter(|| f.verifier.verify(black_box(&f.text), f.now).unwrap())
    });
    g.bench_function("stage_base45_decode", |b| {
        b.iter(|| base45::decode(black_box(&f.text[4..])).unwrap())
    });
    g.bench_function("stage_inflate", |b| {
        b.iter(|| zlib::inflate(black_box(&f.body), 1 << 16).unwrap())
    });
    g.bench_function("stage_cose_parse", |b| {
        b.iter(|| CoseSign1::parse(black_box(&f.cose)).unwrap())
    });
    g.bench_function("stage_claims_decode", |b| {
        b.iter(|| claims::decode_claims(black_box(&f.payload)).unwrap())
    });
    g.finish();
}

fn issue(c: &mut Criterion) {
    let f = fixture();
    let key = SigningKey::from_bytes(&SEED);
    let signer = Ed25519Signer::from_seed(&SEED);
    let header = ProtectedHeader {
        alg: Algorithm::Ed25519,
        kid: signer.public_key().kid(),
    };
    let mut g = c.benchmark_group("issue");
    g.bench_function("raw_sign", |b| b.iter(|| key.sign(black_box(&f.tbs))));
    g.bench_function("raw_zlib_compress", |b| {
        b.iter(|| zlib::compress(black_box(&f.cose)))
    });
    g.bench_function("end_to_end", |b| {
        b.iter(|| f.issuer.issue(black_box(&f.record), &f.params).unwrap())
    });
    g.bench_function("stage_encode_claims", |b| {
        let cert = f.issuer.issue(&f.record, &f.params).unwrap().certificate;
        b.iter(|| claims::encode_claims(black_box(&cert)))
    });
    g.bench_function("stage_sign1", |b| {
        b.iter(|| sign1::sign(&header, black_box(&f.payload), |m| signer.sign(m)).unwrap())
    });
    g.bench_function("stage_base45_encode", |b| {
        b.iter(|| base45::encode(black_box(&f.body)))
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let f = fixture();
    let texts: Vec<String> = (0..64u8)
        .map(|i| {
            let p = IssueParams::new(f.params.issued_at, f.params.valid_for)
                .with_id(CertificateId::new(&[i; 8]).unwrap());
            f.issuer.issue(&f.record, &p).unwrap().text
        })
        .collect();
    let mut g = c.benchmark_group("batch64");
    g.throughput(Throughput::Elements(64));
    g.bench_function("one_by_one", |b| {
        b.iter(|| {
            for t in &texts {
                f.verifier.verify(black_box(t), f.now).unwrap();
            }
        })
    });
    g.bench_function("verify_batch", |b| {
        b.iter_batched(
            || texts.clone(),
            |t| {
                let r = f.verifier.verify_batch(black_box(&t), f.now);
                assert!(r.iter().all(Result::is_ok));
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// The compression level is pinned for determinism; this sweep (with a reused
/// compressor, as `Issuer` does) is how it was chosen. Sizes are printed once.
fn zlib_levels(c: &mut Criterion) {
    use flate2::{Compress, Compression};
    let f = fixture();
    let mut g = c.benchmark_group("zlib_level");
    for level in [1u32, 6, 9] {
        let mut comp = Compress::new(Compression::new(level), true);
        let size = zlib::compress_with(&mut comp, &f.cose).len();
        eprintln!("zlib level {level}: {} -> {size} bytes", f.cose.len());
        g.bench_function(format!("level_{level}"), |b| {
            b.iter(|| zlib::compress_with(&mut comp, black_box(&f.cose)))
        });
    }
    g.finish();
}

criterion_group!(benches, verify, issue, batch, zlib_levels);
criterion_main!(benches);
