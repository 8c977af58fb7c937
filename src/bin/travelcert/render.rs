//! `travelcert render`: a certificate text as a QR code.

use travelcert::render;

use crate::cli::RenderArgs;
use crate::exit::{usage, Failure};

pub(crate) fn run(args: RenderArgs) -> Result<(), Failure> {
    let RenderArgs {
        input,
        outputs,
        terminal,
    } = args;
    let text = input.read()?;
    let options = outputs.options()?;
    let matrix = render::matrix(&text, &options).map_err(usage)?;
    outputs.write(&matrix, &options)?;
    if terminal || !outputs.any() {
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
