//! `travelcert`: issue, verify and inspect travel health certificates.
//!
//! A thin layer over the library: argument parsing, files and exit codes only.
//! Exit codes ([`exit::Exit`]): 0 success (accepted), 1 invalid certificate (or
//! no code in an image), 2 usage or I/O error (including a refused trust or
//! revocation list), 3 refused by the rules, 4 needs review.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bulk;
mod card;
mod cli;
mod exit;
mod input;
mod inspect;
mod issue;
mod keygen;
mod output;
mod pkcs11;
mod reader;
mod render;
mod revoke;
mod shc;
mod trust;
mod verify;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use exit::{Exit, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => Exit::Valid.into(),
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", f.message);
            }
            f.exit.into()
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Keygen {
            out_dir,
            reader: true,
            force,
            ..
        } => reader::keygen(&out_dir, force),
        Command::Keygen {
            out_dir,
            country,
            force,
            pkcs11: Some(uri),
            pkcs11_module,
            ..
        } => pkcs11::keygen(&uri, pkcs11_module, &out_dir, &country, force),
        Command::Keygen {
            out_dir,
            country,
            force,
            ..
        } => keygen::run(&out_dir, &country, force),
        Command::Issue(args) => issue::run(args),
        Command::Render(args) => render::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Trust { command } => trust::run(command),
        Command::Revoke(args) => revoke::run(args),
        Command::Inspect { input } => inspect::run(&input),
    }
}
