//! Raw body bytes → `body_to_cose` and `CoseSign1::parse`: never panics; what
//! parses re-assembles to a structure that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::codec::body_to_cose;
use travelcert::cose::{sign1, CoseSign1};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = CoseSign1::parse(data) {
        let _ = c.to_be_signed();
        let again = sign1::assemble(c.protected, c.payload, &c.signature);
        assert_eq!(CoseSign1::parse(&again).unwrap(), c);
    }
    if let Ok((cose, _)) = body_to_cose(data, 64 * 1024) {
        assert!(cose.len() <= 64 * 1024);
        let _ = CoseSign1::parse(&cose);
    }
});
