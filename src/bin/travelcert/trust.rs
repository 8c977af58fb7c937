//! `travelcert trust sign|inspect`, and loading trust data and list state for
//! the commands that verify.

use std::path::{Path, PathBuf};

use travelcert::issue::Signer;
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::{
    Dsc, ListState, ListedShcIssuer, RevocationList, Root, StateDir, StateError, TrustInputError,
    TrustInputs, TrustList, TrustStore,
};

use crate::cli::TrustCommand;
use crate::exit::{usage, Exit, Failure};
use crate::input::{
    duration, instant, read_bytes, read_roots, read_scoped_roots, read_signer, scoped_file,
};
use crate::output::{create, Create};

pub(crate) fn run(command: TrustCommand) -> Result<(), Failure> {
    match command {
        TrustCommand::Sign {
            root_key,
            keys,
            sequence,
            valid_for,
            issued_at,
            next_root,
            dsc,
            shc_issuer,
            shc_crl,
            out,
            force,
        } => {
            let signer = read_signer(&root_key)?;
            let store = match &keys {
                Some(keys) => TrustStore::from_json(&read_bytes(keys)?)
                    .map_err(|e| usage(format!("{}: {e}", keys.display())))?,
                None => TrustStore::new(),
            };
            let issued_at = instant(issued_at.as_deref())?;
            let mut list = TrustList::new(
                issued_at,
                sequence,
                issued_at.saturating_add(duration(&valid_for)?),
            );
            list.keys = store.keys().cloned().collect();
            list.next_roots = read_roots(&next_root)?;
            for spec in &dsc {
                let (scope, path) = scoped_file(spec)?;
                let country = match scope.as_slice() {
                    [] => None,
                    [one] => Some(*one),
                    _ => return Err(usage(format!("--dsc {spec}: give one country"))),
                };
                for d in Dsc::load(&read_bytes(&path)?)
                    .map_err(|e| usage(format!("{}: {e}", path.display())))?
                {
                    let d = match country {
                        Some(c) => d.with_country(c),
                        None => d,
                    };
                    if d.country().is_none() {
                        return Err(usage(format!(
                            "{}: a DSC names no country: give --dsc CC={}",
                            path.display(),
                            path.display()
                        )));
                    }
                    list.dscs.push(d);
                }
            }
            for spec in &shc_issuer {
                list.shc_issuers.push(listed_shc_issuer(spec)?);
            }
            for path in &shc_crl {
                list.add_shc_crl(read_bytes(path)?)
                    .map_err(|e| usage(format!("--shc-crl {}: {e}", path.display())))?;
            }
            create(
                &out,
                &list.sign(&signer).map_err(usage)?,
                Create::public(force),
            )?;
            println!(
                "{}: {} keys, {} DSCs, {} SMART Health Card issuers, sequence {sequence}, signed by root {}",
                out.display(),
                list.keys.len(),
                list.dscs.len(),
                list.shc_issuers.len(),
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
            let roots = read_scoped_roots(&root)?;
            let (decoded, kid) = if roots.is_empty() {
                eprintln!("NOT VERIFIED: no --root given");
                TrustList::inspect(&bytes).map_err(fail)?
            } else {
                let (list, root) =
                    TrustList::verify_with_roots(&bytes, &roots, instant(at.as_deref())?, 0)
                        .map_err(fail)?;
                (list, root.key().kid())
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

/// The list state directory: `--state-dir`, else the default one.
pub(crate) fn state_dir(arg: Option<PathBuf>) -> Result<StateDir, Failure> {
    arg.or_else(StateDir::default_dir)
        .map(StateDir::new)
        .ok_or_else(|| usage("give --state-dir: neither XDG_STATE_HOME nor HOME is set"))
}

impl From<StateError> for Failure {
    fn from(e: StateError) -> Self {
        usage(format!("{}: {e}", e.name()))
    }
}

pub(crate) fn input_error(e: TrustInputError) -> Failure {
    match e {
        TrustInputError::List { .. } => usage(e),
        other => usage(format!("{}: {other}", other.name())),
    }
}

/// `--shc-issuer CC,URL=JWKS_FILE` of `trust sign`, its key set read as a
/// verifier will read it.
fn listed_shc_issuer(spec: &str) -> Result<ListedShcIssuer, Failure> {
    let bad = || usage(format!("--shc-issuer {spec}: expected CC,URL=JWKS_FILE"));
    let (head, file) = spec.split_once('=').ok_or_else(bad)?;
    let (country, url) = head.split_once(',').ok_or_else(bad)?;
    let country =
        CountryCode::new(country.trim()).map_err(|e| usage(format!("--shc-issuer {spec}: {e}")))?;
    let entry = ListedShcIssuer::new(url, country, read_bytes(Path::new(file))?);
    entry
        .check()
        .map_err(|e| usage(format!("--shc-issuer {spec}: {e}")))?;
    Ok(entry)
}

/// Adds the `HC1:` trust inputs: `--csca` first (the DSC files after must
/// chain to them), then `--dsc`.
pub(crate) fn add_hcert_inputs(
    inputs: &mut TrustInputs,
    dsc: &[PathBuf],
    csca: &[String],
) -> Result<(), Failure> {
    for spec in csca {
        let (scope, path) = scoped_file(spec)?;
        inputs
            .add_csca(&path.display().to_string(), &read_bytes(&path)?, &scope)
            .map_err(input_error)?;
    }
    for path in dsc {
        inputs
            .add_dsc(&path.display().to_string(), &read_bytes(path)?)
            .map_err(input_error)?;
    }
    Ok(())
}

/// Loads the verifier's trust data: every `--trust` input (signed lists
/// when roots are configured, JSON stores otherwise: the library decides
/// by configuration) and the revocation list, with the list state kept in
/// the state directory (read and saved only when roots are configured).
pub(crate) fn load_trust_data(
    trust: &[PathBuf],
    roots: Vec<Root>,
    revocations: Option<&Path>,
    state_dir_arg: Option<PathBuf>,
    now: Timestamp,
    foreign: impl FnOnce(&mut TrustInputs) -> Result<(), Failure>,
) -> Result<(TrustStore, Option<RevocationList>), Failure> {
    let rooted = !roots.is_empty();
    let load = |state: &mut ListState| -> Result<_, Failure> {
        let mut inputs = TrustInputs::new(roots, state, now);
        for path in trust {
            inputs
                .add(&path.display().to_string(), &read_bytes(path)?)
                .map_err(input_error)?;
        }
        foreign(&mut inputs)?;
        let revocations = match revocations {
            Some(path) => Some(
                inputs
                    .revocations(&path.display().to_string(), &read_bytes(path)?)
                    .map_err(input_error)?,
            ),
            None => None,
        };
        Ok((inputs.into_store(), revocations))
    };
    // The state is read and saved only when roots are configured.
    if rooted {
        state_dir(state_dir_arg)?.update(load)
    } else {
        load(&mut ListState::default())
    }
}
