//! `travelcert keygen`: an issuer key pair and a trust store holding its public key.

use std::fs;
use std::path::Path;

use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::model::CountryCode;
use travelcert::trust::{TrustStore, TrustedKey};

use crate::exit::{usage, Failure};
use crate::output::{write, write_secret};

/// `keygen --out-dir DIR [--country CC]`.
pub(crate) fn run(dir: &Path, country: &str) -> Result<(), Failure> {
    let country = CountryCode::new(country).map_err(usage)?;
    let signer = Ed25519Signer::generate().map_err(usage)?;
    let public = signer.public_key();
    fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    let secret = signer.to_pkcs8_pem().map_err(usage)?;
    write_secret(&dir.join("issuer.key.pem"), secret.as_bytes())?;
    write(&dir.join("issuer.pub.pem"), public.to_spki_pem().as_bytes())?;
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(public.clone(), country));
    write(&dir.join("trust.json"), (store.to_json() + "\n").as_bytes())?;
    println!(
        "kid {} for {country} written to {}",
        public.kid(),
        dir.display()
    );
    Ok(())
}
