//! Signed trust list bytes → the trust list parser (`TrustList::inspect`, which
//! decodes without checking the signature so the whole parser is reached):
//! never panics; what decodes exports to JSON without failing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::trust::TrustList;

fuzz_target!(|data: &[u8]| {
    if let Ok((list, _kid)) = TrustList::inspect(data) {
        let _ = list.to_json();
    }
});
