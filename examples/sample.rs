//! The main job: issue the sample traveller's certificate with a demo key, print
//! its text and size, render it (PNG, SVG, printable card, terminal), scan the
//! PNG back and verify what was scanned, offline.
//!
//! Run: `cargo run --example sample --features issue,render,scan`
//! The files go to `target/sample/` (printed at the end).

use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::render::{self, CardOptions, RenderOptions, TerminalBackground};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;

/// DEMO KEY: the RFC 8032 test key 1 secret. Public knowledge; never use it to
/// issue real certificates.
const DEMO_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let record: HealthRecord = serde_json::from_str(include_str!("data/traveller.json"))?;

    // Issuer side (health authority): sign with the (demo) key, valid 48 hours.
    let country = CountryCode::new("CN")?;
    let issuer = Issuer::new(Ed25519Signer::from_seed(&DEMO_SEED), country);
    let issued_at = Timestamp::parse_rfc3339("2021-03-10T12:00:00Z")?;
    let params = IssueParams::new(issued_at, 48 * 3600).with_id(CertificateId::new(&[
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
    ])?);
    // Issue and encode the QR code together: refuses a certificate that would
    // not fit the version limit (25 by default).
    let options = RenderOptions::default();
    let rendered = render::issue_rendered(&issuer, &record, &params, &options)?;
    let issued = rendered.issued;
    println!("WARNING: signed with the public RFC 8032 demo key, not a real issuer key.");
    println!("{}", issued.text);
    println!(
        "size: {} characters (COSE {} bytes)",
        issued.text.len(),
        issued.cose.len()
    );

    println!(
        "QR: version {}, ECC {}, {}×{} modules",
        rendered.matrix.version(),
        rendered.matrix.ecc(),
        rendered.matrix.width(),
        rendered.matrix.width()
    );
    print!(
        "{}",
        render::matrix_terminal(&rendered.matrix, 4, TerminalBackground::Dark)?
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sample");
    std::fs::create_dir_all(&out)?;
    let png = render::matrix_png(&rendered.matrix, &options)?;
    std::fs::write(out.join("certificate.png"), &png)?;
    std::fs::write(
        out.join("certificate.svg"),
        render::matrix_svg(&rendered.matrix, &options)?,
    )?;
    std::fs::write(
        out.join("card.svg"),
        render::card_svg(&issued.certificate, &issued.text, &CardOptions::default())?,
    )?;

    // Verifier side (border system): only the public key, no network.
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(issuer.public_key(), country));
    let verifier = Verifier::new(store);
    let at = Timestamp::parse_rfc3339("2021-03-11T09:00:00Z")?;
    // Read the code back from the PNG, as a border system reads an upload.
    let scanned = travelcert::scan::scan(&png)?;
    assert_eq!(
        scanned,
        vec![issued.text.clone()],
        "scan returned other text"
    );
    let verified = verifier.verify(&scanned[0], at)?;
    println!(
        "verified: {} {} ({}), {} NAT, {} antibody, {} vaccination records, key {} of {}",
        verified.certificate().record.holder.primary_name,
        verified.certificate().record.holder.secondary_name,
        verified.certificate().record.holder.document_number,
        verified.certificate().record.nat_tests.len(),
        verified.certificate().record.antibody_tests.len(),
        verified.certificate().record.vaccinations.len(),
        verified.kid(),
        verified.key_country(),
    );
    assert_eq!(*verified.certificate(), issued.certificate);
    println!(
        "wrote {0}/certificate.png, {0}/certificate.svg and {0}/card.svg",
        out.display()
    );
    Ok(())
}
