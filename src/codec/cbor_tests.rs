//! Unit tests of the strict CBOR reader and the deterministic writer.
use super::*;
use std::cell::Cell;

thread_local! {
    /// Key comparisons made by duplicate checks on this thread.
    pub(super) static COMPARISONS: Cell<u64> = const { Cell::new(0) };
}

/// A map head for `n` entries (`n` below 2^32).
fn map_head(n: usize) -> Vec<u8> {
    let mut out = vec![0xba];
    out.extend((n as u32).to_be_bytes());
    out
}

/// An integer head in shortest form.
fn int_bytes(k: i64) -> Vec<u8> {
    encode(|w| {
        w.int(k);
    })
}

/// Comparisons made while checking a map of `n` distinct integer keys in
/// an order that defeats any sorted-input shortcut (alternating signs,
/// growing magnitudes), read by `int_map` or skipped as an unknown item.
fn comparisons(n: usize, skipped: bool) -> u64 {
    let mut bytes = map_head(n);
    for i in 0..n as i64 {
        bytes.extend(int_bytes(if i % 2 == 0 { i } else { -i }));
        bytes.push(0xf6);
    }
    COMPARISONS.with(|c| c.set(0));
    let mut r = Reader::new(&bytes);
    if skipped {
        r.raw_item(0).unwrap();
    } else {
        r.int_map("m", |r, _| r.null().map(|_| ())).unwrap();
    }
    r.finish().unwrap();
    COMPARISONS.with(Cell::get)
}

#[test]
fn duplicate_checks_do_n_log_n_comparisons() {
    for skipped in [false, true] {
        let small = comparisons(20_000, skipped);
        let large = comparisons(80_000, skipped);
        // n log n: 4n entries cost about 4.6 times as many comparisons
        // (log2 80000 / log2 20000 is about 1.14); a list searched
        // linearly would cost 16 times as many.
        assert!(small >= 20_000, "{small}");
        assert!(large > small * 3, "{skipped}: {small} then {large}");
        assert!(large < small * 8, "{skipped}: {small} then {large}");
    }
}

#[test]
fn unknown_items_refuse_duplicates_and_short_simple_values() {
    let check = |hex_item: &str| {
        Reader::new(&hex::decode(hex_item).unwrap())
            .raw_item(1)
            .map(<[u8]>::to_vec)
    };
    // {1: 0, 1: 0}, also with the second key in a non-shortest head.
    assert_eq!(
        check("a201000100"),
        Err(VerifyError::CborDuplicateKey { key: 1 })
    );
    assert_eq!(
        check("a20100180100"),
        Err(VerifyError::CborDuplicateKey { key: 1 })
    );
    // {"a": 0, "a": 0} nested in an array; {h'61': 0, "a": 0} is fine.
    assert!(matches!(
        check("81a2616100616100"),
        Err(VerifyError::CborDuplicateKey { .. })
    ));
    assert!(check("a2416100616100").is_ok());
    // Keys at the ends of the CBOR integer range are distinct.
    assert!(check("a21bffffffffffffffff003bffffffffffffffff00").is_ok());
    // A key that is not an integer or a string.
    assert!(matches!(
        check("a1f500"),
        Err(VerifyError::CborMalformed { .. })
    ));
    // F8 10: a two-byte simple value below 32, anywhere.
    assert!(matches!(
        check("8201f810"),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert!(matches!(
        Reader::new(&[0xf8, 0x14]).bool("b"),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert_eq!(check("f820").unwrap(), vec![0xf8, 0x20]);
}

#[test]
fn int_fields_take_exactly_the_i64_range() {
    let read = |hex_item: &str| Reader::new(&hex::decode(hex_item).unwrap()).i64("n");
    assert_eq!(read("1b7fffffffffffffff"), Ok(i64::MAX));
    assert_eq!(read("3b7fffffffffffffff"), Ok(i64::MIN));
    assert!(matches!(
        read("1b8000000000000000"),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert!(matches!(
        read("3b8000000000000000"),
        Err(VerifyError::CborMalformed { .. })
    ));
    let read = |hex_item: &str| Reader::new(&hex::decode(hex_item).unwrap()).u64("n");
    assert_eq!(read("1bffffffffffffffff"), Ok(u64::MAX));
    assert!(matches!(read("20"), Err(VerifyError::CborMalformed { .. })));
}

#[test]
fn heads_are_shortest_form() {
    for (n, expect) in [
        (0i64, "00"),
        (23, "17"),
        (24, "1818"),
        (255, "18ff"),
        (256, "190100"),
        (65_536, "1a00010000"),
        (4_294_967_296, "1b0000000100000000"),
        (-1, "20"),
        (-19, "32"),
        (-65_537, "3a00010000"),
        (i64::MIN, "3b7fffffffffffffff"),
    ] {
        assert_eq!(
            hex::encode(encode(|w| {
                w.int(n);
            })),
            expect,
            "{n}"
        );
    }
}

#[test]
fn maps_sort_by_encoded_key() {
    let bytes = encode(|w| {
        w.map_sorted(vec![
            (-65_537, vec![0]),
            (7, vec![1]),
            (-1, vec![2]),
            (1, vec![3]),
        ]);
    });
    assert_eq!(hex::encode(bytes), "a40103070120023a0001000000");
}

#[test]
fn padded_int_keys_order_as_their_encodings() {
    let mut keys = vec![0, 1, 23, 24, 255, 256, 65_535, 65_536, i64::MAX, i64::MIN];
    keys.extend(
        keys.clone()
            .iter()
            .map(|k| k.saturating_neg().saturating_sub(1)),
    );
    keys.extend([-24, -25, -256, -257, 4_294_967_295, 4_294_967_296]);
    for &a in &keys {
        let ka = int_key(a);
        assert_eq!(&ka[..int_bytes(a).len()], int_bytes(a).as_slice(), "{a}");
        for &b in &keys {
            assert_eq!(
                ka.cmp(&int_key(b)),
                int_bytes(a).cmp(&int_bytes(b)),
                "{a} {b}"
            );
        }
    }
}

#[test]
fn reader_refuses_what_the_format_forbids() {
    // Indefinite array.
    assert!(matches!(
        Reader::new(&[0x9f, 0xff]).array("x"),
        Err(VerifyError::CborIndefiniteLength { .. })
    ));
    // Byte string claiming 2^63 bytes.
    let huge = hex::decode("5b8000000000000000").unwrap();
    assert!(matches!(
        Reader::new(&huge).bytes("x"),
        Err(VerifyError::CborLengthExceedsInput { .. })
    ));
    // Array claiming 2^63 items.
    let huge = hex::decode("9b8000000000000000").unwrap();
    assert!(matches!(
        Reader::new(&huge).array("x"),
        Err(VerifyError::CborLengthExceedsInput { .. })
    ));
    // Deep nesting.
    let deep = vec![0x81; 10_000];
    assert_eq!(
        Reader::new(&deep).raw_item(0),
        Err(VerifyError::CborTooDeep { limit: MAX_DEPTH })
    );
    // Duplicate keys.
    let dup = hex::decode("a2010101 02".replace(' ', "")).unwrap();
    let r = Reader::new(&dup).int_map("m", |r, _| r.u64("v").map(|_| ()));
    assert_eq!(r, Err(VerifyError::CborDuplicateKey { key: 1 }));
    // Raw items come back byte for byte.
    let item = hex::decode("a1626b6b83010203").unwrap();
    assert_eq!(Reader::new(&item).raw_item(0).unwrap(), &item[..]);
}

/// The typed reads decode common heads themselves and leave every other case
/// to minicbor: both give the same values and errors.
#[test]
fn typed_reads_agree_on_every_head_form() {
    let read = |hex_item: &str, f: fn(&mut Reader<'_>) -> Result<String>| {
        let bytes = hex::decode(hex_item).unwrap();
        let mut r = Reader::new(&bytes);
        f(&mut r).map(|v| (v, r.position()))
    };
    let u = |r: &mut Reader<'_>| r.u64("u").map(|v| v.to_string());
    let i = |r: &mut Reader<'_>| r.i64("i").map(|v| v.to_string());
    let t = |r: &mut Reader<'_>| r.text("t").map(str::to_owned);
    let b = |r: &mut Reader<'_>| r.bytes("b").map(hex::encode);
    let a = |r: &mut Reader<'_>| r.array("a").map(|n| n.to_string());
    // Shortest and longer heads alike.
    assert_eq!(read("17", u), Ok(("23".into(), 1)));
    assert_eq!(read("1805", u), Ok(("5".into(), 2)));
    assert_eq!(read("1a00010000", u), Ok(("65536".into(), 5)));
    assert_eq!(read("1bffffffffffffffff", u), Ok((u64::MAX.to_string(), 9)));
    assert_eq!(read("3a00010000", i), Ok(("-65537".into(), 5)));
    assert_eq!(read("3b7fffffffffffffff", i), Ok((i64::MIN.to_string(), 9)));
    assert_eq!(read("780161", t), Ok(("a".into(), 3)));
    assert_eq!(read("420102", b), Ok(("0102".into(), 3)));
    assert_eq!(read("9800", a), Ok(("0".into(), 2)));
    // Beyond i64, truncated heads and contents, invalid UTF-8, wrong types.
    assert!(matches!(
        read("3b8000000000000000", i),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert!(matches!(
        read("1bffffffffffffffff", i),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert!(matches!(
        read("19ff", u),
        Err(VerifyError::CborLengthExceedsInput { .. })
    ));
    assert!(matches!(
        read("6261", t),
        Err(VerifyError::CborLengthExceedsInput { .. })
    ));
    assert!(matches!(
        read("61ff", t),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert!(matches!(
        read("7f6161ff", t),
        Err(VerifyError::CborIndefiniteLength { offset: 0 })
    ));
    assert!(matches!(
        read("6161", b),
        Err(VerifyError::CborMalformed { .. })
    ));
    assert_eq!(
        read("82", a),
        Err(VerifyError::CborLengthExceedsInput { offset: 0 })
    );
    assert!(matches!(
        read("", u),
        Err(VerifyError::CborLengthExceedsInput { .. })
    ));
}

/// Integer map keys: duplicates are found among the first keys (kept in an
/// array) and after them (in the ordered set), whichever half holds the first.
#[test]
fn int_maps_refuse_duplicates_before_and_after_the_inline_keys() {
    let map = |keys: &[i64]| {
        let mut bytes = map_head(keys.len());
        for k in keys {
            bytes.extend(int_bytes(*k));
            bytes.push(0xf6);
        }
        let mut r = Reader::new(&bytes);
        r.int_map("m", |r, _| r.null().map(|_| ()))
    };
    let distinct: Vec<i64> = (0..30).map(|k| if k % 2 == 0 { k } else { -k }).collect();
    assert_eq!(map(&distinct), Ok(()));
    for (first, again) in [(3, 5), (2, 7), (4, 8), (5, 20), (12, 29)] {
        let mut keys = distinct.clone();
        keys[again] = keys[first];
        assert_eq!(
            map(&keys),
            Err(VerifyError::CborDuplicateKey { key: keys[first] }),
            "{first} again at {again}"
        );
    }
}
