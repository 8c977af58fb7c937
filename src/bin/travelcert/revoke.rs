//! `travelcert revoke`: add ids to a signed revocation list and re-sign it.

use travelcert::issue::Signer;
use travelcert::model::{CertificateId, CountryCode, Timestamp};
use travelcert::trust::{ListKind, RevocationList};

use crate::cli::RevokeArgs;
use crate::exit::{usage, Failure};
use crate::input::{duration, hex_bytes, instant, read_bytes, read_signer};
use crate::output::write;

pub(crate) fn run(args: RevokeArgs) -> Result<(), Failure> {
    let RevokeArgs {
        list,
        root_key,
        certificate,
        id,
        sequence,
        valid_for,
        issued_at,
        state_dir,
    } = args;
    let signer = read_signer(&root_key)?;
    let root = signer.public_key();
    let dir = crate::trust::state_dir(state_dir)?;
    let mut state = dir
        .load()
        .map_err(|e| usage(format!("{}: {e}", e.name())))?;
    // Re-sign only what this root signed: the old list must verify under the
    // root's own public key and be no older than the last one recorded.
    let mut revocations = if list.exists() {
        state
            .reopen_own_revocations(&read_bytes(&list)?, &root)
            .map_err(|e| {
                usage(format!(
                    "{}: {}: {e}; not re-signed, the file is left untouched",
                    list.display(),
                    e.name()
                ))
            })?
    } else {
        let last = state.sequence(&root, ListKind::Revocation);
        if last > 0 {
            return Err(usage(format!(
                "{}: missing, but this root already signed revocation list sequence {last} \
                 (state in {}); restore the file instead of starting over",
                list.display(),
                dir.dir().display()
            )));
        }
        RevocationList::new(Timestamp::now(), 0, Timestamp::now())
    };
    let old_sequence = revocations.sequence;
    let mut ids = Vec::new();
    for c in &certificate {
        let (iss, cti) = c
            .split_once(':')
            .ok_or_else(|| usage(format!("`{c}` is not ISSUER:CTI_HEX")))?;
        let iss = CountryCode::new(iss).map_err(usage)?;
        let cti = CertificateId::new(&hex_bytes(cti)?).map_err(usage)?;
        ids.push(travelcert::trust::revocation_id(iss, &cti));
    }
    for h in &id {
        let bytes: [u8; 16] = hex_bytes(h)?
            .try_into()
            .map_err(|_| usage(format!("`{h}` is not 32 hex digits")))?;
        ids.push(bytes);
    }
    revocations.extend(ids);
    revocations.sequence = sequence.unwrap_or(old_sequence.saturating_add(1));
    if revocations.sequence <= old_sequence {
        return Err(usage(format!(
            "--sequence {} is not greater than the old list's {old_sequence}",
            revocations.sequence
        )));
    }
    revocations.issued_at = instant(issued_at.as_deref())?;
    revocations.expires_at = revocations.issued_at.saturating_add(duration(&valid_for)?);
    let signed = revocations.sign(&signer).map_err(usage)?;
    write(&list, &signed)?;
    state.set_sequence(&root, ListKind::Revocation, revocations.sequence);
    dir.save(&state)
        .map_err(|e| usage(format!("{}: {e}", e.name())))?;
    println!(
        "{}: {} ids, sequence {}",
        list.display(),
        revocations.len(),
        revocations.sequence
    );
    Ok(())
}
