//! Issuer keys in a PKCS#11 token: `keygen --pkcs11 URI` and the `pkcs11:`
//! URIs that `issue --key` accepts where a PEM path was. The signer itself
//! (sessions, login, recovery) is the library's `keys::Pkcs11Signer`.

use std::path::{Path, PathBuf};

use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::keys::PublicKey;
use zeroize::Zeroizing;

use crate::exit::{usage, Failure};
use crate::input::read_secret_text;

/// The issuer's key as given by `--key`: a PKCS#8 PEM file, or a key in a
/// PKCS#11 token.
pub(crate) enum KeySource {
    Pem(Zeroizing<String>),
    #[cfg(feature = "pkcs11")]
    Token(travelcert::keys::Pkcs11Signer),
}

/// A signer for one issuing thread: its own in-memory key, or a handle on
/// the token's shared session pool. One per thread, so its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum IssuerKey {
    Pem(Ed25519Signer),
    #[cfg(feature = "pkcs11")]
    Token(travelcert::keys::Pkcs11Signer),
}

impl Signer for IssuerKey {
    fn public_key(&self) -> PublicKey {
        match self {
            Self::Pem(s) => s.public_key(),
            #[cfg(feature = "pkcs11")]
            Self::Token(s) => s.public_key(),
        }
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>> {
        match self {
            Self::Pem(s) => s.sign(message),
            #[cfg(feature = "pkcs11")]
            Self::Token(s) => s.sign(message),
        }
    }
}

impl KeySource {
    /// Reads `--key`: a `pkcs11:` URI (opened now, so a wrong PIN or a
    /// missing key stops the run before anything is read) or a PEM file.
    pub(crate) fn load(key: &Path, module: Option<PathBuf>) -> Result<Self, Failure> {
        if let Some(uri) = key.to_str().filter(|k| k.starts_with("pkcs11:")) {
            return open(uri, module);
        }
        if module.is_some() {
            return Err(usage("--pkcs11-module needs a pkcs11: URI as --key"));
        }
        let pem = read_secret_text(key)?;
        // Checked once here, so a bad key file is one clear error.
        Ed25519Signer::from_pkcs8_pem(&pem)
            .map_err(|e| usage(format!("{}: {e}", key.display())))?;
        Ok(Self::Pem(pem))
    }

    /// A signer for one thread.
    pub(crate) fn signer(&self) -> Result<IssuerKey, String> {
        match self {
            Self::Pem(pem) => Ed25519Signer::from_pkcs8_pem(pem)
                .map(IssuerKey::Pem)
                .map_err(|e| e.to_string()),
            #[cfg(feature = "pkcs11")]
            Self::Token(signer) => Ok(IssuerKey::Token(signer.clone())),
        }
    }
}

#[cfg(not(feature = "pkcs11"))]
fn open(_uri: &str, _module: Option<PathBuf>) -> Result<KeySource, Failure> {
    Err(usage(
        "this travelcert was built without PKCS#11 support (cargo feature `pkcs11`)",
    ))
}

#[cfg(not(feature = "pkcs11"))]
pub(crate) fn keygen(
    _uri: &str,
    _module: Option<PathBuf>,
    _dir: &Path,
    _country: &str,
    _force: bool,
) -> Result<(), Failure> {
    open("", None).map(|_| ())
}

#[cfg(feature = "pkcs11")]
use travelcert::keys::{Pkcs11Error, Pkcs11Options, Pkcs11Signer, Pkcs11Uri};

/// Parses a URI from the command line, refusing a `pin-value`.
#[cfg(feature = "pkcs11")]
fn parse(text: &str) -> Result<Pkcs11Uri, Failure> {
    let uri = Pkcs11Uri::parse(text).map_err(|e| failure(&e))?;
    if uri.pin_value.is_some() {
        return Err(usage(
            "refusing a pin-value in the PKCS#11 URI: a PIN never goes on the command line \
             (use pin-source=file:/path or TRAVELCERT_PKCS11_PIN)",
        ));
    }
    Ok(uri)
}

/// The options: module and PIN from the environment, `--pkcs11-module` first.
#[cfg(feature = "pkcs11")]
fn options(module: Option<PathBuf>) -> Pkcs11Options {
    let mut options = Pkcs11Options::from_env();
    if module.is_some() {
        options.module = module;
    }
    // Both cores sign at once; one spare session for the bulk runner's main thread.
    options.sessions = std::thread::available_parallelism().map_or(2, |n| n.get() + 1);
    options
}

#[cfg(feature = "pkcs11")]
fn failure(e: &Pkcs11Error) -> Failure {
    usage(format!("{} ({})", e, e.name()))
}

#[cfg(feature = "pkcs11")]
fn open(text: &str, module: Option<PathBuf>) -> Result<KeySource, Failure> {
    let uri = parse(text)?;
    Pkcs11Signer::open(&uri, &options(module))
        .map(KeySource::Token)
        .map_err(|e| failure(&e))
}

/// `keygen --pkcs11 URI --out-dir DIR --country CC [--force]`: the key pair
/// is made inside the token; only `issuer.pub.pem` and `trust.json` are written.
#[cfg(feature = "pkcs11")]
pub(crate) fn keygen(
    text: &str,
    module: Option<PathBuf>,
    dir: &Path,
    country: &str,
    force: bool,
) -> Result<(), Failure> {
    let country = travelcert::model::CountryCode::new(country).map_err(usage)?;
    let uri = parse(text)?;
    crate::keygen::refuse_outputs(dir, &[], crate::keygen::PUBLIC_OUTPUTS, force)?;
    let signer = Pkcs11Signer::generate(&uri, &options(module)).map_err(|e| failure(&e))?;
    crate::keygen::write_public(dir, &signer.public_key(), country, force)?;
    println!("key in the token: {}", signer.uri());
    Ok(())
}
