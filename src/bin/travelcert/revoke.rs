//! `travelcert revoke`: add ids to a signed revocation list and re-sign it.

use travelcert::model::{CertificateId, CountryCode, Timestamp};
use travelcert::trust::RevocationList;

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
    } = args;
    let signer = read_signer(&root_key)?;
    let mut revocations = if list.exists() {
        RevocationList::inspect(&read_bytes(&list)?)
            .map_err(|e| usage(format!("{}: {}: {e}", list.display(), e.name())))?
            .0
    } else {
        RevocationList::new(Timestamp::now(), 0, Timestamp::now())
    };
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
    revocations.sequence = sequence.unwrap_or(revocations.sequence.saturating_add(1));
    revocations.issued_at = instant(issued_at.as_deref())?;
    revocations.expires_at = revocations.issued_at.saturating_add(duration(&valid_for)?);
    let signed = revocations.sign(&signer).map_err(usage)?;
    write(&list, &signed)?;
    println!(
        "{}: {} ids, sequence {}",
        list.display(),
        revocations.len(),
        revocations.sequence
    );
    Ok(())
}
