//! Trust store JSON → `TrustStore::from_json`: never panics; what loads
//! exports to JSON that loads to the same store.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::trust::TrustStore;

fuzz_target!(|data: &[u8]| {
    if let Ok(store) = TrustStore::from_json(data) {
        let again = TrustStore::from_json(store.to_json().as_bytes()).unwrap();
        assert_eq!(again.len(), store.len());
        assert_eq!(again.to_json(), store.to_json());
    }
});
