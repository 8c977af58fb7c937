//! The encrypted test vectors (tests/vectors/encrypted/): byte-exact
//! (`TRAVELCERT_BLESS=1` rewrites them), failing for their own reason, and
//! verifying as stated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use super::encrypt::*;
use crate::common::*;
use serde_json::{json, Value};
use travelcert::codec;
use travelcert::encrypt::cose::{self as ecose, encrypt::Encrypt, encrypt0::Encrypt0};
use travelcert::encrypt::{body_to_text, ReaderKey, ReaderKeys};
use travelcert::trust::TrustStore;
use travelcert::verify::{Verifier, VerifyOptions};

// --- vectors: tests/vectors/encrypted/ ---

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/encrypted")
}

fn sample_vector() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/01-sample.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

struct Case {
    name: &'static str,
    description: &'static str,
    mode: u8,
    text: String,
    reader_keys: Vec<Value>,
    error: Option<&'static str>,
}

fn key_json(k: &ReaderKey) -> Value {
    let text = match k {
        ReaderKey::Shared(s) => s.to_json().to_string(),
        ReaderKey::X25519(s) => s.to_json().to_string(),
    };
    serde_json::from_str(&text).unwrap()
}

/// Mode 1 with `"x": 0` added to the unprotected header.
fn text_label0(p: &Parts0) -> Vec<u8> {
    [
        vec![0xd0, 0x83],
        bstr(&p.protected),
        vec![0xa3, 0x04],
        bstr(&p.kid),
        vec![0x05],
        bstr(&p.iv),
        vec![0x61, b'x', 0x00],
        bstr(&p.ciphertext),
    ]
    .concat()
}

/// Mode 2 with the ephemeral key's kty written as the text "OKP".
fn ephemeral_kty_text(p: &Parts) -> Vec<u8> {
    let good = p.encode();
    let at = good
        .windows(7)
        .position(|w| w == [0x20, 0xa3, 0x01, 0x01, 0x20, 0x04, 0x21])
        .unwrap();
    [
        &good[..at + 3],
        &[0x63, b'O', b'K', b'P'][..],
        &good[at + 4..],
    ]
    .concat()
}

fn cases() -> Vec<Case> {
    let sample = sample_vector();
    let plain = sample["qr_text"].as_str().unwrap();
    assert_eq!(
        plain,
        plain_text(),
        "01-sample is the plain certificate encrypted here"
    );
    let m1 = Parts0::of(&mode1_fixed());
    let m2 = Parts::of(&mode2_fixed());
    let a = ReaderKey::Shared(shared_a());
    let b = ReaderKey::Shared(shared_b());
    let bob_k = ReaderKey::X25519(bob());
    let carol_k = ReaderKey::X25519(carol());
    let alter0 = |f: &dyn Fn(&mut Parts0)| {
        let mut p = m1.clone();
        f(&mut p);
        p.text()
    };
    let alter = |f: &dyn Fn(&mut Parts)| {
        let mut p = m2.clone();
        f(&mut p);
        p.text()
    };
    let n0 = m1.ciphertext.len();
    let n = m2.ciphertext.len();
    vec![
        Case { name: "e01-encrypt0-sample", description: "mode 1: the sample (01-sample) in a COSE_Encrypt0 under shared key A", mode: 1, text: m1.text(), reader_keys: vec![key_json(&a)], error: None },
        Case { name: "e02-encrypt0-unknown-reader-kid", description: "mode 1: the verifier holds only shared key B", mode: 1, text: m1.text(), reader_keys: vec![key_json(&b)], error: Some("ReaderKeyUnknown") },
        Case { name: "e03-encrypt0-wrong-key", description: "mode 1: the kid altered to name key B, which the verifier also holds; key A decrypts", mode: 1, text: alter0(&|p| p.kid = shared_b().kid().0.to_vec()), reader_keys: vec![key_json(&a), key_json(&b)], error: Some("ReaderKeyWrong") },
        Case { name: "e04-encrypt0-tampered-ciphertext", description: "mode 1: one ciphertext bit flipped", mode: 1, text: alter0(&|p| p.ciphertext[10] ^= 1), reader_keys: vec![key_json(&a)], error: Some("DecryptionFailed") },
        Case { name: "e05-encrypt0-tampered-header", description: "mode 1: the protected header re-encoded as A1 01 18 03 (same map, other bytes: the AAD differs)", mode: 1, text: alter0(&|p| p.protected = vec![0xa1, 0x01, 0x18, 0x03]), reader_keys: vec![key_json(&a)], error: Some("EncryptHeaderTampered") },
        Case { name: "e06-encrypt0-truncated-tag", description: "mode 1: the last 4 bytes of the tag cut off", mode: 1, text: alter0(&|p| p.ciphertext.truncate(n0 - 4)), reader_keys: vec![key_json(&a)], error: Some("AuthTagTruncated") },
        Case { name: "e07-encrypt0-nonce-size", description: "mode 1: an IV of 8 bytes", mode: 1, text: alter0(&|p| p.iv.truncate(8)), reader_keys: vec![key_json(&a)], error: Some("NonceLength") },
        Case { name: "e08-encrypt0-alg", description: "mode 1: alg 1 (A128GCM) in the protected header", mode: 1, text: alter0(&|p| p.protected = vec![0xa1, 0x01, 0x01]), reader_keys: vec![key_json(&a)], error: Some("EncryptAlgUnsupported") },
        Case { name: "e09-encrypt0-text-label", description: "mode 1: a third unprotected label, the text \"x\" (header labels are integers here: CborMalformed, as in every header map)", mode: 1, text: body_to_text(&text_label0(&m1)), reader_keys: vec![key_json(&a)], error: Some("CborMalformed") },
        Case { name: "e11-encrypt-sample", description: "mode 2: the sample (01-sample) in a COSE_Encrypt to the reader key of RFC 7748 §6.1 (Bob), ephemeral key Alice's", mode: 2, text: m2.text(), reader_keys: vec![key_json(&bob_k)], error: None },
        Case { name: "e12-encrypt-unknown-reader-kid", description: "mode 2: the verifier holds only another reader's X25519 key", mode: 2, text: m2.text(), reader_keys: vec![key_json(&carol_k)], error: Some("ReaderKeyUnknown") },
        Case { name: "e13-encrypt-wrong-key", description: "mode 2: the kid altered to name another reader key the verifier holds", mode: 2, text: alter(&|p| p.kid = carol().kid().0.to_vec()), reader_keys: vec![key_json(&bob_k), key_json(&carol_k)], error: Some("ReaderKeyWrong") },
        Case { name: "e14-encrypt-tampered-ciphertext", description: "mode 2: one ciphertext bit flipped", mode: 2, text: alter(&|p| p.ciphertext[10] ^= 1), reader_keys: vec![key_json(&bob_k)], error: Some("DecryptionFailed") },
        Case { name: "e15-encrypt-tampered-header", description: "mode 2: the recipient protected header re-encoded as A1 01 39 0018 (the KDF context differs)", mode: 2, text: alter(&|p| p.recipient_protected = vec![0xa1, 0x01, 0x39, 0x00, 0x18]), reader_keys: vec![key_json(&bob_k)], error: Some("EncryptHeaderTampered") },
        Case { name: "e16-encrypt-truncated-tag", description: "mode 2: the last 4 bytes of the tag cut off", mode: 2, text: alter(&|p| p.ciphertext.truncate(n - 4)), reader_keys: vec![key_json(&bob_k)], error: Some("AuthTagTruncated") },
        Case { name: "e17-encrypt-nonce-size", description: "mode 2: an IV of 16 bytes", mode: 2, text: alter(&|p| p.iv.extend([0; 4])), reader_keys: vec![key_json(&bob_k)], error: Some("NonceLength") },
        Case { name: "e18-encrypt-ephemeral-small-order", description: "mode 2: the ephemeral key replaced by the small-order point 0", mode: 2, text: alter(&|p| p.x = vec![0; 32]), reader_keys: vec![key_json(&bob_k)], error: Some("EphemeralKeyInvalid") },
        Case { name: "e19-encrypt-ephemeral-key-type", description: "mode 2: the ephemeral COSE_Key with kty written as the text \"OKP\" instead of the integer 1 (well-formed CBOR, wrong type inside the key)", mode: 2, text: body_to_text(&ephemeral_kty_text(&m2)), reader_keys: vec![key_json(&bob_k)], error: Some("EphemeralKeyInvalid") },
    ]
}

fn outcome(text: &str, reader_keys: &[Value], store: &Value, at: i64) -> Result<Value, String> {
    let store = TrustStore::from_json(store.to_string().as_bytes()).unwrap();
    let keys: ReaderKeys = reader_keys
        .iter()
        .map(|k| ReaderKey::from_json(k.to_string().as_bytes()).unwrap())
        .collect();
    Verifier::with_options(
        store,
        VerifyOptions {
            clock_skew: SKEW,
            ..VerifyOptions::default()
        },
    )
    .with_reader_keys(keys)
    .verify(text, t(at))
    .map(|v| serde_json::to_value(v.certificate()).unwrap())
    .map_err(|e| e.name().to_owned())
}

fn generate(case: &Case) -> Value {
    let sample = sample_vector();
    let store = &sample["trust_store"];
    let at = sample["verify_at"].as_i64().unwrap();
    let mut v = json!({
        "description": case.description,
        "mode": case.mode,
        "plaintext_vector": "01-sample.json",
        "iv": hex::encode(IV),
        "trust_store": store,
        "reader_keys": case.reader_keys,
        "verify_at": at,
        "clock_skew": SKEW,
        "qr_text": case.text,
    });
    if case.mode == 1 {
        v["encrypted_to"] = key_json(&ReaderKey::Shared(shared_a()));
        v["aad"] = json!(hex::encode(ecose::enc_structure(
            "Encrypt0",
            &ecose::CONTENT_PROTECTED
        )));
    } else {
        v["encrypted_to"] = serde_json::from_str(&bob().public_key().to_json()).unwrap();
        v["ephemeral_secret"] = json!(ALICE_SECRET);
        v["shared_secret"] = json!(RFC7748_SHARED);
        v["kdf_context"] = json!(hex::encode(ecose::kdf_context(&ecose::RECIPIENT_PROTECTED)));
        v["content_key"] = json!(hex::encode(*ecose::derive_cek(
            &h32(RFC7748_SHARED),
            &ecose::RECIPIENT_PROTECTED
        )));
        v["aad"] = json!(hex::encode(ecose::enc_structure(
            "Encrypt",
            &ecose::CONTENT_PROTECTED
        )));
    }
    match outcome(&case.text, &case.reader_keys, store, at) {
        Ok(expected) => {
            v["valid"] = json!(true);
            v["expected"] = expected;
        }
        Err(name) => {
            v["valid"] = json!(false);
            v["error"] = json!(name);
        }
    }
    v
}

#[test]
fn encrypted_vectors_are_reproducible_and_fail_for_their_own_reason() {
    let bless = std::env::var_os("TRAVELCERT_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(dir()).unwrap();
    }
    let mut stale = Vec::new();
    for case in cases() {
        let v = generate(&case);
        assert_eq!(v["error"].as_str(), case.error, "{}", case.name);
        let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        let path = dir().join(format!("{}.json", case.name));
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(case.name);
        }
    }
    assert!(
        stale.is_empty(),
        "encrypted vectors differ from what the code generates: {stale:?} (TRAVELCERT_BLESS=1 rewrites them)"
    );
}

#[test]
fn encrypted_vectors_verify_as_stated() {
    let sample = sample_vector();
    let mut files: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 16, "found {} encrypted vectors", files.len());
    let mut errors = Vec::new();
    for path in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let keys: Vec<Value> = v["reader_keys"].as_array().unwrap().clone();
        let got = outcome(
            v["qr_text"].as_str().unwrap(),
            &keys,
            &v["trust_store"],
            v["verify_at"].as_i64().unwrap(),
        );
        match got {
            Ok(expected) => {
                assert_eq!(v["valid"], true, "{}", path.display());
                assert_eq!(expected, v["expected"], "{}", path.display());
                assert_eq!(expected, sample["expected"], "{}", path.display());
            }
            Err(name) => {
                assert_eq!(v["valid"], false, "{}", path.display());
                assert_eq!(
                    Some(name.as_str()),
                    v["error"].as_str(),
                    "{}",
                    path.display()
                );
                errors.push(name);
            }
        }
    }
    // Every failure of the issue is shown by a vector.
    for name in [
        "ReaderKeyUnknown",
        "ReaderKeyWrong",
        "DecryptionFailed",
        "EncryptHeaderTampered",
        "AuthTagTruncated",
        "NonceLength",
    ] {
        assert!(errors.iter().filter(|e| *e == name).count() >= 2, "{name}");
    }
}

#[test]
fn valid_vectors_decrypt_to_the_plain_body_from_their_stated_inputs() {
    // An independent check of the vectors' intermediate values: decrypt with
    // the content key and AAD they state, using the AES-GCM crate directly.
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let plain = codec::text_to_body(sample_vector()["qr_text"].as_str().unwrap()).unwrap();
    for (name, key_of) in [
        ("e01-encrypt0-sample", "encrypted_to"),
        ("e11-encrypt-sample", "content_key"),
    ] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let key = if key_of == "encrypted_to" {
            h32(v["encrypted_to"]["key"].as_str().unwrap())
        } else {
            h32(v["content_key"].as_str().unwrap())
        };
        let body = codec::text_to_body(v["qr_text"].as_str().unwrap()).unwrap();
        let ct = if name.starts_with("e01") {
            Encrypt0::parse(&body).unwrap().ciphertext.to_vec()
        } else {
            Encrypt::parse(&body).unwrap().ciphertext.to_vec()
        };
        let aad = hex::decode(v["aad"].as_str().unwrap()).unwrap();
        let iv: [u8; 12] = hex::decode(v["iv"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let out = aes_gcm::Aes256Gcm::new_from_slice(&key)
            .unwrap()
            .decrypt(
                &iv.into(),
                Payload {
                    msg: &ct,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(out, plain, "{name}");
    }
}

#[test]
fn shared_key_kid_is_sha256_of_the_key_and_public_kid_of_the_public_key() {
    use sha2::{Digest, Sha256};
    let a = shared_a();
    assert_eq!(
        a.kid().0,
        Sha256::digest(std::array::from_fn::<u8, 32, _>(|i| i as u8))[..8]
    );
    assert_eq!(bob().kid().0, Sha256::digest(h32(BOB_PUBLIC))[..8]);
}
