//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "travelcert",
    version,
    about = "Offline signed QR travel health certificates"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        #[arg(long, conflicts_with = "pkcs11")]
        reader: bool,
        /// Generate the issuer key pair inside a PKCS#11 token instead, named by
        /// this URI (pkcs11:token=…;object=…?module-path=…&pin-source=file:…);
        /// only issuer.pub.pem and trust.json are written (docs/pkcs11.md).
        #[arg(long, value_name = "URI")]
        pkcs11: Option<String>,
        /// The PKCS#11 module when the URI has no module-path (default
        /// $TRAVELCERT_PKCS11_MODULE).
        #[arg(long, requires = "pkcs11")]
        pkcs11_module: Option<PathBuf>,
        /// Replace existing public outputs (issuer.pub.pem, trust.json,
        /// reader.pub.json); private keys are never overwritten.
        #[arg(long)]
        force: bool,
    },
    /// Issue a certificate from a record JSON file and print its text.
    Issue(IssueArgs),
    /// Render a certificate text as a QR code (terminal when no file is given).
    Render(RenderArgs),
    /// Verify a certificate offline and print it as JSON; with --policy, apply
    /// border rules and print the verdict (exit 0 accepted, 3 refused, 4 needs review).
    Verify(VerifyArgs),
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
    Revoke(RevokeArgs),
}

// `travelcert issue`.
#[derive(Args)]
pub(crate) struct IssueArgs {
    /// The issuer's PKCS#8 PEM private key, or a pkcs11: URI naming a key in a
    /// token (the PIN from the URI's pin-source or $TRAVELCERT_PKCS11_PIN).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The PKCS#11 module when the --key URI has no module-path (default
    /// $TRAVELCERT_PKCS11_MODULE).
    #[arg(long)]
    pub(crate) pkcs11_module: Option<PathBuf>,
    /// The issuing country (ISO 3166-1 alpha-2).
    #[arg(long)]
    pub(crate) issuer: String,
    /// Validity: seconds, or a number with s, m, h or d (e.g. 48h).
    #[arg(long, default_value = "48h")]
    pub(crate) valid_for: String,
    /// Issue time (RFC 3339); default now.
    #[arg(long)]
    pub(crate) issued_at: Option<String>,
    /// Certificate id, 8 to 16 bytes in hex; default 8 random bytes.
    #[arg(long)]
    pub(crate) id: Option<String>,
    /// The health record JSON (FORMAT.md, "Record JSON").
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub(crate) record: Option<PathBuf>,
    /// Issue one certificate per line of this JSON Lines file (both cores).
    #[arg(long, requires = "out_dir")]
    pub(crate) batch: Option<PathBuf>,
    /// With --batch: where NNNNNN.txt (by line number) and report.jsonl go.
    #[arg(long)]
    pub(crate) out_dir: Option<PathBuf>,
    /// Allow infection history and recovery NATs in the certificate (minimum
    /// necessary data: without this flag a record carrying them is refused).
    #[arg(long)]
    pub(crate) include_history: bool,
    /// Compress with the format's preset dictionary (FORMAT.md §3.1): a
    /// shorter text, often one QR version smaller, read only by verifiers
    /// that know the dictionary (travelcert from this release on).
    #[arg(long)]
    pub(crate) dictionary: bool,
    /// Encrypt the certificate for this reader key file: a shared key
    /// (mode 1, COSE_Encrypt0) or a reader's X25519 public key (mode 2).
    #[arg(long, conflicts_with = "batch")]
    pub(crate) encrypt_to: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) outputs: QrOutputs,
    /// Write a printable certificate card (SVG, A6) to this file.
    #[arg(long, conflicts_with = "batch")]
    pub(crate) card: Option<PathBuf>,
    /// Write the printable card as PDF, fonts embedded, to this file.
    #[arg(long, conflicts_with = "batch")]
    pub(crate) card_pdf: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) card_style: CardStyle,
    /// Overwrite existing output files (--png, --svg, --card, --card-pdf, --batch outputs).
    #[arg(long)]
    pub(crate) force: bool,
}

// `travelcert render`.
#[derive(Args)]
pub(crate) struct RenderArgs {
    #[command(flatten)]
    pub(crate) input: TextInput,
    #[command(flatten)]
    pub(crate) outputs: QrOutputs,
    /// Also print the code to the terminal (Unicode half blocks).
    #[arg(long)]
    pub(crate) terminal: bool,
    /// Write the printable card as PDF to this file (the summary is decoded
    /// from the text without verifying it).
    #[arg(long)]
    pub(crate) pdf: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) card_style: CardStyle,
    /// Overwrite existing output files.
    #[arg(long)]
    pub(crate) force: bool,
}

// `travelcert verify`.
#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// Trust data (repeat to merge several countries). With --root: a signed
    /// trust list that a root verifies (an unsigned JSON store is refused).
    /// Without --root: a trust-store JSON file.
    #[arg(long, required_unless_present_any = ["dsc", "shc_issuer"])]
    pub(crate) trust: Vec<PathBuf>,
    /// Document signer certificates for EU DCC / WHO DDCC (`HC1:`)
    /// certificates: PEM, DER or the EU gateway trust-list JSON; repeatable.
    /// With --root, only DSCs that chain to a --csca are accepted (a bare DSC
    /// file is refused; DSCs may also come inside the signed trust lists).
    #[arg(long)]
    pub(crate) dsc: Vec<PathBuf>,
    /// A SMART Health Card issuer and its key set (JWKS, as published at
    /// URL/.well-known/jwks.json) as URL=FILE; repeatable. Refused when
    /// --root is given (key sets must then come signed).
    #[arg(long, value_name = "URL=JWKS_FILE")]
    pub(crate) shc_issuer: Vec<String>,
    /// A SMART Health Card revocation list (crl/KID.json, method rid) of a
    /// key in an --shc-issuer key set; repeatable.
    #[arg(long, requires = "shc_issuer")]
    pub(crate) shc_crl: Vec<PathBuf>,
    /// Country signing CA certificate (PEM or DER) the --dsc certificates
    /// must chain to, as FILE or DE=FILE (only DSCs of those countries);
    /// repeatable.
    #[arg(long, value_name = "[CC,..=]FILE")]
    pub(crate) csca: Vec<String>,
    /// Root public key (SPKI PEM) that signs trust and revocation lists, as
    /// FILE (any country) or CN,HK=FILE (only those countries' keys and
    /// certificates); repeatable.
    #[arg(long, value_name = "[CC,..=]FILE")]
    pub(crate) root: Vec<String>,
    /// A signed revocation list (needs --root).
    #[arg(long)]
    pub(crate) revocations: Option<PathBuf>,
    /// The directory where list state (sequence numbers, rotated roots) is
    /// kept; default $XDG_STATE_HOME/travelcert, else ~/.local/state/travelcert.
    #[arg(long)]
    pub(crate) state_dir: Option<PathBuf>,
    /// Border rules JSON (see examples/policies/).
    #[arg(long)]
    pub(crate) policy: Option<PathBuf>,
    /// Boarding time (RFC 3339), the reference moment for the rules' time windows.
    #[arg(long, requires = "policy")]
    pub(crate) boarding: Option<String>,
    /// Verify at this instant (RFC 3339); default now.
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// Allowed clock skew in seconds (0 to 86400).
    #[arg(long, default_value_t = 300,
          value_parser = clap::value_parser!(i64).range(0..=86_400))]
    pub(crate) skew: i64,
    /// A reader key file (shared or X25519 secret) to read encrypted
    /// certificates with; repeatable.
    #[arg(long)]
    pub(crate) reader_key: Vec<PathBuf>,
    /// Verify every *.txt in a directory, or every line of a file (both
    /// cores, batch signature verification); JSON Lines report on stdout.
    #[arg(long, conflicts_with_all = ["text", "text_file", "image"])]
    pub(crate) batch: Option<PathBuf>,
    /// Scan this PNG or JPEG image and verify every QR code found in it.
    #[arg(long, conflicts_with_all = ["text", "text_file"])]
    pub(crate) image: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) input: TextInput,
}

// `travelcert revoke`.
#[derive(Args)]
pub(crate) struct RevokeArgs {
    /// The revocation list file (read when it exists, then overwritten).
    #[arg(long)]
    pub(crate) list: PathBuf,
    /// The root's PKCS#8 PEM private key.
    #[arg(long)]
    pub(crate) root_key: PathBuf,
    /// A certificate to revoke as ISSUER:CTI_HEX (e.g. CN:0123456789abcdef); repeatable.
    #[arg(long)]
    pub(crate) certificate: Vec<String>,
    /// A revocation id to add (32 hex digits); repeatable.
    #[arg(long)]
    pub(crate) id: Vec<String>,
    /// Sequence number of the new list; default one more than the old list's (or 1).
    #[arg(long)]
    pub(crate) sequence: Option<u64>,
    /// Validity of the new list (e.g. 7d).
    #[arg(long, default_value = "7d")]
    pub(crate) valid_for: String,
    /// Issue time (RFC 3339); default now.
    #[arg(long)]
    pub(crate) issued_at: Option<String>,
    /// The directory where the last sequence signed is kept (the old list
    /// must not be older); default as for `verify`.
    #[arg(long)]
    pub(crate) state_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum TrustCommand {
    /// Sign a trust store JSON (or trust list JSON) as a trust list with a root key.
    Sign {
        /// The root's PKCS#8 PEM private key.
        #[arg(long)]
        root_key: PathBuf,
        /// The keys: trust-store JSON ({"keys": [...]}); optional when --dsc
        /// or --shc-issuer is given.
        #[arg(long, required_unless_present_any = ["dsc", "shc_issuer"])]
        keys: Option<PathBuf>,
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
        /// Document signer certificates to list for `HC1:` certificates (PEM,
        /// DER or the EU gateway JSON), as FILE (country from the gateway
        /// entry or the certificate's subject) or DE=FILE; repeatable.
        #[arg(long, value_name = "[CC=]FILE")]
        dsc: Vec<String>,
        /// A SMART Health Card issuer to list, with the country whose root
        /// scope it falls under and its key set (JWKS file), as
        /// CC,URL=JWKS_FILE; repeatable.
        #[arg(long, value_name = "CC,URL=JWKS_FILE")]
        shc_issuer: Vec<String>,
        /// A SMART Health Card revocation list (crl/KID.json) to list with the
        /// --shc-issuer whose key set has its key; repeatable.
        #[arg(long, requires = "shc_issuer")]
        shc_crl: Vec<PathBuf>,
        /// Where to write the signed list.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing --out file.
        #[arg(long)]
        force: bool,
    },
    /// Print a signed trust list as JSON; with --root, check it first.
    Inspect {
        /// The signed list.
        list: PathBuf,
        /// Root public key (SPKI PEM) as FILE or CN,HK=FILE; repeatable.
        /// Without one nothing is checked.
        #[arg(long, value_name = "[CC,..=]FILE")]
        root: Vec<String>,
        /// Check validity at this instant (RFC 3339); default now.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Args)]
pub(crate) struct TextInput {
    /// The certificate text; read from --text-file or standard input when
    /// absent. `verify` and `inspect` take several: the chunks of one SMART
    /// Health Card (`shc:/i/n/…`, any order).
    pub(crate) text: Vec<String>,
    /// Read the certificate text from this file (`verify`, `inspect`: one
    /// text per line, or a `.smart-health-card` file).
    #[arg(long, conflicts_with = "text")]
    pub(crate) text_file: Option<PathBuf>,
}

/// How `issue` and `render` print the card.
#[derive(Args)]
pub(crate) struct CardStyle {
    /// Card label languages in print order, comma-separated: ar, en, es, fr,
    /// ru, zh (e.g. zh,en for the Chinese and English card).
    #[arg(long, value_delimiter = ',', default_value = "en")]
    pub(crate) card_lang: Vec<String>,
    /// Paper of the PDF card: a6 (the card) or a4 (the card on an A4 page).
    #[arg(long, default_value = "a6")]
    pub(crate) card_paper: String,
    /// A font file for the PDF card besides the system fonts (repeatable).
    #[arg(long)]
    pub(crate) font: Vec<PathBuf>,
}

/// QR outputs of `issue` and `render`.
#[derive(Args)]
pub(crate) struct QrOutputs {
    /// Write the QR code as PNG to this file.
    #[arg(long)]
    pub(crate) png: Option<PathBuf>,
    /// Write the QR code as SVG to this file.
    #[arg(long)]
    pub(crate) svg: Option<PathBuf>,
    /// Pixels per module of the PNG.
    #[arg(long, default_value_t = 8)]
    pub(crate) pixels_per_module: u32,
    /// Error-correction level: L, M, Q or H.
    #[arg(long, default_value = "Q")]
    pub(crate) ecc: String,
    /// The largest QR version allowed (1 to 40).
    #[arg(long, default_value_t = 25)]
    pub(crate) max_version: u8,
}
