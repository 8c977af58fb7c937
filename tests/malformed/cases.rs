//! The malformed-input corpus: every case is a certificate text (or a trust
//! store) built here, with the exact error it must produce.
//!
//! Cases that must get past the signature check to reach a later one are signed
//! properly with the RFC 8032 §7.1 test 1 key (`common::TEST1_SEED`) through
//! `cose::sign1::sig_structure` / `assemble`, so the error they produce is the
//! later check's and not `SignatureInvalid`.
//!
//! Shared by `tests/malformed.rs` (the table test) and `tests/alloc_bound.rs`
//! (the allocation bound), and dumped as fuzz seeds by the former.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use travelcert::codec::{base45, claims, payload, zlib};
use travelcert::cose::sign1;
use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::model::{Certificate, CountryCode, Disease, VaccineProduct};
use travelcert::trust::{TrustStore, TrustedKey};

use crate::common::*;

/// What a case must produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// `Ok`.
    Valid,
    /// The error whose `VerifyError::name()` is this.
    Error(&'static str),
}

/// One corpus entry.
pub struct Case {
    /// Short stable name (also the fuzz seed's file name).
    pub name: &'static str,
    /// The text handed to `Verifier::verify`.
    pub text: String,
    /// The trust store to verify against (the test 1 key for CN when `None`).
    pub store: Option<TrustStore>,
    /// The expected outcome.
    pub expect: Expect,
}

fn case(name: &'static str, text: String, expect: &'static str) -> Case {
    Case {
        name,
        text,
        store: None,
        expect: Expect::Error(expect),
    }
}

// ------------------------------------------------------------ CBOR by hand

/// A CBOR head, shortest form.
pub fn head(major: u8, n: u64) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=0xff => vec![m | 24, n as u8],
        0x100..=0xffff => [vec![m | 25], (n as u16).to_be_bytes().to_vec()].concat(),
        0x1_0000..=0xffff_ffff => [vec![m | 26], (n as u32).to_be_bytes().to_vec()].concat(),
        _ => [vec![m | 27], n.to_be_bytes().to_vec()].concat(),
    }
}

pub fn int(n: i64) -> Vec<u8> {
    if n >= 0 {
        head(0, n as u64)
    } else {
        head(1, !(n as u64))
    }
}

pub fn bstr(b: &[u8]) -> Vec<u8> {
    [head(2, b.len() as u64), b.to_vec()].concat()
}

pub fn tstr(s: &str) -> Vec<u8> {
    [head(3, s.len() as u64), s.as_bytes().to_vec()].concat()
}

pub fn array(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = head(4, items.len() as u64);
    for i in items {
        out.extend_from_slice(i);
    }
    out
}

/// A map in the order given (duplicates and all).
pub fn map(entries: &[(i64, Vec<u8>)]) -> Vec<u8> {
    let mut out = head(5, entries.len() as u64);
    for (k, v) in entries {
        out.extend(int(*k));
        out.extend_from_slice(v);
    }
    out
}

/// A map of `n` entries `k: 0` with consecutive integer keys from `first`.
pub fn wide_map(first: i64, n: usize) -> Vec<u8> {
    let mut out = head(5, n as u64);
    for k in first..first + n as i64 {
        out.extend(int(k));
        out.push(0x00);
    }
    out
}

/// The standard claims plus `n` unknown claims `-100000 - i: 0`.
pub fn wide_claims(n: usize) -> Vec<u8> {
    let mut m = wide_map(-100_000 - n as i64 + 1, n);
    m.splice(0..head(5, n as u64).len(), head(5, n as u64 + 5));
    for (k, v) in claim_entries() {
        m.extend(int(k));
        m.extend(v);
    }
    m
}

/// `n` nested one-element arrays around `0`.
pub fn nested(n: usize) -> Vec<u8> {
    let mut out = vec![0x81; n];
    out.push(0x00);
    out
}

// ------------------------------------------------------------ building texts

pub fn kid() -> [u8; 8] {
    test1_key().kid().0
}

/// The protected header `{1: -19, 4: kid}`.
pub fn protected() -> Vec<u8> {
    map(&[(1, int(-19)), (4, bstr(&kid()))])
}

/// The standard claims of the sample certificate, in deterministic order.
pub fn claim_entries() -> Vec<(i64, Vec<u8>)> {
    vec![
        (1, tstr("CN")),
        (4, int(ISSUED_AT + VALID_FOR)),
        (6, int(ISSUED_AT)),
        (7, bstr(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])),
        (-65_537, payload::encode_record(&sample())),
    ]
}

/// Ed25519 signature with the test 1 key over the Sig_structure.
pub fn signature(protected: &[u8], payload: &[u8]) -> [u8; 64] {
    Ed25519Signer::from_seed(&TEST1_SEED)
        .sign(&sign1::sig_structure(protected, payload))
        .unwrap()
}

/// A COSE_Sign1 properly signed with the test 1 key.
pub fn signed_cose(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    sign1::assemble(protected, payload, &signature(protected, payload))
}

/// Text of a COSE body the way issuers write it (compressed when shorter).
pub fn text_of(cose: &[u8]) -> String {
    travelcert::codec::cose_to_text(cose, None)
}

/// Text of a body as is (no compression decision).
pub fn text_raw(body: &[u8]) -> String {
    format!("TC1:{}", base45::encode(body))
}

/// Text of a body that is always zlib-compressed (for bodies that do not start
/// with the COSE_Sign1 tag byte and so are always inflated).
pub fn text_z(body: &[u8]) -> String {
    text_raw(&zlib::compress(body))
}

/// A signed certificate whose claims are `claims` (any bytes).
pub fn signed_claims(claims: &[u8]) -> String {
    text_of(&signed_cose(&protected(), claims))
}

/// The valid sample certificate (as the issuer writes it).
pub fn valid_text() -> String {
    signed_claims(&map(&claim_entries()))
}

fn with_claim(key: i64, value: Vec<u8>) -> Vec<(i64, Vec<u8>)> {
    let mut entries = claim_entries();
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(e) => e.1 = value,
        None => entries.push((key, value)),
    }
    entries
}

fn without_claim(key: i64) -> Vec<(i64, Vec<u8>)> {
    claim_entries()
        .into_iter()
        .filter(|(k, _)| *k != key)
        .collect()
}

/// `[tag 18] [protected, unprotected, payload, signature]` from parts.
pub fn cose_parts(
    protected_bstr: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    sig: &[u8],
) -> Vec<u8> {
    let mut out = vec![0xd2, 0x84];
    out.extend_from_slice(protected_bstr);
    out.extend_from_slice(unprotected);
    out.extend_from_slice(payload);
    out.extend_from_slice(sig);
    out
}

/// A COSE_Sign1 with a custom protected header, signed over it.
fn with_protected(protected: Vec<u8>) -> String {
    text_of(&signed_cose(&protected, &map(&claim_entries())))
}

/// A COSE_Sign1 with the right protected header and a custom unprotected one.
fn with_unprotected(unprotected: Vec<u8>) -> String {
    let p = protected();
    let claims = map(&claim_entries());
    let sig = signature(&p, &claims);
    text_of(&cose_parts(
        &bstr(&p),
        &unprotected,
        &bstr(&claims),
        &bstr(&sig),
    ))
}

// ------------------------------------------------------------ zlib bombs

/// A zlib stream that inflates to `mib` MiB of zeros, built from one
/// sync-flushed deflate block repeated (each inflates to 1 MiB of zeros by
/// back-references only), so making a multi-gigabyte bomb costs milliseconds.
pub fn zlib_bomb(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    const CHUNK: usize = 1 << 20;
    let zeros = vec![0u8; CHUNK];
    let mut c = Compress::new(Compression::new(9), true);
    let mut first = Vec::with_capacity(4096);
    c.compress_vec(&zeros, &mut first, FlushCompress::Sync)
        .unwrap();
    assert_eq!(c.total_in() as usize, CHUNK);
    let mut repeat = Vec::with_capacity(4096);
    c.compress_vec(&zeros, &mut repeat, FlushCompress::Sync)
        .unwrap();
    assert_eq!(c.total_in() as usize, 2 * CHUNK);
    let mut out = first;
    for _ in 1..mib {
        out.extend_from_slice(&repeat);
    }
    // A final empty fixed-Huffman block (BFINAL=1, BTYPE=01, EOB), byte-aligned
    // after the sync flush, then the Adler-32 of `mib` MiB of zeros
    // (a stays 1, b grows by 1 per byte).
    out.extend_from_slice(&[0x03, 0x00]);
    let len = (mib as u64) * CHUNK as u64;
    let adler: u32 = (((len % 65_521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// How many MiB the gigabyte bomb inflates to.
pub const BOMB_MIB: usize = 4096;

/// The largest zeros bomb whose text fits a QR code (4296 alphanumeric characters).
pub fn qr_sized_bomb() -> Vec<u8> {
    zlib::compress(&vec![0u8; 2_800_000])
}

// ------------------------------------------------------------ signatures

/// The order L of the Ed25519 base point, little endian.
pub const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `S + L` for a little-endian 32-byte S below L (fits 256 bits).
pub fn add_l(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = s[i] as u16 + L[i] as u16 + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    out
}

/// A signature with the small-order R = identity that satisfies the
/// cofactorless equation `[S]B = R + [k]A` (S = k·a, made with the secret key):
/// lenient verification accepts it, `verify_strict` must not.
pub fn small_order_r_signature(message: &[u8]) -> [u8; 64] {
    use curve25519_dalek::scalar::Scalar;
    use sha2::{Digest, Sha512};
    let h = Sha512::digest(TEST1_SEED);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let a = Scalar::from_bytes_mod_order(a);
    let mut r = [0u8; 32];
    r[0] = 1; // the identity point (order 1)
    let pk = test1_key().to_bytes();
    let mut hasher = Sha512::new();
    hasher.update(r);
    hasher.update(pk);
    hasher.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&hasher.finalize().into());
    let s = k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r);
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

/// The eight small-order points of edwards25519 (canonical encodings), the
/// weak public keys a trust store must refuse.
pub const SMALL_ORDER_POINTS: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

// ------------------------------------------------------------ the corpus

/// Every certificate-text case, in pipeline order. `with_gigabyte_bomb` adds
/// the multi-gigabyte zlib bomb (a 6 MB text: not a QR-sized input).
pub fn corpus(with_gigabyte_bomb: bool) -> Vec<Case> {
    let valid = valid_text();
    let b45 = valid.strip_prefix("TC1:").unwrap().to_owned();
    let body = base45::decode(&b45).unwrap();
    assert_ne!(body[0], 0xd2, "the sample body is compressed");
    let cose = signed_cose(&protected(), &map(&claim_entries()));
    let p = protected();
    let claims = map(&claim_entries());
    let sig = signature(&p, &claims);

    let mut v = vec![
        // ---- text and Base45
        case("empty", String::new(), "Empty"),
        case("prefix-only", "TC1:".into(), "Empty"),
        case("wrong-prefix", format!("TC2:{b45}"), "MissingPrefix"),
        case("foreign-prefix-hc1", format!("HC1:{b45}"), "MissingPrefix"),
        case("lowercase-prefix", format!("tc1:{b45}"), "MissingPrefix"),
        case("no-prefix", b45.clone(), "MissingPrefix"),
        case("leading-space", format!(" {valid}"), "MissingPrefix"),
        case(
            "lowercase-base45",
            format!("TC1:{}", b45.to_ascii_lowercase()),
            "Base45InvalidCharacter",
        ),
        case(
            "non-base45-character",
            format!("TC1:{}#{}", &b45[..3], &b45[4..]),
            "Base45InvalidCharacter",
        ),
        case(
            "non-ascii-character",
            format!("TC1:{}é{}", &b45[..3], &b45[5..]),
            "Base45InvalidCharacter",
        ),
        case(
            "nul-character",
            format!("TC1:\0{b45}"),
            "Base45InvalidCharacter",
        ),
        case(
            "trailing-newline",
            format!("{valid}\n"),
            "Base45InvalidCharacter",
        ),
        case(
            "dangling-character",
            format!("{valid}0"),
            "Base45InvalidLength",
        ),
        case(
            "base45-group-overflow",
            format!("TC1::::{b45}"),
            "Base45GroupOverflow",
        ),
        case(
            "base45-final-pair-overflow",
            format!("{valid}::"),
            "Base45GroupOverflow",
        ),
        // ---- zlib
        case(
            "truncated-zlib",
            text_raw(&body[..body.len() - 10]),
            "InflateFailed",
        ),
        case(
            "zlib-wrong-adler32",
            text_raw(&{
                let mut b = body.clone();
                *b.last_mut().unwrap() ^= 1;
                b
            }),
            "InflateFailed",
        ),
        case(
            "zlib-bad-header",
            text_raw(&[&[0x78, 0x00][..], &body[2..]].concat()),
            "InflateFailed",
        ),
        case(
            "zlib-trailing-bytes",
            text_raw(&[&body[..], &[0, 0, 0][..]].concat()),
            "ZlibTrailingData",
        ),
        case(
            "zlib-bomb-qr-sized",
            text_raw(&qr_sized_bomb()),
            "InflateLimitExceeded",
        ),
        // ---- COSE structure
        case("untagged-cose", text_z(&cose[1..]), "NotCoseSign1"),
        case(
            "wrong-tag-cose-sign",
            text_z(&[&[0xd8, 0x62][..], &cose[1..]].concat()),
            "NotCoseSign1",
        ),
        case(
            "wrong-tag-cose-mac0",
            text_z(&[&[0xd1][..], &cose[1..]].concat()),
            "NotCoseSign1",
        ),
        case(
            "cose-array-of-three",
            text_of(&[&[0xd2, 0x83][..], &bstr(&p), &[0xa0], &bstr(&claims)].concat()),
            "CoseStructure",
        ),
        case(
            "cose-map-not-array",
            text_of(&[0xd2, 0xa0]),
            "CoseStructure",
        ),
        case(
            "cose-deeply-nested-tags",
            text_of(&[vec![0xd2; 10_000], vec![0x00]].concat()),
            "CoseStructure",
        ),
        case(
            "trailing-bytes-after-cose",
            text_of(&[&cose[..], &[0x00][..]].concat()),
            "CborTrailingBytes",
        ),
        case(
            "indefinite-length-cose-array",
            text_of(
                &[
                    &[0xd2, 0x9f][..],
                    &bstr(&p),
                    &[0xa0],
                    &bstr(&claims),
                    &bstr(&sig),
                    &[0xff],
                ]
                .concat(),
            ),
            "CborIndefiniteLength",
        ),
        case(
            "indefinite-length-protected-bstr",
            text_of(&cose_parts(
                &[&[0x5f][..], &bstr(&p), &[0xff]].concat(),
                &[0xa0],
                &bstr(&claims),
                &bstr(&sig),
            )),
            "CborIndefiniteLength",
        ),
        case(
            "indefinite-length-unprotected-map",
            with_unprotected(vec![0xbf, 0xff]),
            "CborIndefiniteLength",
        ),
        case(
            "length-prefix-2-pow-63",
            text_of(&[&[0xd2, 0x84, 0x5b, 0x80][..], &[0u8; 7], &p].concat()),
            "CborLengthExceedsInput",
        ),
        case(
            "array-count-2-pow-63",
            text_of(&[&[0xd2, 0x9b, 0x80][..], &[0u8; 7]].concat()),
            "CborLengthExceedsInput",
        ),
        case(
            "truncated-cose",
            text_of(&cose[..cose.len() - 1]),
            "CborLengthExceedsInput",
        ),
        // The unprotected header allows nothing, so only its first label is
        // read (FORMAT.md §4): a deep value or a duplicate after it is never
        // decoded, and costs no work before the signature check.
        case(
            "deeply-nested-unprotected-value",
            with_unprotected(map(&[(5, nested(10_000))])),
            "UnprotectedHeaderNotEmpty",
        ),
        case(
            "wide-unprotected-header",
            with_unprotected(wide_map(5, 16_000)),
            "UnprotectedHeaderNotEmpty",
        ),
        case(
            // Uncompressed bodies are capped like inflated ones: this one held
            // 200,000 header entries and took seconds before the cap applied.
            "uncompressed-body-over-the-cap",
            text_raw(&cose_parts(
                &bstr(&p),
                &wide_map(5, 200_000),
                &bstr(&claims),
                &bstr(&sig),
            )),
            "InflateLimitExceeded",
        ),
        // ---- headers
        case(
            "duplicate-protected-key",
            with_protected(map(&[(1, int(-19)), (1, int(-19)), (4, bstr(&kid()))])),
            "CborDuplicateKey",
        ),
        case(
            "duplicate-unprotected-key",
            with_unprotected(map(&[(5, bstr(&[0])), (5, bstr(&[0]))])),
            "UnprotectedHeaderNotEmpty",
        ),
        case(
            "text-label-first-in-unprotected",
            with_unprotected(vec![0xa1, 0x61, b'x', 0x00]),
            "CborMalformed",
        ),
        case(
            "alg-after-another-unprotected-label",
            with_unprotected(map(&[(4, bstr(&kid())), (1, int(-19))])),
            "UnprotectedHeaderNotEmpty",
        ),
        case(
            "alg-absent",
            with_protected(map(&[(4, bstr(&kid()))])),
            "AlgMissing",
        ),
        case(
            "protected-header-empty-bstr",
            text_of(&cose_parts(
                &bstr(&[]),
                &[0xa0],
                &bstr(&claims),
                &bstr(&sig),
            )),
            "AlgMissing",
        ),
        case(
            "alg-es256",
            with_protected(map(&[(1, int(-7)), (4, bstr(&kid()))])),
            "AlgUnsupported",
        ),
        case(
            "alg-ed448-style-large",
            with_protected(map(&[(1, int(i64::MIN)), (4, bstr(&kid()))])),
            "AlgUnsupported",
        ),
        case(
            "alg-moved-to-unprotected",
            text_of(&cose_parts(
                &bstr(&map(&[(4, bstr(&kid()))])),
                &map(&[(1, int(-19))]),
                &bstr(&claims),
                &bstr(&sig),
            )),
            "AlgNotProtected",
        ),
        case(
            "alg-in-both-headers",
            with_unprotected(map(&[(1, int(-19))])),
            "AlgNotProtected",
        ),
        case(
            "kid-in-unprotected",
            with_unprotected(map(&[(4, bstr(&kid()))])),
            "UnprotectedHeaderNotEmpty",
        ),
        case(
            "crit-header",
            with_protected(map(&[
                (1, int(-19)),
                (2, array(&[int(1)])),
                (4, bstr(&kid())),
            ])),
            "UnsupportedHeader",
        ),
        case(
            "kid-absent",
            with_protected(map(&[(1, int(-19))])),
            "KidMissing",
        ),
        case(
            "kid-7-bytes",
            with_protected(map(&[(1, int(-19)), (4, bstr(&kid()[..7]))])),
            "KidLength",
        ),
        case(
            "kid-32-bytes",
            with_protected(map(&[(1, int(-19)), (4, bstr(&test1_key().to_bytes()))])),
            "KidLength",
        ),
        case(
            "payload-nil",
            text_of(&cose_parts(&bstr(&p), &[0xa0], &[0xf6], &bstr(&sig))),
            "PayloadMissing",
        ),
        case(
            "signature-63-bytes",
            text_of(&cose_parts(
                &bstr(&p),
                &[0xa0],
                &bstr(&claims),
                &bstr(&sig[..63]),
            )),
            "SignatureLength",
        ),
        case(
            "signature-65-bytes",
            text_of(&cose_parts(
                &bstr(&p),
                &[0xa0],
                &bstr(&claims),
                &bstr(&[&sig[..], &[0][..]].concat()),
            )),
            "SignatureLength",
        ),
        case(
            "signature-empty",
            text_of(&cose_parts(&bstr(&p), &[0xa0], &bstr(&claims), &bstr(&[]))),
            "SignatureLength",
        ),
        // ---- trust and signature
        case(
            "unknown-kid",
            with_protected(map(&[(1, int(-19)), (4, bstr(&[0u8; 8]))])),
            "UnknownKid",
        ),
        case(
            "non-canonical-s-plus-l",
            text_of(&sign1::assemble(
                &p,
                &claims,
                &[&sig[..32], &add_l(&sig[32..])[..]].concat(),
            )),
            "SignatureInvalid",
        ),
        case(
            "small-order-r",
            text_of(&sign1::assemble(
                &p,
                &claims,
                &small_order_r_signature(&sign1::sig_structure(&p, &claims)),
            )),
            "SignatureInvalid",
        ),
        case(
            "payload-bit-flipped",
            text_of(&sign1::assemble(
                &p,
                &{
                    let mut c = claims.clone();
                    let last = c.len() - 1;
                    c[last] ^= 1;
                    c
                },
                &sig,
            )),
            "SignatureInvalid",
        ),
        case(
            "signed-with-another-key",
            text_of(&sign1::assemble(
                &p,
                &claims,
                &Ed25519Signer::from_seed(&[7; 32])
                    .sign(&sign1::sig_structure(&p, &claims))
                    .unwrap(),
            )),
            "SignatureInvalid",
        ),
        // ---- claims (signed, so the signature check passes)
        case(
            "trailing-bytes-after-claims",
            signed_claims(&[map(&claim_entries()), vec![0x00]].concat()),
            "CborTrailingBytes",
        ),
        case(
            "indefinite-length-claims-map",
            signed_claims(&[vec![0xbf], map(&claim_entries())[1..].to_vec(), vec![0xff]].concat()),
            "CborIndefiniteLength",
        ),
        case(
            "indefinite-length-text-in-claims",
            signed_claims(&map(&with_claim(1, vec![0x7f, 0x62, b'C', b'N', 0xff]))),
            "CborIndefiniteLength",
        ),
        case(
            "deeply-nested-unknown-claim",
            signed_claims(&map(&with_claim(-70_000, nested(5_000)))),
            "CborTooDeep",
        ),
        case(
            "nesting-just-above-the-limit",
            signed_claims(&map(&with_claim(-70_000, nested(16)))),
            "CborTooDeep",
        ),
        case(
            "duplicate-claim-key",
            signed_claims(&map(&[claim_entries(), vec![(6, int(ISSUED_AT))]].concat())),
            "CborDuplicateKey",
        ),
        case(
            "claim-length-2-pow-63",
            signed_claims(&map(&with_claim(
                7,
                [vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0], vec![0; 8]].concat(),
            ))),
            "CborLengthExceedsInput",
        ),
        case(
            "claims-map-count-2-pow-63",
            signed_claims(&[0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0]),
            "CborLengthExceedsInput",
        ),
        case(
            "claims-not-a-map",
            signed_claims(&array(&[int(1)])),
            "CborMalformed",
        ),
        case(
            "text-key-in-claims",
            signed_claims(&[vec![0xa1], tstr("iss"), tstr("CN")].concat()),
            "CborMalformed",
        ),
        case(
            "invalid-utf8-in-record",
            signed_claims(&map(&with_claim(-65_537, {
                let r = payload::encode_record(&sample());
                let at = r.windows(4).position(|w| w == b"WANG").unwrap();
                let mut r = r;
                r[at] = 0xff;
                r
            }))),
            "CborMalformed",
        ),
        case(
            "iss-missing",
            signed_claims(&map(&without_claim(1))),
            "ClaimMissing",
        ),
        case(
            "iat-missing",
            signed_claims(&map(&without_claim(6))),
            "ClaimMissing",
        ),
        case(
            "record-missing",
            signed_claims(&map(&without_claim(-65_537))),
            "ClaimMissing",
        ),
        case(
            "iss-lowercase",
            signed_claims(&map(&with_claim(1, tstr("cn")))),
            "ClaimInvalid",
        ),
        case(
            "iss-wrong-type",
            signed_claims(&map(&with_claim(1, int(156)))),
            "ClaimInvalid",
        ),
        case(
            "cti-7-bytes",
            signed_claims(&map(&with_claim(7, bstr(&[1; 7])))),
            "ClaimInvalid",
        ),
        case(
            "exp-before-iat",
            signed_claims(&map(&with_claim(4, int(ISSUED_AT - 1)))),
            "ExpiresBeforeIssued",
        ),
        case(
            "exp-equals-iat",
            signed_claims(&map(&with_claim(4, int(ISSUED_AT)))),
            "ExpiresBeforeIssued",
        ),
        case(
            "iat-after-year-9999",
            signed_claims(&map(&with_claim(6, int(253_402_300_800)))),
            "ClaimInvalid",
        ),
        case(
            "exp-u64-max",
            signed_claims(&map(&with_claim(4, head(0, u64::MAX)))),
            "ClaimInvalid",
        ),
        case(
            "negative-iat",
            signed_claims(&map(&with_claim(6, int(-1)))),
            "ClaimInvalid",
        ),
        case(
            "vaccination-date-after-9999",
            signed_claims(&map(&with_claim(-65_537, {
                let mut r = sample();
                r.nat_tests.clear();
                r.antibody_tests.clear();
                r.vaccinations.truncate(1);
                let enc = payload::encode_record(&r);
                // The date 18632 (2021-01-05) is `19 48C8`; 2932897 is one day past 9999-12-31.
                let at = enc
                    .windows(3)
                    .position(|w| w == [0x19, 0x48, 0xc8])
                    .unwrap();
                [&enc[..at], &int(2_932_897)[..], &enc[at + 3..]].concat()
            }))),
            "InvalidRecord",
        ),
        case(
            "too-many-vaccinations",
            signed_claims(&map(&with_claim(-65_537, {
                let mut r = sample();
                let v = r.vaccinations[0].clone();
                r.vaccinations = vec![v; 16];
                let enc = payload::encode_record(&r);
                // Patch the array head 0x90 (16 items) to 0x91 and append one more.
                let one = enc.windows(2).position(|w| w == [0x05, 0x90]).unwrap();
                let mut out = enc.clone();
                out[one + 1] = 0x91;
                let item_len = (enc.len() - one - 2) / 16;
                out.extend_from_slice(&enc[one + 2..one + 2 + item_len]);
                out
            }))),
            "InvalidRecord",
        ),
        // ---- trust
        Case {
            name: "key-trusted-for-another-country",
            text: valid.clone(),
            store: Some({
                let mut s = TrustStore::new();
                s.add(TrustedKey::new(
                    test1_key(),
                    CountryCode::new("PK").unwrap(),
                ));
                s
            }),
            expect: Expect::Error("IssuerMismatch"),
        },
        // ---- valid: unknown items are kept, not rejected
        Case {
            name: "unknown-record-codes-kept",
            text: signed_claims(&map(&with_claim(-65_537, {
                let mut r = sample();
                r.vaccinations[0].product = VaccineProduct::from_code(4_000_000_000);
                r.nat_tests[0].disease = Disease::from_code(99);
                payload::encode_record(&r)
            }))),
            store: None,
            expect: Expect::Valid,
        },
        Case {
            name: "unknown-claim-kept",
            text: signed_claims(&map(&with_claim(-70_000, array(&[tstr("x"), nested(14)])))),
            store: None,
            expect: Expect::Valid,
        },
        case(
            "ten-thousand-unknown-claims",
            signed_claims(&wide_claims(10_000)),
            "ClaimInvalid",
        ),
        Case {
            name: "thirty-two-unknown-claims-kept",
            text: signed_claims(&wide_claims(32)),
            store: None,
            expect: Expect::Valid,
        },
        case(
            "sixty-thousand-unknown-holder-elements",
            signed_claims(&map(&with_claim(-65_537, {
                let r = payload::encode_record(&sample());
                // Holder head 0x8A (10 elements) → 60,010 elements, 60,000 of them `0`.
                let at = r.iter().position(|&b| b == 0x8a).unwrap();
                let holder_end = r.len() - (payload::encode_record(&sample()).len() - at);
                assert_eq!(holder_end, at);
                let mut out = r[..at].to_vec();
                out.extend(head(4, 60_010));
                // Holder's 10 elements run until the journey key (0x02 0xA1).
                let end = r.windows(2).position(|w| w == [0x02, 0xa1]).unwrap();
                out.extend_from_slice(&r[at + 1..end]);
                out.extend(vec![0u8; 60_000]);
                out.extend_from_slice(&r[end..]);
                out
            }))),
            "InvalidRecord",
        ),
        Case {
            name: "valid-sample",
            text: valid.clone(),
            store: None,
            expect: Expect::Valid,
        },
    ];
    if with_gigabyte_bomb {
        v.push(case(
            "zlib-bomb-4-gib",
            text_raw(&zlib_bomb(BOMB_MIB)),
            "InflateLimitExceeded",
        ));
    }
    v
}

/// The certificate the standard claims describe (what valid cases decode to).
pub fn sample_certificate() -> Certificate {
    claims::decode_claims(&map(&claim_entries())).unwrap()
}
