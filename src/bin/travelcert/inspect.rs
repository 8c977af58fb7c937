//! `travelcert inspect`: decode a certificate WITHOUT verifying anything.

use travelcert::verify::{inspect, VerifyOptions};

use crate::cli::TextInput;
use crate::exit::{Exit, Failure};
use crate::output::print_json;

pub(crate) fn run(input: &TextInput) -> Result<(), Failure> {
    let texts = input.read_all()?;
    let limit = VerifyOptions::default().inflate_limit;
    let unverified = match texts.as_slice() {
        [one] => inspect(one, limit),
        [] => return Err(crate::exit::usage("no certificate text")),
        several => travelcert::verify::inspect_shc(several, limit),
    }
    .map_err(|e| Failure::new(Exit::Invalid, format!("undecodable: {}: {e}", e.name())))?;
    eprintln!("NOT VERIFIED: decoded without checking signature, trust or validity");
    print_json(&unverified)
}
