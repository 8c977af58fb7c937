//! `travelcert keygen`: an issuer key pair and a trust store holding its public key.

use std::fs;
use std::path::Path;

use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::keys::PublicKey;
use travelcert::model::CountryCode;
use travelcert::trust::{TrustStore, TrustedKey};

use crate::exit::{usage, Failure};
use crate::output::{create, refuse_existing, write_secret, Create};

/// Refuses an existing secret key (always) or public output (unless `force`)
/// before anything is generated, so a refused keygen writes nothing.
pub(crate) fn refuse_outputs(
    dir: &Path,
    secrets: &[&str],
    public: &[&str],
    force: bool,
) -> Result<(), Failure> {
    for name in secrets {
        let path = dir.join(name);
        if fs::symlink_metadata(&path).is_ok() {
            return Err(usage(format!(
                "{}: already exists (keygen never overwrites a key)",
                path.display()
            )));
        }
    }
    for name in public {
        refuse_existing(&dir.join(name), force)?;
    }
    Ok(())
}

/// The public outputs of an issuer keygen.
pub(crate) const PUBLIC_OUTPUTS: &[&str] = &["issuer.pub.pem", "trust.json"];

/// `keygen --out-dir DIR [--country CC] [--force]`.
pub(crate) fn run(dir: &Path, country: &str, force: bool) -> Result<(), Failure> {
    let country = CountryCode::new(country).map_err(usage)?;
    refuse_outputs(dir, &["issuer.key.pem"], PUBLIC_OUTPUTS, force)?;
    let signer = Ed25519Signer::generate().map_err(usage)?;
    fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    let secret = signer.to_pkcs8_pem().map_err(usage)?;
    write_secret(&dir.join("issuer.key.pem"), secret.as_bytes())?;
    write_public(dir, &signer.public_key(), country, force)
}

/// Writes `issuer.pub.pem` and a `trust.json` holding the key for `country`
/// (the public outputs of every issuer keygen, in memory or in a token).
pub(crate) fn write_public(
    dir: &Path,
    public: &PublicKey,
    country: CountryCode,
    force: bool,
) -> Result<(), Failure> {
    fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    create(
        &dir.join("issuer.pub.pem"),
        public.to_spki_pem().as_bytes(),
        Create::public(force),
    )?;
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(public.clone(), country));
    create(
        &dir.join("trust.json"),
        (store.to_json() + "\n").as_bytes(),
        Create::public(force),
    )?;
    println!(
        "kid {} for {country} written to {}",
        public.kid(),
        dir.display()
    );
    Ok(())
}
