//! The inflater against `miniz_oxide`'s (the one the crate used before):
//! same bytes, same input consumed, same class of failure, for compressed
//! data of every level and strategy, with and without a preset dictionary,
//! and for random and mutated streams.

use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use proptest::prelude::*;

use super::*;

type Outcome = Result<(Vec<u8>, usize), Failure>;

/// `miniz_oxide`'s raw inflater into a buffer of `cap` bytes holding
/// `dictionary` first, classified as `crate::codec::zlib` did with it.
fn reference(input: &[u8], dictionary: &[u8], cap: usize) -> Outcome {
    let mut out = vec![0u8; cap.max(dictionary.len())];
    out[..dictionary.len()].copy_from_slice(dictionary);
    let mut state = Box::<DecompressorOxide>::default();
    let (status, read, written) = decompress(
        &mut state,
        input,
        &mut out,
        dictionary.len(),
        TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    match status {
        TINFLStatus::Done => {
            out.truncate(dictionary.len() + written);
            Ok((out.split_off(dictionary.len()), read))
        }
        TINFLStatus::HasMoreOutput => Err(Failure::Full),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            Err(Failure::Truncated)
        }
        _ => Err(Failure::Corrupt),
    }
}

fn ours(input: &[u8], dictionary: &[u8], cap: usize) -> Outcome {
    let mut out = dictionary.to_vec();
    let cap = cap.max(dictionary.len());
    let read = inflate(&mut Tables::new(), input, &mut out, cap)?;
    assert!(out.len() <= cap);
    Ok((out.split_off(dictionary.len()), read))
}

/// Both inflaters agree on `input` (with reused tables as well as fresh).
fn same(input: &[u8], dictionary: &[u8], cap: usize) -> Outcome {
    let expected = reference(input, dictionary, cap);
    let got = ours(input, dictionary, cap);
    assert_eq!(got, expected, "input {input:02x?}");
    REUSED.with(|tables| {
        let mut out = dictionary.to_vec();
        let again = inflate(
            &mut tables.borrow_mut(),
            input,
            &mut out,
            cap.max(dictionary.len()),
        )
        .map(|read| (out.split_off(dictionary.len()), read));
        assert_eq!(again, expected, "reused tables, input {input:02x?}");
    });
    expected
}

thread_local! {
    static REUSED: std::cell::RefCell<Box<Tables>> = std::cell::RefCell::new(Tables::new());
}

const BIG: usize = 1 << 20;

fn miniz_levels(data: &[u8]) -> Vec<Vec<u8>> {
    (0..=10)
        .map(|level| miniz_oxide::deflate::compress_to_vec(data, level))
        .collect()
}

/// Raw deflate from zlib-rs at this level and strategy, from `dictionary`.
#[cfg(feature = "issue")]
fn zlib_rs(data: &[u8], level: i32, strategy: zlib_rs::Strategy, dictionary: &[u8]) -> Vec<u8> {
    let mut d = zlib_rs::Deflate::new_with_config(zlib_rs::DeflateConfig {
        level,
        method: zlib_rs::Method::Deflated,
        window_bits: -15,
        mem_level: 8,
        strategy,
    });
    if !dictionary.is_empty() {
        d.set_dictionary(dictionary).unwrap();
    }
    let mut out = vec![0u8; data.len() * 2 + 1024];
    match d.compress(data, &mut out, zlib_rs::DeflateFlush::Finish) {
        Ok(zlib_rs::Status::StreamEnd) => {}
        other => panic!("{other:?}"),
    }
    out.truncate(d.total_out() as usize);
    out
}

#[cfg(feature = "issue")]
const STRATEGIES: [zlib_rs::Strategy; 5] = [
    zlib_rs::Strategy::Default,
    zlib_rs::Strategy::Filtered,
    zlib_rs::Strategy::HuffmanOnly,
    zlib_rs::Strategy::Rle,
    zlib_rs::Strategy::Fixed,
];

/// Text-like data: words from a small vocabulary, with random bytes mixed in.
fn data() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..3000),
        proptest::collection::vec(
            prop_oneof![
                Just(b"Laboratory ".to_vec()),
                Just(b"Vaccination".to_vec()),
                Just(b"\x00\x00\x00\x00".to_vec()),
                Just(b"a".to_vec()),
                proptest::collection::vec(any::<u8>(), 1..8),
            ],
            0..400,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn compressed_data_inflates_the_same(data in data()) {
        for z in miniz_levels(&data) {
            let (out, read) = same(&z, &[], BIG).unwrap();
            prop_assert_eq!(&out, &data);
            prop_assert_eq!(read, z.len());
        }
    }

    #[cfg(feature = "issue")]
    #[test]
    fn every_level_and_strategy_with_a_dictionary(data in data(), dictionary in data(), level in 0..=9i32) {
        for strategy in STRATEGIES {
            for dict in [&[][..], &dictionary[..], crate::codec::dictionary::DICTIONARY_1] {
                let z = zlib_rs(&data, level, strategy, dict);
                let (out, read) = same(&z, dict, BIG).unwrap();
                prop_assert_eq!(&out, &data);
                prop_assert_eq!(read, z.len());
            }
        }
    }

    #[test]
    fn caps_truncations_and_trailing_bytes(data in data(), cut in any::<prop::sample::Index>(), cap in any::<prop::sample::Index>()) {
        let z = miniz_oxide::deflate::compress_to_vec(&data, 6);
        // Every cap around the output's size, and one at random.
        for c in [data.len().saturating_sub(1), data.len(), data.len() + 1, cap.index(data.len() + 2)] {
            same(&z, &[], c).ok();
        }
        same(&z[..cut.index(z.len() + 1)], &[], BIG).ok();
        let mut longer = z.clone();
        longer.extend_from_slice(&[0xde, 0xad]);
        let (_, read) = same(&longer, &[], BIG).unwrap();
        prop_assert_eq!(read, z.len());
    }

    #[test]
    fn mutated_streams_agree(data in data(), flips in proptest::collection::vec((any::<prop::sample::Index>(), 0..8u8), 1..4), level in 0..=10u8) {
        let mut z = miniz_oxide::deflate::compress_to_vec(&data, level);
        if z.is_empty() {
            return Ok(());
        }
        for (at, bit) in flips {
            let i = at.index(z.len());
            z[i] ^= 1 << bit;
        }
        same(&z, &[], BIG).ok();
        same(&z, &[], data.len()).ok();
        same(&z, b"a preset dictionary: distances may reach into it", BIG).ok();
    }

    #[test]
    fn random_streams_agree(input in proptest::collection::vec(any::<u8>(), 0..200), cap in 0..600usize) {
        same(&input, &[], BIG).ok();
        same(&input, &[], cap).ok();
        same(&input, b"dictionary", cap).ok();
    }

    #[test]
    fn random_dynamic_headers_agree(mut input in proptest::collection::vec(any::<u8>(), 3..300)) {
        // Final dynamic block: random table sizes and code lengths.
        input[0] = input[0] & !7 | 0b101;
        same(&input, &[], BIG).ok();
        input[0] = input[0] & !7 | 0b011;
        same(&input, &[], BIG).ok();
    }
}

/// Bits written from the least significant end, as DEFLATE reads them.
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    bit: u32,
}

impl Writer {
    fn put(&mut self, value: u32, n: u32) -> &mut Self {
        for i in 0..n {
            if self.bit == 0 {
                self.bytes.push(0);
            }
            *self.bytes.last_mut().unwrap() |= (((value >> i) & 1) as u8) << self.bit;
            self.bit = (self.bit + 1) % 8;
        }
        self
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: u32) -> &mut Self {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
        self
    }

    fn done(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}

/// A dynamic block header: the code-length code gives symbols 0..=18 the
/// lengths `cl` (in RFC order), then `lengths` are sent as plain symbols
/// with that code (codes assigned canonically).
fn dynamic(hlit: u32, hdist: u32, cl: &[u8; 19], symbols: &[(u32, u32, u32)]) -> Writer {
    let mut w = Writer::default();
    w.put(0b101, 3)
        .put(hlit - 257, 5)
        .put(hdist - 1, 5)
        .put(15, 4);
    for &s in &CODE_ORDER {
        w.put(u32::from(cl[s]), 3);
    }
    // Canonical codes of the code-length code.
    let mut codes = [0u32; 19];
    let mut code = 0;
    for len in 1..8 {
        for (s, &l) in cl.iter().enumerate() {
            if u32::from(l) == len {
                codes[s] = code;
                code += 1;
            }
        }
        code <<= 1;
    }
    for &(symbol, extra, extra_bits) in symbols {
        w.code(codes[symbol as usize], u32::from(cl[symbol as usize]));
        w.put(extra, extra_bits);
    }
    w
}

/// A complete code-length code: 16 symbols of 4 bits (0..=12 and 16..=18).
fn cl_code() -> [u8; 19] {
    let mut cl = [4u8; 19];
    cl[13] = 0;
    cl[14] = 0;
    cl[15] = 0;
    cl
}

#[test]
fn hand_made_streams_agree() {
    let mut cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x03, 0x00],                               // fixed, empty
        vec![0x01, 0x00, 0x00, 0xff, 0xff],             // stored, empty
        vec![0x01, 0x01, 0x00, 0xfe, 0xff, 0x41],       // stored "A"
        vec![0x01, 0x01, 0x00, 0xfe, 0xfe, 0x41],       // LEN/NLEN mismatch
        vec![0x01, 0x02, 0x00, 0xfd, 0xff, 0x41],       // stored, truncated
        vec![0x07],                                     // block type 3
        vec![0x00, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00], // two blocks
    ];
    // Fixed block: literal/length 286 and 287 (8-bit codes 11000110/111),
    // distance 30 and 31.
    for sym in [0b1100_0110u32, 0b1100_0111] {
        cases.push(
            Writer::default()
                .put(0b011, 3)
                .code(sym, 8)
                .put(0, 16)
                .done(),
        );
    }
    for d in [30u32, 31, 0, 29] {
        // 'a' then length 3 (257: 0000001) and distance code d.
        cases.push(
            Writer::default()
                .put(0b011, 3)
                .code(0x30 + 0x61, 8)
                .code(1, 7)
                .code(d, 5)
                .put(0, 13)
                .code(0, 7)
                .done(),
        );
    }
    let cl = cl_code();
    // 257 literal/length lengths and 1 distance length, written as plain
    // lengths and repeats: all-8 for 0..=255 would over-subscribe; use 0s
    // and a few codes.
    let plain = |lit: &[u32], dist: &[u32]| {
        let mut s: Vec<(u32, u32, u32)> = lit.iter().map(|&l| (l, 0, 0)).collect();
        s.extend(dist.iter().map(|&l| (l, 0, 0)));
        s
    };
    let mut lit = vec![0u32; 257];
    lit[b'a' as usize] = 1;
    lit[256] = 1;
    // Complete literal code, no distance codes, single distance code, an
    // incomplete distance code of two 2-bit codes.
    for dist in [vec![0], vec![1], vec![2, 2], vec![1, 1]] {
        let mut w = dynamic(257, dist.len() as u32, &cl, &plain(&lit, &dist));
        w.code(0, 1).code(0, 1).code(1, 1);
        cases.push(w.done());
        // And a match: 'a', length 257 can't be coded here, so EOB only.
    }
    // A literal/length code with one 1-bit code (incomplete, allowed) whose
    // other code is then read.
    let mut one = vec![0u32; 257];
    one[256] = 1;
    for tail in [0u32, 1] {
        let mut w = dynamic(257, 1, &cl, &plain(&one, &[1]));
        w.code(tail, 1);
        cases.push(w.done());
    }
    // Too many literal/length or distance codes (HLIT 287, 288; HDIST 31, 32).
    for (hlit, hdist) in [(287, 1), (288, 1), (257, 31), (257, 32), (286, 30)] {
        cases.push(dynamic(hlit, hdist, &cl, &[]).done());
    }
    // Repeat of the previous length with none before it; repeats past the end.
    cases.push(dynamic(257, 1, &cl, &[(16, 0, 2)]).done());
    let mut past = vec![(18u32, 127u32, 7u32), (18, 127, 7), (18, 0, 7)];
    cases.push(dynamic(257, 1, &cl, &past).done());
    past.pop();
    past.push((17, 7, 3));
    cases.push(dynamic(257, 1, &cl, &past).done());
    // Over-subscribed and incomplete code-length codes.
    cases.push(dynamic(257, 1, &[3; 19], &[]).done());
    cases.push(dynamic(257, 1, &[5; 19], &[]).done());
    // Stored "ABCDE" cut after 3 bytes: output and input run out together.
    cases.push(vec![0x01, 0x05, 0x00, 0xfa, 0xff, 0x41, 0x42, 0x43]);
    for case in &cases {
        for cap in (0..8).chain([BIG]) {
            same(case, &[], cap).ok();
            for cut in 0..case.len() {
                same(&case[..cut], &[], cap).ok();
            }
        }
    }
}

#[test]
fn distances_reach_into_the_dictionary_but_no_further() {
    let dictionary = b"0123456789";
    for d in 1..=12u32 {
        // 'a', then length 3 at distance d (fixed code; distance code and
        // extra bits from RFC 1951's table for d <= 12).
        let (code, extra, bits) = match d {
            1..=4 => (d - 1, 0, 0),
            5..=6 => (4, d - 5, 1),
            7..=8 => (5, d - 7, 1),
            9..=12 => (6, d - 9, 2),
            _ => unreachable!(),
        };
        let z = Writer::default()
            .put(0b011, 3)
            .code(0x30 + 0x61, 8)
            .code(1, 7)
            .code(code, 5)
            .put(extra, bits)
            .code(0, 7)
            .done();
        let got = same(&z, dictionary, BIG);
        assert_eq!(got.is_ok(), d <= 11, "distance {d}");
        assert_eq!(same(&z, &[], BIG).is_ok(), d == 1, "distance {d}");
    }
}

#[test]
fn output_stops_at_the_cap_without_growing_past_it() {
    let data = vec![7u8; 100_000];
    let z = miniz_oxide::deflate::compress_to_vec(&data, 9);
    for cap in [0, 1, 255, 256, 257, 1000, 65_536, 99_999] {
        let mut out = Vec::new();
        assert_eq!(
            inflate(&mut Tables::new(), &z, &mut out, cap),
            Err(Failure::Full)
        );
        assert!(out.capacity() <= cap, "{cap}");
        same(&z, &[], cap).ok();
    }
    assert_eq!(ours(&z, &[], 100_000).unwrap().0, data);
}
