//! Reader keys for encrypted certificates (FORMAT.md §13): key files in,
//! library calls out.

use std::path::{Path, PathBuf};

use travelcert::encrypt::keys::{ReaderSecretKey, SharedKey};
use travelcert::encrypt::{encrypt_text, ReaderKey, ReaderKeys, Recipient};

use crate::exit::{usage, Failure};
use crate::input::read_bytes;
use crate::output::{write, write_secret};

/// `keygen --reader --out-dir DIR`.
pub(crate) fn keygen(dir: &Path) -> Result<(), Failure> {
    let shared = SharedKey::generate().map_err(usage)?;
    let pair = ReaderSecretKey::generate().map_err(usage)?;
    std::fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    write_secret(
        &dir.join("reader.shared.json"),
        format!("{}\n", shared.to_json().as_str()).as_bytes(),
    )?;
    write_secret(
        &dir.join("reader.key.json"),
        format!("{}\n", pair.to_json().as_str()).as_bytes(),
    )?;
    write(
        &dir.join("reader.pub.json"),
        format!("{}\n", pair.public_key().to_json()).as_bytes(),
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
    let to = Recipient::from_json(&read_bytes(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    encrypt_text(text, &to).map_err(usage)
}

/// `verify --reader-key FILE ...`.
pub(crate) fn load_keys(paths: &[PathBuf]) -> Result<ReaderKeys, Failure> {
    paths
        .iter()
        .map(|p| {
            ReaderKey::from_json(&read_bytes(p)?)
                .map_err(|e| usage(format!("{}: {e}", p.display())))
        })
        .collect()
}
