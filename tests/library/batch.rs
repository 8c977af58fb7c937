//! `Verifier::verify_batch` returns exactly what one-by-one `verify` returns,
//! on mixed valid and invalid inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use proptest::prelude::*;
use travelcert::codec::{self, base45, zlib};
use travelcert::cose::sign1;
use travelcert::cose::CoseSign1;
use travelcert::issue::IssueParams;
use travelcert::model::CertificateId;
use travelcert::verify::Verifier;

/// The Ed25519 group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Valid,
    TamperedSignature,
    TamperedPayload,
    NonCanonicalS,
    SmallOrderR,
    Garbage,
    Expired,
}

fn cose_of(text: &str) -> Vec<u8> {
    let body = codec::text_to_body(text).unwrap();
    codec::body_to_cose(&body, 1 << 16).unwrap().0.into_owned()
}

fn reassemble(cose: &[u8], f: impl FnOnce(&mut [u8; 64], &mut Vec<u8>)) -> String {
    let s = CoseSign1::parse(cose).unwrap();
    let mut sig = s.signature;
    let mut payload = s.payload.to_vec();
    f(&mut sig, &mut payload);
    let cose = sign1::assemble(s.protected, &payload, &sig);
    format!("TC1:{}", base45::encode(&zlib::compress(&cose)))
}

fn make(kind: Kind, n: u8) -> String {
    let id = CertificateId::new(&[n; 8]).unwrap();
    let issued_at = match kind {
        Kind::Expired => ISSUED_AT - 30 * 86_400,
        _ => ISSUED_AT,
    };
    let text = issuer()
        .issue(
            &sample(),
            &IssueParams::new(t(issued_at), VALID_FOR).with_id(id),
        )
        .unwrap()
        .text;
    let cose = cose_of(&text);
    match kind {
        Kind::Valid | Kind::Expired => text,
        Kind::TamperedSignature => reassemble(&cose, |sig, _| sig[40] ^= 0x10),
        Kind::TamperedPayload => reassemble(&cose, |_, payload| {
            let last = payload.len() - 1;
            payload[last] ^= 0x01;
        }),
        Kind::NonCanonicalS => reassemble(&cose, |sig, _| {
            // S + L: the same scalar, not reduced.
            let mut carry = 0u16;
            for i in 0..32 {
                let v = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
                sig[32 + i] = v as u8;
                carry = v >> 8;
            }
        }),
        Kind::SmallOrderR => reassemble(&cose, |sig, _| {
            sig[..32].copy_from_slice(&[0; 32]);
            sig[0] = 1; // the identity point
        }),
        Kind::Garbage => format!("TC1:{}", base45::encode(&[n, 0x9c, 0x03])),
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        6 => Just(Kind::Valid),
        1 => Just(Kind::TamperedSignature),
        1 => Just(Kind::TamperedPayload),
        1 => Just(Kind::NonCanonicalS),
        1 => Just(Kind::SmallOrderR),
        1 => Just(Kind::Garbage),
        1 => Just(Kind::Expired),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn batch_equals_one_by_one(kinds in prop::collection::vec(kind(), 0..40)) {
        let texts: Vec<String> = kinds.iter().enumerate().map(|(i, k)| make(*k, i as u8)).collect();
        let verifier = Verifier::new(store());
        let single: Vec<_> = texts.iter().map(|t| verifier.verify(t, t_now())).collect();
        let batch = verifier.verify_batch(&texts, t_now());
        prop_assert_eq!(batch, single);
    }
}

fn t_now() -> travelcert::model::Timestamp {
    t(VERIFY_AT)
}

#[test]
fn the_hostile_signatures_are_refused_by_both_paths() {
    let verifier = Verifier::new(store());
    for kind in [
        Kind::NonCanonicalS,
        Kind::SmallOrderR,
        Kind::TamperedSignature,
        Kind::TamperedPayload,
    ] {
        let texts: Vec<String> = (0..8)
            .map(|i| make(if i == 3 { kind } else { Kind::Valid }, i))
            .collect();
        let results = verifier.verify_batch(&texts, t_now());
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.is_ok(), i != 3, "{kind:?} at {i}: {r:?}");
        }
        assert_eq!(results[3].as_ref().unwrap_err().name(), "SignatureInvalid");
    }
}
