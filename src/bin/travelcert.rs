//! `travelcert`: issue, verify and inspect travel health certificates.
//!
//! A thin layer over the library: argument parsing, files and exit codes only.
//! Exit codes: 0 success, 1 invalid certificate (or no code in an image), 2 usage or I/O error.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer, Signer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::render::{self, CardOptions, EccLevel, QrMatrix, RenderOptions, Scale};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::{inspect, Verifier, VerifyOptions};

#[derive(Parser)]
#[command(
    name = "travelcert",
    version,
    about = "Offline signed QR travel health certificates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an issuer key pair and a trust store holding its public key.
    Keygen {
        /// Directory for issuer.key.pem, issuer.pub.pem and trust.json.
        #[arg(long)]
        out_dir: PathBuf,
        /// The issuing country (ISO 3166-1 alpha-2) written into trust.json.
        #[arg(long, default_value = "XX")]
        country: String,
    },
    /// Issue a certificate from a record JSON file and print its text.
    Issue {
        /// The issuer's PKCS#8 PEM private key.
        #[arg(long)]
        key: PathBuf,
        /// The issuing country (ISO 3166-1 alpha-2).
        #[arg(long)]
        issuer: String,
        /// Validity: seconds, or a number with s, m, h or d (e.g. 48h).
        #[arg(long, default_value = "48h")]
        valid_for: String,
        /// Issue time (RFC 3339); default now.
        #[arg(long)]
        issued_at: Option<String>,
        /// Certificate id, 8 to 16 bytes in hex; default 8 random bytes.
        #[arg(long)]
        id: Option<String>,
        /// The health record JSON (FORMAT.md, "Record JSON").
        record: PathBuf,
        #[command(flatten)]
        outputs: QrOutputs,
        /// Write a printable certificate card (SVG, A6) to this file.
        #[arg(long)]
        card: Option<PathBuf>,
    },
    /// Render a certificate text as a QR code (terminal when no file is given).
    Render {
        #[command(flatten)]
        input: TextInput,
        #[command(flatten)]
        outputs: QrOutputs,
        /// Also print the code to the terminal (Unicode half blocks).
        #[arg(long)]
        terminal: bool,
    },
    /// Verify a certificate offline and print it as JSON.
    Verify {
        /// Trust store JSON file.
        #[arg(long)]
        trust: PathBuf,
        /// Verify at this instant (RFC 3339); default now.
        #[arg(long)]
        at: Option<String>,
        /// Allowed clock skew in seconds.
        #[arg(long, default_value_t = 300)]
        skew: i64,
        #[command(flatten)]
        input: TextInput,
        /// Scan this PNG or JPEG image and verify every QR code found in it.
        #[arg(long, conflicts_with_all = ["text", "text_file"])]
        image: Option<PathBuf>,
    },
    /// Decode a certificate WITHOUT verifying anything.
    Inspect {
        #[command(flatten)]
        input: TextInput,
    },
}

#[derive(Args)]
struct TextInput {
    /// The certificate text; read from --text-file or standard input when absent.
    text: Option<String>,
    /// Read the certificate text from this file.
    #[arg(long, conflicts_with = "text")]
    text_file: Option<PathBuf>,
}

// --- QR outputs (issue 4) ---
#[derive(Args)]
struct QrOutputs {
    /// Write the QR code as PNG to this file.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Write the QR code as SVG to this file.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Pixels per module of the PNG.
    #[arg(long, default_value_t = 8)]
    pixels_per_module: u32,
    /// Error-correction level: L, M, Q or H.
    #[arg(long, default_value = "Q")]
    ecc: String,
    /// The largest QR version allowed (1 to 40).
    #[arg(long, default_value_t = 25)]
    max_version: u8,
}

impl QrOutputs {
    fn options(&self) -> Result<RenderOptions, Failure> {
        let ecc = match self.ecc.as_str() {
            "L" | "l" => EccLevel::L,
            "M" | "m" => EccLevel::M,
            "Q" | "q" => EccLevel::Q,
            "H" | "h" => EccLevel::H,
            other => return Err(usage(format!("--ecc {other}: expected L, M, Q or H"))),
        };
        Ok(RenderOptions {
            ecc,
            max_version: self.max_version,
            scale: Scale::PixelsPerModule(self.pixels_per_module),
            ..RenderOptions::default()
        })
    }

    fn any(&self) -> bool {
        self.png.is_some() || self.svg.is_some()
    }

    /// Writes the requested files for an encoded matrix.
    fn write(&self, matrix: &QrMatrix, options: &RenderOptions) -> Result<(), Failure> {
        if let Some(path) = &self.png {
            write(path, &render::matrix_png(matrix, options).map_err(usage)?)?;
        }
        if let Some(path) = &self.svg {
            write(
                path,
                render::matrix_svg(matrix, options)
                    .map_err(usage)?
                    .as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// A failure and its exit code.
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: 2,
        message: message.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Keygen { out_dir, country } => keygen(&out_dir, &country),
        Command::Issue {
            key,
            issuer,
            valid_for,
            issued_at,
            id,
            record,
            outputs,
            card,
        } => {
            let signer = Ed25519Signer::from_pkcs8_pem(&read_text(&key)?)
                .map_err(|e| usage(format!("{}: {e}", key.display())))?;
            let country = CountryCode::new(&issuer).map_err(usage)?;
            let record: HealthRecord = serde_json::from_str(&read_text(&record)?)
                .map_err(|e| usage(format!("{}: {e}", record.display())))?;
            let mut params =
                IssueParams::new(instant(issued_at.as_deref())?, duration(&valid_for)?);
            if let Some(id) = id {
                let bytes = hex_bytes(&id)?;
                params = params.with_id(CertificateId::new(&bytes).map_err(usage)?);
            }
            let issuer = Issuer::new(signer, country);
            if !outputs.any() && card.is_none() {
                let issued = issuer.issue(&record, &params).map_err(usage)?;
                println!("{}", issued.text);
                return Ok(());
            }
            // Rendering: refuses a certificate whose QR code would not fit.
            let options = outputs.options()?;
            let rendered =
                render::issue_rendered(&issuer, &record, &params, &options).map_err(usage)?;
            outputs.write(&rendered.matrix, &options)?;
            if let Some(path) = &card {
                let card_options = CardOptions {
                    qr: options,
                    ..CardOptions::default()
                };
                let svg = render::card_svg(
                    &rendered.issued.certificate,
                    &rendered.issued.text,
                    &card_options,
                )
                .map_err(usage)?;
                write(path, svg.as_bytes())?;
            }
            println!("{}", rendered.issued.text);
            eprintln!(
                "QR version {} (ECC {}), {} characters",
                rendered.matrix.version(),
                rendered.matrix.ecc(),
                rendered.issued.text.len()
            );
            Ok(())
        }
        Command::Render {
            input,
            outputs,
            terminal,
        } => {
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
        Command::Verify {
            trust,
            at,
            skew,
            input,
            image,
        } => {
            let store = TrustStore::from_json(&read_bytes(&trust)?)
                .map_err(|e| usage(format!("{}: {e}", trust.display())))?;
            let options = VerifyOptions {
                clock_skew: skew,
                ..VerifyOptions::default()
            };
            let verifier = Verifier::with_options(store, options);
            let now = instant(at.as_deref())?;
            if let Some(path) = image {
                return verify_image(&verifier, &path, now);
            }
            let text = input.read()?;
            let verified = verifier.verify(&text, now).map_err(|e| Failure {
                code: 1,
                message: format!("invalid: {}: {e}", e.name()),
            })?;
            print_json(&verified)
        }
        Command::Inspect { input } => {
            let text = input.read()?;
            let unverified =
                inspect(&text, VerifyOptions::default().inflate_limit).map_err(|e| Failure {
                    code: 1,
                    message: format!("undecodable: {}: {e}", e.name()),
                })?;
            eprintln!("NOT VERIFIED: decoded without checking signature, trust or validity");
            print_json(&unverified)
        }
    }
}

/// Scans an image and verifies every code in it: a JSON array on stdout with
/// one entry per code; exit 1 when no code is found or any code is invalid.
fn verify_image(verifier: &Verifier, path: &Path, now: Timestamp) -> Result<(), Failure> {
    let texts = travelcert::scan::scan(&read_bytes(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    if texts.is_empty() {
        return Err(Failure {
            code: 1,
            message: format!("invalid: no QR code found in {}", path.display()),
        });
    }
    let mut entries = Vec::new();
    let mut invalid = Vec::new();
    for text in &texts {
        match verifier.verify(text, now) {
            Ok(verified) => {
                entries.push(serde_json::json!({ "text": text, "valid": true, "result": verified }))
            }
            Err(e) => {
                invalid.push(format!("invalid: {}: {e}", e.name()));
                entries.push(serde_json::json!({ "text": text, "valid": false, "error": e.name(), "message": e.to_string() }));
            }
        }
    }
    print_json(&entries)?;
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: invalid.join("\n"),
        })
    }
}

fn keygen(dir: &Path, country: &str) -> Result<(), Failure> {
    let country = CountryCode::new(country).map_err(usage)?;
    let signer = Ed25519Signer::generate().map_err(usage)?;
    let public = signer.public_key();
    fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    let secret = signer.to_pkcs8_pem().map_err(usage)?;
    write_secret(&dir.join("issuer.key.pem"), secret.as_bytes())?;
    write(&dir.join("issuer.pub.pem"), public.to_spki_pem().as_bytes())?;
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(public.clone(), country));
    write(&dir.join("trust.json"), (store.to_json() + "\n").as_bytes())?;
    println!(
        "kid {} for {country} written to {}",
        public.kid(),
        dir.display()
    );
    Ok(())
}

impl TextInput {
    /// The certificate text with surrounding whitespace removed.
    fn read(&self) -> Result<String, Failure> {
        let text = match (&self.text, &self.text_file) {
            (Some(t), _) => t.clone(),
            (None, Some(path)) => read_text(path)?,
            (None, None) => {
                let mut s = String::new();
                std::io::stdin()
                    .take(1 << 20)
                    .read_to_string(&mut s)
                    .map_err(|e| usage(format!("standard input: {e}")))?;
                s
            }
        };
        Ok(text.trim().to_owned())
    }
}

fn instant(text: Option<&str>) -> Result<Timestamp, Failure> {
    text.map_or(Ok(Timestamp::now()), |t| {
        Timestamp::parse_rfc3339(t).map_err(usage)
    })
}

/// `3600`, `3600s`, `60m`, `48h`, `2d` → seconds.
fn duration(text: &str) -> Result<i64, Failure> {
    let bad = || {
        usage(format!(
            "`{text}` is not a duration such as 48h, 2d, 90m or 3600"
        ))
    };
    let (digits, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (text.get(..i).unwrap_or(""), c),
        _ => (text, 's'),
    };
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).filter(|s| *s > 0).ok_or_else(bad)
}

fn hex_bytes(text: &str) -> Result<Vec<u8>, Failure> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(usage(format!("`{text}` is not hexadecimal")));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| usage(format!("`{text}` is not hexadecimal")))
        })
        .collect()
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn read_text(path: &Path) -> Result<String, Failure> {
    fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    fs::write(path, bytes).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Writes a secret key file readable by its owner only (on Unix).
fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        usage(format!(
            "{}: {e} (keygen never overwrites a key)",
            path.display()
        ))
    })?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(usage)?;
    println!("{json}");
    Ok(())
}
