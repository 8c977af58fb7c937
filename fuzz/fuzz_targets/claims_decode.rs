//! Payload CBOR → `decode_claims`: never panics; a decoded certificate
//! re-encodes to claims that decode to the same certificate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::codec::claims::{decode_claims, encode_claims};

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = decode_claims(data) {
        let again = encode_claims(&cert);
        assert_eq!(decode_claims(&again).unwrap(), cert);
        let json = serde_json::to_string(&cert).unwrap();
        let back: travelcert::model::Certificate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cert);
    }
});
