//! Rules file bytes → `Policy::from_json`, then evaluation against the sample
//! certificate: never panics, and every verdict explains itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelcert::model::{Certificate, CertificateId, CountryCode, Extensions, HealthRecord, Timestamp};
use travelcert::policy::{Moment, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = Policy::from_json(data) else { return };
    let record: HealthRecord =
        serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
    let certificate = Certificate {
        issuer: CountryCode::new("CN").unwrap(),
        issued_at: Timestamp::from_unix(1_615_377_600).unwrap(),
        expires_at: Timestamp::from_unix(1_615_550_400).unwrap(),
        certificate_id: CertificateId::new(&[1; 8]).unwrap(),
        record,
        unknown_claims: Extensions::default(),
    };
    let now = Timestamp::from_unix(1_615_453_200).unwrap();
    let verdict = policy.evaluate(&certificate, Moment::checking(now));
    let _ = verdict.explain();
});
