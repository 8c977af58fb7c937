//! Foreign certificate texts (`HC1:`, `shc:/`, SMART Health Card JWS and
//! files) → `Verifier::verify`, `verify_shc_texts`, `verify_shc_file` and
//! `inspect`: never panic, stay within the caps; `Ok` only for what really
//! verifies. The SMART Health Cards specification's example issuer and the
//! test chain's document signer are trusted, so seeds from
//! tests/interop and tests/hcert-chain reach the signature checks.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use travelcert::model::Timestamp;
use travelcert::trust::TrustStore;
use travelcert::verify::{inspect, Verifier};

const SHC_ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let mut store = TrustStore::new()
            .with_shc_issuer(
                SHC_ISSUER,
                include_bytes!("../../tests/interop/shc/examples/issuer/jwks.json"),
            )
            .unwrap();
        store
            .add_dscs(include_bytes!("../../tests/hcert-chain/dsc.pem"), &[])
            .unwrap();
        Verifier::new(store)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A moment inside the examples' and the test chain's validity.
    let now = Timestamp::from_unix(1_735_689_600).unwrap();
    let v = verifier();
    if let Ok(verified) = v.verify(text, now) {
        // What verifies also decodes without trust, to the same certificate.
        let inspected = inspect(text, 64 * 1024).unwrap();
        assert_eq!(*inspected.certificate(), *verified.certificate());
        let _ = serde_json::to_string(&verified).unwrap();
    } else {
        let _ = inspect(text, 64 * 1024);
    }
    // Several lines: the chunks of one SMART Health Card.
    if text.contains('\n') {
        let lines: Vec<&str> = text.lines().collect();
        let _ = v.verify_shc_texts(&lines, now);
    }
    // The `.smart-health-card` file form.
    if text.starts_with('{') {
        let _ = v.verify_shc_file(data, now);
    }
});
