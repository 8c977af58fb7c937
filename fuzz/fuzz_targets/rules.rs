//! Rules file bytes → `Policy::from_json`, then evaluation against the sample
//! certificate (signed and verified once, as a policy takes only verified
//! certificates): never panics, and every verdict explains itself.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::keys::Signer;
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::policy::{Moment, Policy};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::{Verified, Verifier};

fn sample() -> &'static Verified {
    static SAMPLE: OnceLock<Verified> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let record: HealthRecord =
            serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
        let signer = Ed25519Signer::from_seed(&[9; 32]);
        let country = CountryCode::new("CN").unwrap();
        let mut store = TrustStore::new();
        store.add(TrustedKey::new(signer.public_key(), country));
        let issued_at = Timestamp::from_unix(1_615_377_600).unwrap();
        let params =
            IssueParams::new(issued_at, 172_800).with_id(CertificateId::new(&[1; 8]).unwrap());
        let text = Issuer::new(signer, country)
            .issue(&record, &params)
            .unwrap()
            .text;
        Verifier::new(store).verify(&text, issued_at).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = Policy::from_json(data) else {
        return;
    };
    let now = Timestamp::from_unix(1_615_453_200).unwrap();
    let verdict = policy.evaluate(sample(), Moment::checking(now));
    let _ = verdict.explain();
});
