//! Reader keys for encrypted certificates (FORMAT.md §13): key files in,
//! library calls out.

use std::path::{Path, PathBuf};

use travelcert::encrypt::keys::{ReaderSecretKey, SharedKey};
use travelcert::encrypt::{encrypt_text, ReaderKey, ReaderKeys, Recipient};
use zeroize::Zeroizing;

use crate::exit::{usage, Failure};
use crate::input::read_secret_bytes;
use crate::keygen::refuse_outputs;
use crate::output::{create, write_secret, Create};

/// A secret's text and a newline, in one buffer that is wiped when dropped
/// (allocated at its final size so no copy is left behind by growing).
fn line(secret: &str) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(secret.len() + 1));
    text.push_str(secret);
    text.push('\n');
    text
}

/// `keygen --reader --out-dir DIR [--force]`.
pub(crate) fn keygen(dir: &Path, force: bool) -> Result<(), Failure> {
    refuse_outputs(
        dir,
        &["reader.shared.json", "reader.key.json"],
        &["reader.pub.json"],
        force,
    )?;
    let shared = SharedKey::generate().map_err(usage)?;
    let pair = ReaderSecretKey::generate().map_err(usage)?;
    std::fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    write_secret(
        &dir.join("reader.shared.json"),
        line(&shared.to_json()).as_bytes(),
    )?;
    write_secret(
        &dir.join("reader.key.json"),
        line(&pair.to_json()).as_bytes(),
    )?;
    create(
        &dir.join("reader.pub.json"),
        format!("{}\n", pair.public_key().to_json()).as_bytes(),
        Create::public(force),
    )?;
    println!(
        "shared reader key {} (mode 1) and X25519 reader key {} (mode 2) written to {}",
        shared.kid(),
        pair.kid(),
        dir.display()
    );
    Ok(())
}

/// `issue --encrypt-to FILE`.
pub(crate) fn encrypt(text: &str, path: &Path) -> Result<String, Failure> {
    // A shared key (mode 1) is a secret.
    let to = Recipient::from_json(&read_secret_bytes(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    encrypt_text(text, &to).map_err(usage)
}

/// `verify --reader-key FILE ...`.
pub(crate) fn load_keys(paths: &[PathBuf]) -> Result<ReaderKeys, Failure> {
    paths
        .iter()
        .map(|p| {
            ReaderKey::from_json(&read_secret_bytes(p)?)
                .map_err(|e| usage(format!("{}: {e}", p.display())))
        })
        .collect()
}
