//! Runs one operation N times, for instruction counting under callgrind, which
//! is repeatable on a shared, noisy machine where wall-clock times are not:
//!
//! ```sh
//! cargo build --release --example probe --features issue
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/probe verify 200
//! ```
//!
//! Operations: `raw-verify` (ed25519-dalek `verify_strict` on the
//! Sig_structure), `verify` (text → verified certificate), `raw-sign`,
//! `issue` (record → text), `none` (setup only).

use std::hint::black_box;

use ed25519_dalek::{Signer as _, SigningKey};
use travelcert::cose::CoseSign1;
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;

const SEED: [u8; 32] = [7; 32];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let op = args.get(1).map_or("none", String::as_str);
    let n: u32 = args.get(2).map_or(Ok(1), |s| s.parse())?;
    let record: HealthRecord = serde_json::from_str(include_str!("data/traveller.json"))?;
    let cn = CountryCode::new("CN")?;
    let issuer = Issuer::new(Ed25519Signer::from_seed(&SEED), cn);
    let params = IssueParams::new(Timestamp::from_unix(1_615_377_600)?, 48 * 3600)
        .with_id(CertificateId::new(&[1; 8])?);
    let issued = issuer.issue(&record, &params)?;
    let tbs = CoseSign1::parse(&issued.cose)?.to_be_signed();
    let key = SigningKey::from_bytes(&SEED);
    let sig = key.sign(&tbs);
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(issuer.public_key(), cn));
    let verifier = Verifier::new(store);
    let now = Timestamp::from_unix(1_615_453_200)?;
    let vk = key.verifying_key();
    for _ in 0..n {
        match op {
            "raw-verify" => vk.verify_strict(black_box(&tbs), &sig)?,
            "verify" => drop(verifier.verify(black_box(&issued.text), now)?),
            "raw-sign" => drop(black_box(key.sign(black_box(&tbs)))),
            "issue" => drop(issuer.issue(black_box(&record), &params)?),
            _ => {}
        }
    }
    Ok(())
}
