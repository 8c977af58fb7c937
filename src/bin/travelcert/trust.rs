//! `travelcert trust sign|inspect`, and loading trust data and list state for
//! the commands that verify.

use std::path::{Path, PathBuf};

use travelcert::issue::Signer;
use travelcert::keys::PublicKey;
use travelcert::model::Timestamp;
use travelcert::trust::{ListState, TrustList, TrustStore};

use crate::cli::TrustCommand;
use crate::exit::{usage, Exit, Failure};
use crate::input::{duration, instant, read_bytes, read_roots, read_signer};
use crate::output::write;

pub(crate) fn run(command: TrustCommand) -> Result<(), Failure> {
    match command {
        TrustCommand::Sign {
            root_key,
            keys,
            sequence,
            valid_for,
            issued_at,
            next_root,
            out,
        } => {
            let signer = read_signer(&root_key)?;
            let store = TrustStore::from_json(&read_bytes(&keys)?)
                .map_err(|e| usage(format!("{}: {e}", keys.display())))?;
            let issued_at = instant(issued_at.as_deref())?;
            let mut list = TrustList::new(
                issued_at,
                sequence,
                issued_at.saturating_add(duration(&valid_for)?),
            );
            list.keys = store.keys().cloned().collect();
            list.next_roots = read_roots(&next_root)?;
            write(&out, &list.sign(&signer).map_err(usage)?)?;
            println!(
                "{}: {} keys, sequence {sequence}, signed by root {}",
                out.display(),
                list.keys.len(),
                signer.public_key().kid()
            );
            Ok(())
        }
        TrustCommand::Inspect { list, root, at } => {
            let bytes = read_bytes(&list)?;
            let fail = |e: travelcert::SignedListError| {
                Failure::new(
                    Exit::Invalid,
                    format!("{}: {}: {e}", list.display(), e.name()),
                )
            };
            let roots = read_roots(&root)?;
            let (decoded, kid) = if roots.is_empty() {
                eprintln!("NOT VERIFIED: no --root given");
                TrustList::inspect(&bytes).map_err(fail)?
            } else {
                TrustList::verify(&bytes, &roots, instant(at.as_deref())?, 0).map_err(fail)?
            };
            println!(
                "{{\"verified\": {}, \"signed_by\": \"{kid}\", \"list\": {}}}",
                !roots.is_empty(),
                decoded.to_json()
            );
            Ok(())
        }
    }
}

/// Loads trust data: JSON when it starts with `{`, otherwise a signed list
/// whose sequence number is kept in `FILE.state.json`.
pub(crate) fn load_trust(
    path: &Path,
    roots: &[PublicKey],
    now: Timestamp,
) -> Result<TrustStore, Failure> {
    let bytes = read_bytes(path)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return TrustStore::from_json(&bytes)
            .map_err(|e| usage(format!("{}: {e}", path.display())));
    }
    if roots.is_empty() {
        return Err(usage(format!(
            "{}: a signed trust list needs --root",
            path.display()
        )));
    }
    with_state(path, |state| state.load_trust_list(&bytes, roots, now))
}

/// Runs `load` with the list's state file (FILE.state.json) and saves it after success.
pub(crate) fn with_state<T>(
    path: &Path,
    load: impl FnOnce(&mut ListState) -> Result<T, travelcert::SignedListError>,
) -> Result<T, Failure> {
    let mut state_path = path.as_os_str().to_owned();
    state_path.push(".state.json");
    let state_path = PathBuf::from(state_path);
    let mut state = if state_path.exists() {
        ListState::from_json(&read_bytes(&state_path)?)
            .map_err(|e| usage(format!("{}: {e}", state_path.display())))?
    } else {
        ListState::default()
    };
    let value =
        load(&mut state).map_err(|e| usage(format!("{}: {}: {e}", path.display(), e.name())))?;
    write(&state_path, (state.to_json() + "\n").as_bytes())?;
    Ok(value)
}
