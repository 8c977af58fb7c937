//! The issuing compressor (the crate's own single-block deflater, one per
//! thread, for inputs of at most `zlib::SMALL_INPUT_MAX` bytes) writes the
//! same bytes as the reference settings FORMAT.md §3 pins: zlib level 9,
//! window 15, memory level 8 (`flate2` with `zlib-rs`, reached through
//! `zlib::compress_with`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;

use flate2::{Compress, Compression};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use travelcert::codec::zlib;
use travelcert::issue::IssueParams;
use travelcert::model::{CertificateId, HealthRecord, MAX_ENTRIES_PER_KIND};

use crate::common::*;
use crate::roundtrip::{nat, record, vaccination};

/// The reference: a reused `flate2` compressor at zlib's default window and
/// memory level.
fn reference(data: &[u8]) -> Vec<u8> {
    thread_local! {
        static C: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(zlib::LEVEL), true));
    }
    C.with(|c| zlib::compress_with(&mut c.borrow_mut(), data))
}

/// The certificate text the reference settings give for these COSE bytes.
fn reference_text(cose: &[u8]) -> String {
    let z = reference(cose);
    let body = if z.len() < cose.len() { &z[..] } else { cose };
    format!("TC1:{}", ::base45::encode(body))
}

/// Realistic records (up to three entries of each kind) and, one time in two,
/// the same with up to the maximum number of NATs and vaccinations.
fn any_size_record() -> impl Strategy<Value = HealthRecord> {
    let most = MAX_ENTRIES_PER_KIND - 3;
    prop_oneof![
        record(),
        (
            record(),
            prop::collection::vec(nat(), 0..=most),
            prop::collection::vec(vaccination(), 0..=most),
        )
            .prop_map(|(mut r, nats, doses)| {
                r.nat_tests.extend(nats);
                r.vaccinations.extend(doses);
                r
            }),
    ]
}

#[test]
fn two_thousand_issued_certificates_match_the_reference() {
    let issuer = issuer();
    let mut runner = TestRunner::deterministic();
    let strategy = (
        any_size_record(),
        prop::collection::vec(any::<u8>(), 8..=16),
    );
    let (mut small, mut large, mut compressed, mut longest) = (0, 0, 0, 0usize);
    for _ in 0..2000 {
        let (record, id) = strategy.new_tree(&mut runner).unwrap().current();
        let params = IssueParams::new(t(ISSUED_AT), VALID_FOR)
            .with_id(CertificateId::new(&id).unwrap())
            .with_history();
        let issued = issuer.issue(&record, &params).unwrap();
        let cose = &issued.cose;
        assert_eq!(
            zlib::compress(cose),
            reference(cose),
            "{} COSE bytes",
            cose.len()
        );
        assert_eq!(
            issued.text,
            reference_text(cose),
            "{} COSE bytes",
            cose.len()
        );
        if cose.len() <= zlib::SMALL_INPUT_MAX {
            small += 1;
        } else {
            large += 1;
        }
        if reference(cose).len() < cose.len() {
            compressed += 1;
        }
        longest = longest.max(cose.len());
    }
    println!("{small} certificates through the small compressor, {large} larger (longest COSE {longest} bytes), {compressed} compressed");
    // Sizes from a few hundred bytes to near the record limits, both body forms.
    assert!(
        longest >= 1500 && small >= 1900,
        "{small} small, longest {longest}"
    );
    assert!((300..2000).contains(&compressed), "{compressed} compressed");
}

/// Bytes of every kind up to a little past the small compressor's limit:
/// incompressible, one repeated pattern with point changes (long matches,
/// the longest distances), text from a small alphabet, and runs of one byte.
fn any_input() -> impl Strategy<Value = Vec<u8>> {
    let max = zlib::SMALL_INPUT_MAX + 64;
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..=max),
        (
            prop::collection::vec(any::<u8>(), 1..300),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..40),
            0..=max,
        )
            .prop_map(|(pattern, edits, len)| {
                let mut v: Vec<u8> = pattern.iter().copied().cycle().take(len).collect();
                for (at, byte) in edits {
                    if !v.is_empty() {
                        let i = at.index(v.len());
                        v[i] = byte;
                    }
                }
                v
            }),
        prop::collection::vec(prop::sample::select(b"aeio nst,.1".to_vec()), 0..=max),
        (any::<u8>(), 0..=max).prop_map(|(b, len)| vec![b; len]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_compress_as_the_reference(data in any_input()) {
        prop_assert_eq!(zlib::compress(&data), reference(&data));
    }
}

#[test]
fn lengths_around_the_limit_compress_as_the_reference() {
    // A fixed pseudo-random sequence: all literals, the most symbols per byte.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..zlib::SMALL_INPUT_MAX + 8)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let text = b"Dr. Essa Laboratory, 2021-03-10, negative; "
        .iter()
        .copied()
        .cycle();
    for len in zlib::SMALL_INPUT_MAX - 4..=zlib::SMALL_INPUT_MAX + 4 {
        for data in [
            noise[..len].to_vec(),
            text.clone().take(len).collect(),
            vec![0u8; len],
            // Literals, then one match as long and as far back as the input allows.
            [&noise[..len / 2], &noise[..len - len / 2]].concat(),
        ] {
            assert_eq!(zlib::compress(&data), reference(&data), "{len} bytes");
        }
    }
}

/// A fixed xorshift sequence, so the inputs below are the same on every run.
fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed | 1;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

#[test]
fn every_short_length_compresses_as_the_reference() {
    // Each length from 0 to 300 bytes: the shortest streams (no match
    // possible, a match reaching the end, the minimum lookahead), one byte
    // repeated, two alternating bytes, a short pattern and noise.
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for len in 0..=300usize {
        let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let small: Vec<u8> = (0..len).map(|_| b"ab"[(next() % 2) as usize]).collect();
        for data in [
            vec![b'x'; len],
            (0..len)
                .map(|i| if i % 2 == 0 { 0 } else { 0xff })
                .collect(),
            b"abcabd".iter().copied().cycle().take(len).collect(),
            noise,
            small,
        ] {
            assert_eq!(
                zlib::compress(&data),
                reference(&data),
                "{len} bytes: {data:?}"
            );
        }
    }
}

#[test]
fn ten_thousand_random_inputs_compress_as_the_reference() {
    // Lengths over the whole small range, alphabets of 1 to 256 letters (few
    // letters: long matches and chains; many: literals and the stored or
    // fixed-code block), with and without repeated slices copied from earlier
    // in the input (matches at every distance, lazy choices between overlaps).
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    let (mut stored, mut shorter) = (0, 0);
    for _ in 0..10_000 {
        let len = (next() % (zlib::SMALL_INPUT_MAX as u64 + 1)) as usize;
        let letters = [1u64, 2, 3, 4, 8, 16, 40, 95, 256][(next() % 9) as usize];
        let mut data: Vec<u8> = (0..len)
            .map(|_| ((next() % letters) as u8).wrapping_add(b' '))
            .collect();
        if next().is_multiple_of(2) && len > 8 {
            for _ in 0..next() % 40 {
                let from = (next() as usize) % len;
                let to = (next() as usize) % len;
                let n = ((next() % 300) as usize).min(len - from).min(len - to);
                data.copy_within(from..from + n, to);
            }
        }
        let z = zlib::compress(&data);
        assert_eq!(
            z,
            reference(&data),
            "{} bytes, {letters} letters",
            data.len()
        );
        if z.len() > data.len() {
            stored += 1;
        } else {
            shorter += 1;
        }
    }
    // Both incompressible and compressible inputs were among them.
    assert!(
        stored > 100 && shorter > 5_000,
        "{stored} stored, {shorter} shorter"
    );
}
