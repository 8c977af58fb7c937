//! `travelcert render`: a certificate text as a QR code.

use travelcert::render;
use travelcert::verify::{self, VerifyOptions};

use crate::card::CardFormat;
use crate::cli::RenderArgs;
use crate::exit::{usage, Exit, Failure};
use crate::output::refuse_existing;

pub(crate) fn run(args: RenderArgs) -> Result<(), Failure> {
    let RenderArgs {
        input,
        outputs,
        terminal,
        pdf,
        card_style,
        force,
    } = args;
    let text = input.read()?;
    let options = outputs.options()?;
    outputs.refuse_existing(force)?;
    if let Some(path) = &pdf {
        refuse_existing(path, force)?;
    }
    let matrix = render::matrix(&text, &options).map_err(usage)?;
    outputs.write(&matrix, &options, force)?;
    if let Some(path) = &pdf {
        // The card's summary is what the text says, decoded without checks:
        // the issuer printing its own certificate.
        let certificate = verify::inspect(&text, VerifyOptions::default().inflate_limit)
            .map_err(|e| Failure::new(Exit::Invalid, format!("undecodable: {}: {e}", e.name())))?
            .into_certificate();
        card_style.write(CardFormat::Pdf, &certificate, &text, options, path, force)?;
    }
    if terminal || (!outputs.any() && pdf.is_none()) {
        print!(
            "{}",
            render::matrix_terminal(
                &matrix,
                options.quiet_zone,
                render::TerminalBackground::Dark
            )
            .map_err(usage)?
        );
    }
    eprintln!("QR version {} (ECC {})", matrix.version(), matrix.ecc());
    Ok(())
}
