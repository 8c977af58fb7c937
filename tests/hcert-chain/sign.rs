//! Signs `HC1:` test certificates with the DSC key of tests/hcert-chain
//! (made by gen.sh): an EU DCC vaccination (the payload of the EU reference
//! case DE/1) under the kid of a chosen DSC. Shared by the library and CLI tests.

use std::io::Write;

use coset::cbor::value::Value as Cbor;
use coset::TaggedCborSerializable;
use p256::ecdsa::signature::Signer as _;
use sha2::{Digest, Sha256};

pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hcert-chain");
/// 2021-06-01T00:00:00Z, 2022-06-01, and the moment of checking 2021-06-02.
pub const IAT: i64 = 1_622_505_600;
pub const EXP: i64 = 1_654_041_600;
pub const NOW: i64 = 1_622_592_000;

pub fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

/// The DER of the first certificate in a PEM fixture.
pub fn pem_der(name: &str) -> Vec<u8> {
    let text = String::from_utf8(file(name)).unwrap();
    let b64: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in b64.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | A.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// An EU DCC vaccination signed (ES256) with the shared DSC key under the
/// kid of the DSC in `dsc_file`.
pub fn hc1(dsc_file: &str) -> String {
    let kid = Sha256::digest(pem_der(dsc_file))[..8].to_vec();
    let case: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/dgc-testdata/DE/1.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let payload = Cbor::Map(vec![
        (Cbor::from(1), Cbor::from("DE")),
        (Cbor::from(4), Cbor::from(EXP)),
        (Cbor::from(6), Cbor::from(IAT)),
        (
            Cbor::from(-260),
            Cbor::Map(vec![(
                Cbor::from(1),
                Cbor::serialized(&case["JSON"]).unwrap(),
            )]),
        ),
    ]);
    let mut bytes = Vec::new();
    coset::cbor::ser::into_writer(&payload, &mut bytes).unwrap();
    let scalar = hex::decode(String::from_utf8(file("dsc.key.hex")).unwrap().trim()).unwrap();
    let key = p256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
    let protected = coset::HeaderBuilder::new()
        .algorithm(coset::iana::Algorithm::ES256)
        .key_id(kid)
        .build();
    let cose = coset::CoseSign1Builder::new()
        .protected(protected)
        .payload(bytes)
        .create_signature(b"", |tbs| {
            let sig: p256::ecdsa::Signature = key.sign(tbs);
            sig.to_bytes().to_vec()
        })
        .build()
        .to_tagged_vec()
        .unwrap();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&cose).unwrap();
    format!(
        "HC1:{}",
        travelcert::codec::base45::encode(&z.finish().unwrap())
    )
}
