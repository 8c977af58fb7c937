//! `travelcert`: issue, verify and inspect travel health certificates.
//!
//! A thin layer over the library: argument parsing, files and exit codes only.
//! Exit codes: 0 success (accepted), 1 invalid certificate (or no code in an
//! image), 2 usage or I/O
//! error (including a refused trust or revocation list), 3 refused by the rules,
//! 4 needs review.
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
use travelcert::keys::PublicKey;
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::policy::{Moment, Outcome, Policy};
use travelcert::render::{self, CardOptions, EccLevel, QrMatrix, RenderOptions, Scale};
use travelcert::trust::{ListState, RevocationList, TrustList, TrustStore, TrustedKey};
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
    /// Generate an issuer key pair and a trust store holding its public key;
    /// with --reader, reader keys for encrypted certificates instead.
    Keygen {
        /// Directory for issuer.key.pem, issuer.pub.pem and trust.json (with
        /// --reader: reader.shared.json, reader.key.json and reader.pub.json).
        #[arg(long)]
        out_dir: PathBuf,
        /// The issuing country (ISO 3166-1 alpha-2) written into trust.json.
        #[arg(long, default_value = "XX")]
        country: String,
        /// Generate reader keys (FORMAT.md §13.4): a shared AES-256 key (mode 1)
        /// and an X25519 key pair whose public half is published (mode 2).
        #[arg(long)]
        reader: bool,
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
        #[arg(required_unless_present = "batch", conflicts_with = "batch")]
        record: Option<PathBuf>,
        /// Issue one certificate per line of this JSON Lines file (both cores).
        #[arg(long, requires = "out_dir")]
        batch: Option<PathBuf>,
        /// With --batch: where NNNNNN.txt (by line number) and report.jsonl go.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Allow infection history and recovery NATs in the certificate (minimum
        /// necessary data: without this flag a record carrying them is refused).
        #[arg(long)]
        include_history: bool,
        /// Encrypt the certificate for this reader key file: a shared key
        /// (mode 1, COSE_Encrypt0) or a reader's X25519 public key (mode 2).
        #[arg(long, conflicts_with = "batch")]
        encrypt_to: Option<PathBuf>,
        #[command(flatten)]
        outputs: QrOutputs,
        /// Write a printable certificate card (SVG, A6) to this file.
        #[arg(long, conflicts_with = "batch")]
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
    /// Verify a certificate offline and print it as JSON; with --policy, apply
    /// border rules and print the verdict (exit 0 accepted, 3 refused, 4 needs review).
    Verify {
        /// Trust data: a trust-store JSON file or a signed trust list (repeat to
        /// merge several countries). A signed list needs --root; its last
        /// sequence number is kept in FILE.state.json beside it.
        #[arg(long, required = true)]
        trust: Vec<PathBuf>,
        /// Root public key (SPKI PEM) that signs trust and revocation lists; repeatable.
        #[arg(long)]
        root: Vec<PathBuf>,
        /// A signed revocation list (state in FILE.state.json beside it).
        #[arg(long)]
        revocations: Option<PathBuf>,
        /// Border rules JSON (see examples/policies/).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Boarding time (RFC 3339), the reference moment for the rules' time windows.
        #[arg(long, requires = "policy")]
        boarding: Option<String>,
        /// Verify at this instant (RFC 3339); default now.
        #[arg(long)]
        at: Option<String>,
        /// Allowed clock skew in seconds.
        #[arg(long, default_value_t = 300)]
        skew: i64,
        /// A reader key file (shared or X25519 secret) to read encrypted
        /// certificates with; repeatable.
        #[arg(long)]
        reader_key: Vec<PathBuf>,
        /// Verify every *.txt in a directory, or every line of a file (both
        /// cores, batch signature verification); JSON Lines report on stdout.
        #[arg(long, conflicts_with_all = ["text", "text_file", "image"])]
        batch: Option<PathBuf>,
        /// Scan this PNG or JPEG image and verify every QR code found in it.
        #[arg(long, conflicts_with_all = ["text", "text_file"])]
        image: Option<PathBuf>,
        #[command(flatten)]
        input: TextInput,
    },
    /// Decode a certificate WITHOUT verifying anything.
    Inspect {
        #[command(flatten)]
        input: TextInput,
    },
    /// Signed trust lists: sign and inspect.
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Add certificate ids to a signed revocation list (created when absent) and re-sign it.
    Revoke {
        /// The revocation list file (read when it exists, then overwritten).
        #[arg(long)]
        list: PathBuf,
        /// The root's PKCS#8 PEM private key.
        #[arg(long)]
        root_key: PathBuf,
        /// A certificate to revoke as ISSUER:CTI_HEX (e.g. CN:0123456789abcdef); repeatable.
        #[arg(long)]
        certificate: Vec<String>,
        /// A revocation id to add (32 hex digits); repeatable.
        #[arg(long)]
        id: Vec<String>,
        /// Sequence number of the new list; default one more than the old list's (or 1).
        #[arg(long)]
        sequence: Option<u64>,
        /// Validity of the new list (e.g. 7d).
        #[arg(long, default_value = "7d")]
        valid_for: String,
        /// Issue time (RFC 3339); default now.
        #[arg(long)]
        issued_at: Option<String>,
    },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Sign a trust store JSON (or trust list JSON) as a trust list with a root key.
    Sign {
        /// The root's PKCS#8 PEM private key.
        #[arg(long)]
        root_key: PathBuf,
        /// The keys: trust-store JSON ({"keys": [...]}).
        #[arg(long)]
        keys: PathBuf,
        /// The list's sequence number (each new list needs a greater one).
        #[arg(long)]
        sequence: u64,
        /// Validity of the list (e.g. 30d).
        #[arg(long, default_value = "30d")]
        valid_for: String,
        /// Issue time (RFC 3339); default now.
        #[arg(long)]
        issued_at: Option<String>,
        /// A new root key (SPKI PEM) this list hands over to; repeatable.
        #[arg(long)]
        next_root: Vec<PathBuf>,
        /// Where to write the signed list.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print a signed trust list as JSON; with --root, check it first.
    Inspect {
        /// The signed list.
        list: PathBuf,
        /// Root public key (SPKI PEM); repeatable. Without one nothing is checked.
        #[arg(long)]
        root: Vec<PathBuf>,
        /// Check validity at this instant (RFC 3339); default now.
        #[arg(long)]
        at: Option<String>,
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

/// QR outputs of `issue` and `render`.
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
            if !f.message.is_empty() {
                eprintln!("{}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Keygen {
            out_dir,
            reader: true,
            ..
        } => reader::keygen(&out_dir),
        Command::Keygen {
            out_dir, country, ..
        } => keygen(&out_dir, &country),
        Command::Issue {
            key,
            issuer,
            valid_for,
            issued_at,
            id,
            record,
            batch,
            out_dir,
            outputs,
            card,
            include_history,
            encrypt_to,
        } => {
            let pem = read_text(&key)?;
            let signer = Ed25519Signer::from_pkcs8_pem(&pem)
                .map_err(|e| usage(format!("{}: {e}", key.display())))?;
            let country = CountryCode::new(&issuer).map_err(usage)?;
            let mut params =
                IssueParams::new(instant(issued_at.as_deref())?, duration(&valid_for)?);
            params.include_history = include_history;
            if let (Some(batch), Some(out_dir)) = (batch, out_dir) {
                if id.is_some() {
                    return Err(usage(
                        "--id cannot be used with --batch (ids must be unique)",
                    ));
                }
                if outputs.any() {
                    return Err(usage("--png/--svg cannot be used with --batch"));
                }
                return bulk::issue(&pem, country, &params, &batch, &out_dir);
            }
            let record_path =
                record.ok_or_else(|| usage("a RECORD file or --batch is required"))?;
            let record: HealthRecord = serde_json::from_str(&read_text(&record_path)?)
                .map_err(|e| usage(format!("{}: {e}", record_path.display())))?;
            if let Some(id) = id {
                let bytes = hex_bytes(&id)?;
                params = params.with_id(CertificateId::new(&bytes).map_err(usage)?);
            }
            let issuer = Issuer::new(signer, country);
            let issued = issuer.issue(&record, &params).map_err(usage)?;
            let text = match &encrypt_to {
                Some(path) => reader::encrypt(&issued.text, path)?,
                None => issued.text.clone(),
            };
            if outputs.any() || card.is_some() {
                // Refuses a certificate whose QR code would not fit.
                let options = outputs.options()?;
                let matrix = render::matrix(&text, &options).map_err(usage)?;
                outputs.write(&matrix, &options)?;
                if let Some(path) = &card {
                    let card_options = CardOptions {
                        qr: options,
                        ..CardOptions::default()
                    };
                    let svg = render::card_svg(&issued.certificate, &text, &card_options)
                        .map_err(usage)?;
                    write(path, svg.as_bytes())?;
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
            root,
            revocations,
            policy,
            boarding,
            at,
            skew,
            reader_key,
            batch,
            image,
            input,
        } => {
            let now = instant(at.as_deref())?;
            let roots = read_roots(&root)?;
            let mut store = TrustStore::new();
            for path in &trust {
                store.merge(load_trust(path, &roots, now)?);
            }
            let options = VerifyOptions {
                clock_skew: skew,
                ..VerifyOptions::default()
            };
            let mut verifier = Verifier::with_options(store, options)
                .with_reader_keys(reader::load_keys(&reader_key)?);
            if let Some(path) = &revocations {
                let bytes = read_bytes(path)?;
                let list = with_state(path, |state| state.load_revocations(&bytes, &roots, now))?;
                verifier = verifier.with_revocations(list);
            }
            if let Some(batch) = batch {
                if policy.is_some() {
                    return Err(usage("--policy cannot be used with --batch"));
                }
                return bulk::verify(&verifier, now, &batch);
            }
            if let Some(path) = image {
                if policy.is_some() {
                    return Err(usage("--policy cannot be used with --image"));
                }
                return verify_image(&verifier, &path, now);
            }
            let policy = match &policy {
                Some(path) => Some(
                    Policy::from_json(&read_bytes(path)?)
                        .map_err(|e| usage(format!("{}: {e}", path.display())))?,
                ),
                None => None,
            };
            let text = input.read()?;
            let verified = verifier.verify(&text, now).map_err(|e| Failure {
                code: 1,
                message: format!("invalid: {}: {e}", e.name()),
            })?;
            let Some(policy) = policy else {
                return print_json(&verified);
            };
            let mut moment = Moment::checking(now);
            if let Some(b) = boarding.as_deref() {
                moment = moment.with_boarding(Timestamp::parse_rfc3339(b).map_err(usage)?);
            }
            let verdict = policy.evaluate(&verified, moment);
            print_json(&verdict.view(verified.certificate()))?;
            eprintln!("{}", verdict.explain());
            match verdict.outcome {
                Outcome::Accepted => Ok(()),
                Outcome::Refused => Err(Failure {
                    code: 3,
                    message: "refused by the rules".to_owned(),
                }),
                _ => Err(Failure {
                    code: 4,
                    message: "needs review".to_owned(),
                }),
            }
        }
        Command::Trust { command } => trust_command(command),
        Command::Revoke {
            list,
            root_key,
            certificate,
            id,
            sequence,
            valid_for,
            issued_at,
        } => {
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

fn trust_command(command: TrustCommand) -> Result<(), Failure> {
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
            let fail = |e: travelcert::SignedListError| Failure {
                code: 1,
                message: format!("{}: {}: {e}", list.display(), e.name()),
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
fn load_trust(path: &Path, roots: &[PublicKey], now: Timestamp) -> Result<TrustStore, Failure> {
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
fn with_state<T>(
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

fn read_roots(paths: &[PathBuf]) -> Result<Vec<PublicKey>, Failure> {
    paths
        .iter()
        .map(|p| {
            PublicKey::from_spki_pem(&read_text(p)?)
                .map_err(|e| usage(format!("{}: {e}", p.display())))
        })
        .collect()
}

fn read_signer(path: &Path) -> Result<Ed25519Signer, Failure> {
    Ed25519Signer::from_pkcs8_pem(&read_text(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
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
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
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

/// Bulk issuing and verifying: the input and output files, the split over
/// the cores, the progress bar and the summary. Issuing and verifying
/// themselves are the library's (`Issuer::issue`, `Verifier::verify_batch`).
mod bulk {
    use std::collections::BTreeMap;
    use std::io::{IsTerminal, Write};
    use std::path::Path;
    use std::time::Instant;

    use indicatif::{ProgressBar, ProgressStyle};
    use serde_json::json;
    use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
    use travelcert::model::{CountryCode, HealthRecord, Timestamp};
    use travelcert::verify::Verifier;

    use super::{read_text, usage, write, Failure};

    /// Certificates per `verify_batch` call.
    const CHUNK: usize = 64;

    fn threads() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// A progress bar on a terminal, nothing when stderr is piped.
    fn progress(len: usize, what: &str) -> ProgressBar {
        if !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{pos}}/{{len}} {{per_sec}} eta {{eta}}"
        )) {
            bar.set_style(style);
        }
        bar
    }

    /// Splits `items` into one contiguous part per core, runs `f` on each part
    /// on its own thread, and joins the results in input order.
    fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
        let per = items.len().div_ceil(threads()).max(1);
        let f = &f;
        std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .chunks(per)
                .map(|part| scope.spawn(move || f(part)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    fn summary(what: &str, total: usize, errors: &BTreeMap<String, usize>, started: Instant) {
        let failed: usize = errors.values().sum();
        let secs = started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
        eprintln!(
            "{what}: {total} in all, {} ok, {failed} failed, {secs:.2} s ({rate:.0} per second)",
            total - failed
        );
        for (kind, n) in errors {
            eprintln!("  {kind}: {n}");
        }
    }

    /// `issue --batch RECORDS.jsonl --out-dir DIR`.
    pub(super) fn issue(
        pem: &str,
        country: CountryCode,
        params: &IssueParams,
        input: &Path,
        out_dir: &Path,
    ) -> Result<(), Failure> {
        let text = read_text(input)?;
        std::fs::create_dir_all(out_dir)
            .map_err(|e| usage(format!("{}: {e}", out_dir.display())))?;
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty())
            .collect();
        let started = Instant::now();
        let bar = progress(lines.len(), "issuing");
        let results = parallel(&lines, |part| {
            // One issuer per thread: it reuses its compressor.
            let signer = match Ed25519Signer::from_pkcs8_pem(pem) {
                Ok(s) => s,
                Err(e) => return part.iter().map(|(n, _)| (*n, Err(e.to_string()))).collect(),
            };
            let issuer = Issuer::new(signer, country);
            part.iter()
                .map(|(n, line)| {
                    let result = serde_json::from_str::<HealthRecord>(line)
                        .map_err(|e| format!("record JSON: {e}"))
                        .and_then(|r| issuer.issue(&r, params).map_err(|e| e.to_string()))
                        .and_then(|issued| {
                            let file = format!("{n:06}.txt");
                            std::fs::write(out_dir.join(&file), format!("{}\n", issued.text))
                                .map_err(|e| format!("{file}: {e}"))?;
                            Ok(json!({"line": n, "ok": true, "file": file,
                                "certificate_id": issued.certificate.certificate_id.to_string(),
                                "characters": issued.text.len()}))
                        });
                    bar.inc(1);
                    (*n, result)
                })
                .collect()
        });
        bar.finish_and_clear();
        let mut report = String::new();
        let mut errors: BTreeMap<String, usize> = BTreeMap::new();
        for (line, result) in &results {
            let entry = match result {
                Ok(entry) => entry.clone(),
                Err(e) => {
                    *errors.entry("invalid record".to_owned()).or_default() += 1;
                    json!({"line": line, "ok": false, "error": e})
                }
            };
            report.push_str(&entry.to_string());
            report.push('\n');
        }
        let report_path = out_dir.join("report.jsonl");
        write(&report_path, report.as_bytes())?;
        summary("issued", results.len(), &errors, started);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Failure {
                code: 1,
                message: format!("see {}", report_path.display()),
            })
        }
    }

    /// `verify --batch DIR_OR_FILE`.
    pub(super) fn verify(verifier: &Verifier, now: Timestamp, input: &Path) -> Result<(), Failure> {
        let sources: Vec<(String, String)> = if input.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(input)
                .map_err(|e| usage(format!("{}: {e}", input.display())))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            files.sort();
            files
                .into_iter()
                .map(|p| Ok((p.display().to_string(), read_text(&p)?.trim().to_owned())))
                .collect::<Result<_, Failure>>()?
        } else {
            read_text(input)?
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    (
                        format!("{}:{}", input.display(), i + 1),
                        l.trim().to_owned(),
                    )
                })
                .collect()
        };
        let started = Instant::now();
        let bar = progress(sources.len(), "verifying");
        let results = parallel(&sources, |part| {
            part.chunks(CHUNK)
                .flat_map(|chunk| {
                    let texts: Vec<&str> = chunk.iter().map(|(_, t)| t.as_str()).collect();
                    let results = verifier.verify_batch(&texts, now);
                    bar.inc(chunk.len() as u64);
                    results
                })
                .collect()
        });
        bar.finish_and_clear();
        let mut errors: BTreeMap<String, usize> = BTreeMap::new();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for ((source, _), result) in sources.iter().zip(&results) {
            let entry = match result {
                Ok(v) => json!({"source": source, "valid": true,
                                "issuer": v.certificate().issuer.to_string(),
                                "certificate_id": v.certificate().certificate_id.to_string()}),
                Err(e) => {
                    *errors.entry(e.name().to_owned()).or_default() += 1;
                    json!({"source": source, "valid": false, "error": e.name(),
                           "message": e.to_string()})
                }
            };
            writeln!(out, "{entry}").map_err(|e| usage(format!("standard output: {e}")))?;
        }
        summary("verified", results.len(), &errors, started);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Failure {
                code: 1,
                message: String::new(),
            })
        }
    }
}

/// Reader keys for encrypted certificates (issue 9, FORMAT.md §13): key files
/// in, library calls out.
mod reader {
    use std::path::{Path, PathBuf};

    use travelcert::encrypt::keys::{ReaderSecretKey, SharedKey};
    use travelcert::encrypt::{encrypt_text, ReaderKey, ReaderKeys, Recipient};

    use super::{read_bytes, usage, write, write_secret, Failure};

    /// `keygen --reader --out-dir DIR`.
    pub(super) fn keygen(dir: &Path) -> Result<(), Failure> {
        let shared = SharedKey::generate().map_err(usage)?;
        let pair = ReaderSecretKey::generate().map_err(usage)?;
        std::fs::create_dir_all(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
        write_secret(
            &dir.join("reader.shared.json"),
            format!("{}\n", shared.to_json().as_str()).as_bytes(),
        )?;
        write_secret(
            &dir.join("reader.key.json"),
            format!("{}\n", pair.to_json().as_str()).as_bytes(),
        )?;
        write(
            &dir.join("reader.pub.json"),
            format!("{}\n", pair.public_key().to_json()).as_bytes(),
        )?;
        println!(
            "shared reader key {} (mode 1) and X25519 reader key {} (mode 2) written to {}",
            shared.kid(),
            pair.kid(),
            dir.display()
        );
        Ok(())
    }

    /// `issue --encrypt-to FILE`.
    pub(super) fn encrypt(text: &str, path: &Path) -> Result<String, Failure> {
        let to = Recipient::from_json(&read_bytes(path)?)
            .map_err(|e| usage(format!("{}: {e}", path.display())))?;
        encrypt_text(text, &to).map_err(usage)
    }

    /// `verify --reader-key FILE ...`.
    pub(super) fn load_keys(paths: &[PathBuf]) -> Result<ReaderKeys, Failure> {
        paths
            .iter()
            .map(|p| {
                ReaderKey::from_json(&read_bytes(p)?)
                    .map_err(|e| usage(format!("{}: {e}", p.display())))
            })
            .collect()
    }
}
