//! Revocation list bytes → the revocation list parser
//! (`RevocationList::inspect`, no signature check): never panics; lookups on
//! what decodes never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::model::{CertificateId, CountryCode};
use travelcert::trust::RevocationList;

fuzz_target!(|data: &[u8]| {
    if let Ok((list, _kid)) = RevocationList::inspect(data) {
        let cn = CountryCode::new("CN").unwrap();
        let id = CertificateId::new(&[0u8; 8]).unwrap();
        let _ = list.is_revoked(cn, &id);
    }
});
