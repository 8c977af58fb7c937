//! `travelcert issue`: one certificate from a record JSON file (or, with
//! `--batch`, one per line through the bulk runner).

use travelcert::issue::{IssueParams, Issuer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord};
use travelcert::render;

use crate::bulk;
use crate::card::CardFormat;
use crate::cli::IssueArgs;
use crate::exit::{usage, Failure};
use crate::input::{duration, hex_bytes, instant, read_text};
use crate::output::refuse_existing;
use crate::pkcs11::KeySource;
use crate::reader;

pub(crate) fn run(args: IssueArgs) -> Result<(), Failure> {
    let IssueArgs {
        key,
        pkcs11_module,
        issuer,
        valid_for,
        issued_at,
        id,
        record,
        batch,
        out_dir,
        outputs,
        card,
        card_pdf,
        card_style,
        include_history,
        dictionary,
        encrypt_to,
        force,
    } = args;
    let key = KeySource::load(&key, pkcs11_module)?;
    let country = CountryCode::new(&issuer).map_err(usage)?;
    let mut params = IssueParams::new(instant(issued_at.as_deref())?, duration(&valid_for)?);
    params.include_history = include_history;
    params.dictionary = dictionary;
    if let (Some(batch), Some(out_dir)) = (batch, out_dir) {
        if id.is_some() {
            return Err(usage(
                "--id cannot be used with --batch (ids must be unique)",
            ));
        }
        if outputs.any() {
            return Err(usage("--png/--svg cannot be used with --batch"));
        }
        return bulk::issue(&key, country, &params, &batch, &out_dir, force);
    }
    let record_path = record.ok_or_else(|| usage("a RECORD file or --batch is required"))?;
    // Nothing is issued when an output would be overwritten without --force.
    outputs.refuse_existing(force)?;
    for path in card.iter().chain(&card_pdf) {
        refuse_existing(path, force)?;
    }
    // Bad card flags are usage errors before anything is issued.
    card_style.options(outputs.options()?)?;
    let record: HealthRecord = serde_json::from_str(&read_text(&record_path)?)
        .map_err(|e| usage(format!("{}: {e}", record_path.display())))?;
    if let Some(id) = id {
        let bytes = hex_bytes(&id)?;
        params = params.with_id(CertificateId::new(&bytes).map_err(usage)?);
    }
    let issuer = Issuer::new(key.signer().map_err(usage)?, country);
    let issued = issuer.issue(&record, &params).map_err(usage)?;
    let text = match &encrypt_to {
        Some(path) => reader::encrypt(&issued.text, path)?,
        None => issued.text.clone(),
    };
    if outputs.any() || card.is_some() || card_pdf.is_some() {
        // Refuses a certificate whose QR code would not fit.
        let options = outputs.options()?;
        let matrix = render::matrix(&text, &options).map_err(usage)?;
        outputs.write(&matrix, &options, force)?;
        let cards = [(CardFormat::Svg, &card), (CardFormat::Pdf, &card_pdf)];
        for (format, path) in cards {
            if let Some(path) = path {
                card_style.write(format, &issued.certificate, &text, options, path, force)?;
            }
        }
        eprintln!(
            "QR version {} (ECC {}), {} characters",
            matrix.version(),
            matrix.ecc(),
            text.len()
        );
    }
    println!("{text}");
    Ok(())
}
