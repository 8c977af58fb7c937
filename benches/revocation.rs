//! Revocation list at scale: 1,000,000 ids load (signature check +
//! decode) in under 1 s, look up in under 1 µs, at no more than 20 bytes each.
//!
//! `cargo bench --features issue --bench revocation` (add `-- --quick` while developing).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sha2::{Digest, Sha256};
use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::model::Timestamp;
use travelcert::trust::{RevocationId, RevocationList};

const N: u32 = 1_000_000;

/// RFC 8032 §7.1 test 2 secret key (the test suite's root key).
const ROOT_SEED: [u8; 32] = [
    0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3, 0x46, 0xec, 0x11, 0x4e, 0x0f,
    0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab, 0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
];

fn id(i: u32) -> RevocationId {
    let d = Sha256::digest(i.to_be_bytes());
    let mut id = [0u8; 16];
    id.copy_from_slice(&d[..16]);
    id
}

fn bench(c: &mut Criterion) {
    let at = |s| Timestamp::from_unix(s).unwrap_or_else(|_| unreachable!());
    let root = Ed25519Signer::from_seed(&ROOT_SEED);
    let roots = [root.public_key()];
    let mut list = RevocationList::new(at(1_615_334_400), 1, at(1_615_939_200));
    list.extend((0..N).map(id));
    let signed = list.sign(&root).unwrap_or_else(|_| unreachable!());
    let now = at(1_615_420_800);
    let (loaded, _) =
        RevocationList::verify(&signed, &roots, now, 0).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "revocation list: {} ids, {} bytes signed, {} heap bytes in memory = {:.1} bytes/id",
        loaded.len(),
        signed.len(),
        loaded.heap_bytes(),
        loaded.heap_bytes() as f64 / loaded.len() as f64
    );

    let mut g = c.benchmark_group("revocation_1m");
    g.sample_size(10);
    g.bench_function("load (verify signature + decode)", |b| {
        b.iter(|| RevocationList::verify(black_box(&signed), &roots, now, 0).map(|(l, _)| l.len()))
    });
    g.finish();

    let hits: Vec<RevocationId> = (0..1024).map(|i| id(i * 977)).collect();
    let misses: Vec<RevocationId> = (0..1024).map(|i| id(N + i)).collect();
    let mut i = 0usize;
    c.bench_function("revocation_1m/lookup hit", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            loaded.contains(black_box(&hits[i]))
        })
    });
    c.bench_function("revocation_1m/lookup miss", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            loaded.contains(black_box(&misses[i]))
        })
    });
    let mut g = c.benchmark_group("revocation_1m");
    g.sample_size(10);
    g.bench_function("build from unsorted ids", |b| {
        b.iter_batched(
            || (0..N).map(id).collect::<Vec<_>>(),
            |ids| {
                let mut l = RevocationList::new(at(0), 1, at(1));
                l.extend(ids);
                l.len()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
