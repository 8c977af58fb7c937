//! Certificate text → `Verifier::verify` (and `inspect`): never panics; `Ok`
//! only for what really verifies (the RFC 8032 test 1 key is trusted, so seeds
//! from tests/vectors reach every stage).
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::keys::PublicKey;
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::{inspect, Verifier};

const TEST1_PUB: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(
        PublicKey::from_hex(TEST1_PUB).unwrap(),
        CountryCode::new("CN").unwrap(),
    ));
    let now = Timestamp::from_unix(1_615_453_200).unwrap();
    let verified = Verifier::new(store).verify(text, now);
    let inspected = inspect(text, 64 * 1024);
    if let Ok(v) = verified {
        // What verifies also decodes without trust, to the same certificate.
        assert_eq!(*inspected.unwrap().certificate(), *v.certificate());
        let _ = serde_json::to_string(&v).unwrap();
    }
});
