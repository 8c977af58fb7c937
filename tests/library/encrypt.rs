//! Optional confidentiality (FORMAT.md §13): both modes round-trip,
//! every tampering case fails with its own error, the size overhead stays
//! within the limits (the encrypted test vectors are in `encrypt_vectors`,
//! which shares these fixtures).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use serde_json::json;
use travelcert::codec;
use travelcert::encrypt::cose::{self as ecose, encrypt::Encrypt, encrypt0::Encrypt0};
use travelcert::encrypt::keys::{KeyFile, ReaderPublicKey, ReaderSecretKey, SharedKey};
use travelcert::encrypt::{
    body_to_text, encrypt_body_fixed, encrypt_text, Envelope, ReaderKey, ReaderKeys, Recipient,
};
use travelcert::verify::{inspect, Verifier, VerifyOptions};
use travelcert::{ReaderKeyError, VerifyError};

pub(crate) const SKEW: i64 = 300;

/// Mode 1 test keys A and B.
pub(crate) fn shared_a() -> SharedKey {
    SharedKey::from_bytes(std::array::from_fn(|i| i as u8))
}
pub(crate) fn shared_b() -> SharedKey {
    SharedKey::from_bytes(std::array::from_fn(|i| 0x20 + i as u8))
}
/// RFC 7748 §6.1: Bob's key is the reader, Alice's the ephemeral sender key.
pub(crate) const BOB_SECRET: &str =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
pub(crate) const BOB_PUBLIC: &str =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
pub(crate) const ALICE_SECRET: &str =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
pub(crate) const RFC7748_SHARED: &str =
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
pub(crate) const IV: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

pub(crate) fn h32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}
pub(crate) fn bob() -> ReaderSecretKey {
    ReaderSecretKey::from_bytes(h32(BOB_SECRET)).unwrap()
}
pub(crate) fn carol() -> ReaderSecretKey {
    ReaderSecretKey::from_bytes([0x42; 32]).unwrap()
}

pub(crate) fn verifier(keys: ReaderKeys) -> Verifier {
    Verifier::with_options(
        store(),
        VerifyOptions {
            clock_skew: SKEW,
            ..VerifyOptions::default()
        },
    )
    .with_reader_keys(keys)
}

pub(crate) fn plain_text() -> String {
    issue(&sample())
}

pub(crate) fn plain_body() -> Vec<u8> {
    codec::text_to_body(&plain_text()).unwrap()
}

pub(crate) fn verify(
    text: &str,
    keys: ReaderKeys,
) -> Result<travelcert::verify::Verified, VerifyError> {
    verifier(keys).verify(text, t(VERIFY_AT))
}

// --- a tiny CBOR encoder for building altered structures by hand ---

pub(crate) fn head(major: u8, n: usize) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=255 => vec![m | 24, n as u8],
        _ => vec![m | 25, (n >> 8) as u8, n as u8],
    }
}
pub(crate) fn bstr(b: &[u8]) -> Vec<u8> {
    [head(2, b.len()), b.to_vec()].concat()
}

/// The members of a mode 1 structure, to alter one at a time.
#[derive(Clone)]
pub(crate) struct Parts0 {
    pub(crate) protected: Vec<u8>,
    pub(crate) kid: Vec<u8>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
}

impl Parts0 {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        let e = Encrypt0::parse(bytes).unwrap();
        Self {
            protected: e.protected.to_vec(),
            kid: e.kid.0.to_vec(),
            iv: e.iv.to_vec(),
            ciphertext: e.ciphertext.to_vec(),
        }
    }
    pub(crate) fn encode(&self) -> Vec<u8> {
        [
            vec![0xd0, 0x83],
            bstr(&self.protected),
            vec![0xa2, 0x04],
            bstr(&self.kid),
            vec![0x05],
            bstr(&self.iv),
            bstr(&self.ciphertext),
        ]
        .concat()
    }
    pub(crate) fn text(&self) -> String {
        body_to_text(&self.encode())
    }
}

/// The members of a mode 2 structure.
#[derive(Clone)]
pub(crate) struct Parts {
    pub(crate) protected: Vec<u8>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) recipient_protected: Vec<u8>,
    pub(crate) kid: Vec<u8>,
    pub(crate) x: Vec<u8>,
}

impl Parts {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        let e = Encrypt::parse(bytes).unwrap();
        Self {
            protected: e.protected.to_vec(),
            iv: e.iv.to_vec(),
            ciphertext: e.ciphertext.to_vec(),
            recipient_protected: e.recipient_protected.to_vec(),
            kid: e.kid.0.to_vec(),
            x: e.ephemeral.to_vec(),
        }
    }
    pub(crate) fn encode(&self) -> Vec<u8> {
        [
            vec![0xd8, 0x60, 0x84],
            bstr(&self.protected),
            vec![0xa1, 0x05],
            bstr(&self.iv),
            bstr(&self.ciphertext),
            vec![0x81, 0x83],
            bstr(&self.recipient_protected),
            vec![0xa2, 0x04],
            bstr(&self.kid),
            vec![0x20, 0xa3, 0x01, 0x01, 0x20, 0x04, 0x21],
            bstr(&self.x),
            vec![0x40],
        ]
        .concat()
    }
    pub(crate) fn text(&self) -> String {
        body_to_text(&self.encode())
    }
}

pub(crate) fn mode1_fixed() -> Vec<u8> {
    encrypt_body_fixed(&plain_body(), &Recipient::Shared(shared_a()), &IV, None).unwrap()
}

pub(crate) fn mode2_fixed() -> Vec<u8> {
    let to = Recipient::X25519(bob().public_key().clone());
    encrypt_body_fixed(&plain_body(), &to, &IV, Some(&h32(ALICE_SECRET))).unwrap()
}

pub(crate) fn keys_a() -> ReaderKeys {
    ReaderKeys::new().with(ReaderKey::Shared(shared_a()))
}
pub(crate) fn keys_bob() -> ReaderKeys {
    ReaderKeys::new().with(ReaderKey::X25519(bob()))
}

// --- library round trips ---

#[test]
pub(crate) fn both_modes_round_trip_through_the_library() {
    let plain = plain_text();
    let expected = Verifier::new(store()).verify(&plain, t(VERIFY_AT)).unwrap();
    assert_eq!(expected.encryption(), Envelope::Plain);
    for (to, keys, envelope) in [
        (Recipient::Shared(shared_a()), keys_a(), Envelope::Encrypt0),
        (
            Recipient::X25519(bob().public_key().clone()),
            keys_bob(),
            Envelope::Encrypt,
        ),
    ] {
        let text = encrypt_text(&plain, &to).unwrap();
        assert!(text.starts_with("TC1:"));
        let body = codec::text_to_body(&text).unwrap();
        assert_eq!(Envelope::of(&body), envelope);
        let v = verify(&text, keys.clone()).unwrap();
        assert_eq!(v.certificate(), expected.certificate());
        assert_eq!(v.encryption(), envelope);
        assert_eq!(v.kid(), expected.kid());
        // A fresh IV every time: two encryptions differ.
        let again = encrypt_text(&plain, &to).unwrap();
        assert_ne!(again, text);
        assert!(verify(&again, keys.clone()).is_ok());
        // The batch path decrypts too.
        let results = verifier(keys).verify_batch(&[text.as_str(), plain.as_str()], t(VERIFY_AT));
        assert_eq!(
            results[0].as_ref().unwrap().certificate(),
            expected.certificate()
        );
        assert_eq!(results[1].as_ref().unwrap().encryption(), Envelope::Plain);
    }
}

#[test]
pub(crate) fn the_mode_2_key_agreement_matches_rfc_7748_and_the_pinned_kdf_context() {
    // The X25519 shared secret of the vectors is RFC 7748 §6.1's, computed
    // here from the RFC's ladder (no dependency) in both directions.
    let alice = x25519_shared(h32(ALICE_SECRET), h32(BOB_PUBLIC));
    assert_eq!(hex::encode(alice), RFC7748_SHARED);
    let bob_side = x25519_shared(
        h32(BOB_SECRET),
        rfc7748::x25519(h32(ALICE_SECRET), basepoint()),
    );
    assert_eq!(hex::encode(bob_side), RFC7748_SHARED);
    assert_eq!(
        hex::encode(rfc7748::x25519(h32(BOB_SECRET), basepoint())),
        BOB_PUBLIC
    );
    assert_eq!(hex::encode(bob().public_key().to_bytes()), BOB_PUBLIC);
    // FORMAT.md §13.3 pins the COSE_KDF_Context bytes.
    assert_eq!(
        hex::encode(ecose::kdf_context(&ecose::RECIPIENT_PROTECTED)),
        "840383f6f6f683f6f6f68219010044a1013818"
    );
    // Enc_structure of both modes (FORMAT.md §13.2, §13.3).
    assert_eq!(
        hex::encode(ecose::enc_structure("Encrypt0", &ecose::CONTENT_PROTECTED)),
        "8368456e63727970743043a1010340"
    );
    assert_eq!(
        hex::encode(ecose::enc_structure("Encrypt", &ecose::CONTENT_PROTECTED)),
        "8367456e637279707443a1010340"
    );
}

pub(crate) fn x25519_shared(secret: [u8; 32], public: [u8; 32]) -> [u8; 32] {
    rfc7748::x25519(secret, public)
}

pub(crate) fn basepoint() -> [u8; 32] {
    let mut u = [0u8; 32];
    u[0] = 9;
    u
}

/// RFC 7748 §5 X25519, written from the RFC (no dependency), to cross-check
/// the vectors' key agreement.
pub(crate) mod rfc7748 {
    const P: [u64; 4] = [
        0xffff_ffff_ffff_ffed,
        0xffff_ffff_ffff_ffff,
        0xffff_ffff_ffff_ffff,
        0x7fff_ffff_ffff_ffff,
    ];
    // Big-number arithmetic on 4 limbs mod p = 2^255 - 19, simple and slow.
    fn add(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
        let mut r = [0u64; 4];
        let mut carry = 0u128;
        for i in 0..4 {
            let s = a[i] as u128 + b[i] as u128 + carry;
            r[i] = s as u64;
            carry = s >> 64;
        }
        reduce(r, carry as u64)
    }
    fn sub(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
        // a - b + 2p
        let two_p: [u64; 4] = [
            0xffff_ffff_ffff_ffda,
            0xffff_ffff_ffff_ffff,
            0xffff_ffff_ffff_ffff,
            0xffff_ffff_ffff_ffff,
        ];
        let mut r = [0u64; 4];
        let mut carry = 0i128;
        for i in 0..4 {
            let s = a[i] as i128 + two_p[i] as i128 - b[i] as i128 + carry;
            r[i] = s as u64;
            carry = s >> 64;
        }
        reduce(r, carry as u64)
    }
    fn reduce(mut r: [u64; 4], mut hi: u64) -> [u64; 4] {
        // Fold bits >= 255 back with factor 19, until below 2^255, then subtract p once if needed.
        loop {
            let top = (hi << 1) | (r[3] >> 63);
            if top == 0 {
                break;
            }
            r[3] &= 0x7fff_ffff_ffff_ffff;
            hi = 0;
            let mut carry = top as u128 * 19;
            for limb in r.iter_mut() {
                let s = *limb as u128 + carry;
                *limb = s as u64;
                carry = s >> 64;
            }
            hi += carry as u64;
        }
        if ge_p(r) {
            let mut borrow = 0i128;
            for i in 0..4 {
                let s = r[i] as i128 - P[i] as i128 + borrow;
                r[i] = s as u64;
                borrow = s >> 64;
            }
        }
        r
    }
    fn ge_p(r: [u64; 4]) -> bool {
        for i in (0..4).rev() {
            if r[i] != P[i] {
                return r[i] > P[i];
            }
        }
        true
    }
    fn mul(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
        let mut t = [0u128; 8];
        for i in 0..4 {
            let mut carry = 0u128;
            for j in 0..4 {
                let s = t[i + j] + a[i] as u128 * b[j] as u128 + carry;
                t[i + j] = s as u64 as u128;
                carry = s >> 64;
            }
            t[i + 4] += carry;
        }
        // t = lo + 2^256 * hi ; 2^256 = 38 mod p
        let lo = [t[0] as u64, t[1] as u64, t[2] as u64, t[3] as u64];
        let hi = [t[4] as u64, t[5] as u64, t[6] as u64, t[7] as u64];
        let mut r = [0u64; 4];
        let mut carry = 0u128;
        for i in 0..4 {
            let s = lo[i] as u128 + hi[i] as u128 * 38 + carry;
            r[i] = s as u64;
            carry = s >> 64;
        }
        // carry * 2^256 = carry * 38
        let mut c = carry * 38;
        for limb in r.iter_mut() {
            let s = *limb as u128 + c;
            *limb = s as u64;
            c = s >> 64;
        }
        reduce(r, c as u64)
    }
    fn pow(a: [u64; 4], e: [u64; 4]) -> [u64; 4] {
        let mut r = [1, 0, 0, 0];
        for i in (0..256).rev() {
            r = mul(r, r);
            if (e[i / 64] >> (i % 64)) & 1 == 1 {
                r = mul(r, a);
            }
        }
        r
    }
    fn from_le(b: [u8; 32]) -> [u64; 4] {
        let mut r = [0u64; 4];
        for i in 0..4 {
            r[i] = u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        }
        r
    }
    fn to_le(a: [u64; 4]) -> [u8; 32] {
        let mut out = [0u8; 32];
        for i in 0..4 {
            out[i * 8..i * 8 + 8].copy_from_slice(&a[i].to_le_bytes());
        }
        out
    }
    pub fn x25519(mut k: [u8; 32], mut u: [u8; 32]) -> [u8; 32] {
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        u[31] &= 127;
        let x1 = reduce(from_le(u), 0);
        let (mut x2, mut z2, mut x3, mut z3) = ([1, 0, 0, 0], [0; 4], x1, [1, 0, 0, 0]);
        let mut swap = 0u8;
        let a24 = [121_665, 0, 0, 0];
        for t in (0..255).rev() {
            let kt = (k[t / 8] >> (t % 8)) & 1;
            swap ^= kt;
            if swap == 1 {
                std::mem::swap(&mut x2, &mut x3);
                std::mem::swap(&mut z2, &mut z3);
            }
            swap = kt;
            let a = add(x2, z2);
            let aa = mul(a, a);
            let b = sub(x2, z2);
            let bb = mul(b, b);
            let e = sub(aa, bb);
            let c = add(x3, z3);
            let d = sub(x3, z3);
            let da = mul(d, a);
            let cb = mul(c, b);
            let s = add(da, cb);
            x3 = mul(s, s);
            let df = sub(da, cb);
            z3 = mul(x1, mul(df, df));
            x2 = mul(aa, bb);
            z2 = mul(e, add(aa, mul(a24, e)));
        }
        if swap == 1 {
            std::mem::swap(&mut x2, &mut x3);
            std::mem::swap(&mut z2, &mut z3);
        }
        let p_minus_2 = [P[0] - 2, P[1], P[2], P[3]];
        to_le(mul(x2, pow(z2, p_minus_2)))
    }
}

// --- size overhead (the limits of FORMAT.md §13) ---

#[test]
pub(crate) fn size_overhead_is_within_the_limits() {
    let plain = plain_text();
    let mode1 = encrypt_text(&plain, &Recipient::Shared(shared_a())).unwrap();
    let mode2 = encrypt_text(&plain, &Recipient::X25519(bob().public_key().clone())).unwrap();
    let (o1, o2) = (mode1.len() - plain.len(), mode2.len() - plain.len());
    println!(
        "examples/data/traveller.json: plain {} characters; mode 1 (COSE_Encrypt0) {} (+{o1}); mode 2 (COSE_Encrypt) {} (+{o2})",
        plain.len(),
        mode1.len(),
        mode2.len()
    );
    assert!(o1 <= 80, "mode 1 overhead {o1} > 80 Base45 characters");
    assert!(o2 <= 160, "mode 2 overhead {o2} > 160 Base45 characters");
    // The overhead is the fixed envelope: it does not depend on the IV drawn.
    let again = encrypt_text(&plain, &Recipient::Shared(shared_a())).unwrap();
    assert_eq!(again.len(), mode1.len());
}

// --- every failure its own error ---

pub(crate) fn err(text: &str, keys: ReaderKeys) -> String {
    verify(text, keys).unwrap_err().name().to_owned()
}

#[test]
pub(crate) fn every_tampering_case_has_its_own_error_in_mode_1() {
    let good = Parts0::of(&mode1_fixed());
    assert!(verify(&good.text(), keys_a()).is_ok());
    let both = keys_a().with(ReaderKey::Shared(shared_b()));

    // Unknown reader kid: not readable with the keys held.
    let e = verify(
        &good.text(),
        ReaderKeys::new().with(ReaderKey::Shared(shared_b())),
    )
    .unwrap_err();
    assert_eq!(e.name(), "ReaderKeyUnknown");
    assert!(e
        .to_string()
        .contains("not readable with the keys you hold"));
    // Wrong key: the kid altered to name another held key.
    let mut p = good.clone();
    p.kid = shared_b().kid().0.to_vec();
    assert_eq!(err(&p.text(), both.clone()), "ReaderKeyWrong");
    // Wrong key kind: the kid names an X25519 key held.
    let mut p = good.clone();
    p.kid = bob().kid().0.to_vec();
    assert_eq!(err(&p.text(), keys_bob()), "ReaderKeyWrong");
    // Tampered ciphertext, at the start, the middle and in the tag.
    for i in [0, good.ciphertext.len() / 2, good.ciphertext.len() - 1] {
        let mut p = good.clone();
        p.ciphertext[i] ^= 1;
        assert_eq!(err(&p.text(), both.clone()), "DecryptionFailed", "byte {i}");
    }
    // Tampered IV.
    let mut p = good.clone();
    p.iv[3] ^= 0x80;
    assert_eq!(err(&p.text(), keys_a()), "DecryptionFailed");
    // Tampered protected header: the same map re-encoded (alg 3 as 18 03).
    let mut p = good.clone();
    p.protected = vec![0xa1, 0x01, 0x18, 0x03];
    assert_eq!(err(&p.text(), keys_a()), "EncryptHeaderTampered");
    // ... or another algorithm, or an extra label, or alg moved out.
    let mut p = good.clone();
    p.protected = vec![0xa1, 0x01, 0x01];
    assert_eq!(err(&p.text(), keys_a()), "EncryptAlgUnsupported");
    let mut p = good.clone();
    p.protected = vec![0xa2, 0x01, 0x03, 0x02, 0x00];
    assert_eq!(err(&p.text(), keys_a()), "UnsupportedHeader");
    let mut p = good.clone();
    p.protected = vec![];
    assert_eq!(err(&p.text(), keys_a()), "AlgMissing");
    // Truncated tag: cut to 12..15 bytes, or shorter than a tag in all.
    for cut in 1..=4 {
        let mut p = good.clone();
        p.ciphertext.truncate(p.ciphertext.len() - cut);
        assert_eq!(err(&p.text(), keys_a()), "AuthTagTruncated", "cut {cut}");
    }
    let mut p = good.clone();
    p.ciphertext.truncate(15);
    assert_eq!(err(&p.text(), keys_a()), "AuthTagTruncated");
    // Nonce of the wrong size.
    for len in [0, 8, 11, 13, 16] {
        let mut p = good.clone();
        p.iv = vec![7; len];
        assert_eq!(err(&p.text(), keys_a()), "NonceLength", "IV of {len}");
    }
    // Kid of the wrong size.
    let mut p = good.clone();
    p.kid = vec![1; 7];
    assert_eq!(err(&p.text(), keys_a()), "KidLength");
    // Structure: a fourth member.
    let mut bytes = good.encode();
    bytes[1] = 0x84;
    bytes.push(0x40);
    assert_eq!(err(&body_to_text(&bytes), keys_a()), "EncryptStructure");
    // Trailing bytes.
    let mut bytes = good.encode();
    bytes.push(0);
    assert_eq!(err(&body_to_text(&bytes), keys_a()), "CborTrailingBytes");
}

#[test]
pub(crate) fn every_tampering_case_has_its_own_error_in_mode_2() {
    let good = Parts::of(&mode2_fixed());
    assert!(verify(&good.text(), keys_bob()).is_ok());
    let both = keys_bob().with(ReaderKey::X25519(carol()));

    let e = verify(
        &good.text(),
        ReaderKeys::new().with(ReaderKey::X25519(carol())),
    )
    .unwrap_err();
    assert_eq!(e.name(), "ReaderKeyUnknown");
    assert!(e
        .to_string()
        .contains("not readable with the keys you hold"));
    let mut p = good.clone();
    p.kid = carol().kid().0.to_vec();
    assert_eq!(err(&p.text(), both.clone()), "ReaderKeyWrong");
    let mut p = good.clone();
    p.kid = shared_a().kid().0.to_vec();
    assert_eq!(err(&p.text(), keys_a()), "ReaderKeyWrong");
    for i in [0, good.ciphertext.len() / 2, good.ciphertext.len() - 1] {
        let mut p = good.clone();
        p.ciphertext[i] ^= 1;
        assert_eq!(err(&p.text(), both.clone()), "DecryptionFailed", "byte {i}");
    }
    // The ephemeral key replaced by another valid point: the key agreement differs.
    let mut p = good.clone();
    p.x = carol().public_key().to_bytes().to_vec();
    assert_eq!(err(&p.text(), keys_bob()), "DecryptionFailed");
    // ... by a small-order point, or of the wrong length.
    let mut p = good.clone();
    p.x = vec![0; 32];
    assert_eq!(err(&p.text(), keys_bob()), "EphemeralKeyInvalid");
    let mut p = good.clone();
    p.x = vec![9; 31];
    assert_eq!(err(&p.text(), keys_bob()), "EphemeralKeyInvalid");
    // Tampered protected headers (re-encoded): content and recipient.
    let mut p = good.clone();
    p.protected = vec![0xa1, 0x01, 0x18, 0x03];
    assert_eq!(err(&p.text(), keys_bob()), "EncryptHeaderTampered");
    let mut p = good.clone();
    p.recipient_protected = vec![0xa1, 0x01, 0x39, 0x00, 0x18];
    assert_eq!(err(&p.text(), keys_bob()), "EncryptHeaderTampered");
    let mut p = good.clone();
    p.recipient_protected = vec![0xa1, 0x01, 0x38, 0x19];
    assert_eq!(err(&p.text(), keys_bob()), "EncryptAlgUnsupported");
    for cut in 1..=4 {
        let mut p = good.clone();
        p.ciphertext.truncate(p.ciphertext.len() - cut);
        assert_eq!(err(&p.text(), keys_bob()), "AuthTagTruncated", "cut {cut}");
    }
    for len in [0, 8, 16] {
        let mut p = good.clone();
        p.iv = vec![7; len];
        assert_eq!(err(&p.text(), keys_bob()), "NonceLength", "IV of {len}");
    }
    // Two recipients.
    let mut bytes = good.encode();
    let at = bytes.iter().rposition(|b| *b == 0x81).unwrap();
    bytes[at] = 0x82;
    assert_eq!(err(&body_to_text(&bytes), keys_bob()), "EncryptStructure");
}

#[test]
pub(crate) fn encrypted_certificates_never_panic_on_truncation_or_bit_flips() {
    for bytes in [mode1_fixed(), mode2_fixed()] {
        let keys = keys_a().with(ReaderKey::X25519(bob()));
        for len in 0..bytes.len() {
            let _ = verify(&body_to_text(&bytes[..len]), keys.clone());
        }
        for i in (0..bytes.len()).step_by(7) {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            assert!(
                verify(&body_to_text(&b), keys.clone()).is_err(),
                "flip at {i}"
            );
        }
    }
}

#[test]
pub(crate) fn without_a_reader_key_the_error_is_specific_not_a_signature_error() {
    let text = body_to_text(&mode1_fixed());
    // A verifier without reader keys.
    assert_eq!(
        Verifier::new(store())
            .verify(&text, t(VERIFY_AT))
            .unwrap_err()
            .name(),
        "ReaderKeyUnknown"
    );
    // Decoding without decryption (what a build without `encrypt` does).
    let body = codec::text_to_body(&text).unwrap();
    assert_eq!(
        codec::body_to_cose(&body, 65_536).unwrap_err(),
        VerifyError::Encrypted {
            structure: "COSE_Encrypt0"
        }
    );
    let text2 = body_to_text(&mode2_fixed());
    assert_eq!(
        inspect(&text2, 65_536).unwrap_err(),
        VerifyError::Encrypted {
            structure: "COSE_Encrypt"
        }
    );
    // Encrypting twice is refused when issuing, and a nested encryption is
    // refused when verifying.
    assert!(encrypt_text(&text, &Recipient::Shared(shared_a())).is_err());
    let nested =
        encrypt_body_fixed(&mode1_fixed(), &Recipient::Shared(shared_b()), &IV, None).unwrap();
    let keys = keys_a().with(ReaderKey::Shared(shared_b()));
    assert_eq!(err(&body_to_text(&nested), keys), "Encrypted");
}

#[test]
pub(crate) fn reader_key_files_load_and_refuse_what_they_must() {
    let a = shared_a();
    let loaded = ReaderKey::from_json(a.to_json().as_bytes()).unwrap();
    assert_eq!(loaded.kid(), a.kid());
    let secret = ReaderKey::from_json(bob().to_json().as_bytes()).unwrap();
    assert_eq!(secret.kid(), bob().kid());
    let public = bob().public_key().to_json();
    assert!(matches!(
        Recipient::from_json(public.as_bytes()).unwrap(),
        Recipient::X25519(k) if k == *bob().public_key()
    ));
    assert_eq!(
        ReaderKey::from_json(public.as_bytes()).unwrap_err(),
        ReaderKeyError::PublicOnly
    );
    // A declared kid must match the key.
    let bad =
        json!({"kind": "aes-256-gcm", "kid": "0000000000000000", "key": hex::encode([0u8; 32])});
    assert!(matches!(
        KeyFile::from_json(bad.to_string().as_bytes()),
        Err(ReaderKeyError::KidMismatch { .. })
    ));
    let bad = json!({"kind": "x25519-secret", "secret_key": BOB_SECRET, "public_key": hex::encode([9u8; 32])});
    assert_eq!(
        KeyFile::from_json(bad.to_string().as_bytes()).unwrap_err(),
        ReaderKeyError::PublicMismatch
    );
    assert_eq!(
        ReaderPublicKey::from_bytes([0; 32]).unwrap_err(),
        ReaderKeyError::WeakKey
    );
    assert!(matches!(
        KeyFile::from_json(br#"{"kind": "aes-256-gcm", "key": "abcd"}"#),
        Err(ReaderKeyError::Field { field: "key", .. })
    ));
    assert!(matches!(
        KeyFile::from_json(br#"{"kind": "rsa"}"#),
        Err(ReaderKeyError::Json(_))
    ));
}
