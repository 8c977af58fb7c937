//! `keygen --pkcs11` and `issue --key pkcs11:…` against SoftHSM2 (`softhsm2`,
//! `pkcs11-tool` from `opensc`). Each test has its own SoftHSM configuration
//! and tokens in its workspace; every command gets it through `SOFTHSM2_CONF`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{arg, ok, repo, stderr, workspace};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";

struct Hsm {
    dir: PathBuf,
}

impl Hsm {
    /// A workspace with a SoftHSM configuration and one token per label.
    fn new(name: &str, tokens: &[&str]) -> Self {
        assert!(
            Path::new(MODULE).exists(),
            "SoftHSM2 is missing: apt-get install softhsm2 opensc"
        );
        let dir = workspace(name);
        std::fs::create_dir_all(dir.join("tokens")).unwrap();
        std::fs::write(
            dir.join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.join("tokens").display()
            ),
        )
        .unwrap();
        std::fs::write(dir.join("pin.txt"), format!("{PIN}\n")).unwrap();
        std::fs::write(dir.join("wrong-pin.txt"), "4321\n").unwrap();
        let hsm = Self { dir };
        for label in tokens {
            hsm.tool(
                "softhsm2-util",
                &[
                    "--init-token",
                    "--free",
                    "--label",
                    label,
                    "--pin",
                    PIN,
                    "--so-pin",
                    "5678",
                ],
            );
        }
        hsm
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("SOFTHSM2_CONF", self.dir.join("softhsm2.conf"))
            .env_remove("TRAVELCERT_PKCS11_PIN")
            .env_remove("TRAVELCERT_PKCS11_MODULE")
            .current_dir(&self.dir);
        command
    }

    fn tool(&self, program: &str, args: &[&str]) -> String {
        let out = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e} (apt-get install softhsm2 opensc)"));
        ok(&out)
    }

    fn keypair(&self, token: &str, label: &str, id: &str, key_type: &str) {
        self.tool(
            "pkcs11-tool",
            &[
                "--module",
                MODULE,
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
                "--keypairgen",
                "--key-type",
                key_type,
                "--label",
                label,
                "--id",
                id,
            ],
        );
    }

    /// `travelcert ARGS` with this HSM's configuration and extra environment.
    fn travelcert(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let exe = env!("CARGO_BIN_EXE_travelcert");
        let mut command = self.command(exe);
        command.args(args);
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    }

    /// The URI of `object` on `token`, with module-path and pin-source.
    fn uri(&self, token: &str, object: &str, pin_file: &str) -> String {
        format!(
            "pkcs11:token={token};object={object}?module-path={MODULE}&pin-source=file:{}",
            self.dir.join(pin_file).display()
        )
    }

    fn issue(&self, key: &str, env: &[(&str, &str)], extra: &[&str]) -> Output {
        let record = repo("examples/data/traveller.json");
        let mut args = vec!["issue", "--key", key, "--issuer", "CN"];
        args.extend_from_slice(extra);
        args.push(&record);
        self.travelcert(&args, env)
    }

    fn verify(&self, trust: &Path, text: &str) {
        let out = self.travelcert(&["verify", "--trust", &arg(trust), text.trim()], &[]);
        let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
        assert_eq!(json["certificate"]["issuer"], "CN");
    }
}

#[test]
fn keygen_in_the_token_then_issue_and_verify() {
    let hsm = Hsm::new("pkcs11-keygen", &["travelcert"]);
    let uri = hsm.uri("travelcert", "issuer", "pin.txt");
    let keys = hsm.dir.join("keys");
    let out = hsm.travelcert(
        &[
            "keygen",
            "--pkcs11",
            &uri,
            "--out-dir",
            &arg(&keys),
            "--country",
            "CN",
        ],
        &[],
    );
    let printed = ok(&out);
    assert!(printed.contains("for CN written to"), "{printed}");
    let mut written: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    // Only the public half leaves the token.
    assert_eq!(written, ["issuer.pub.pem", "trust.json"]);
    let objects = hsm.tool(
        "pkcs11-tool",
        &[
            "--module",
            MODULE,
            "--token-label",
            "travelcert",
            "--login",
            "--pin",
            PIN,
            "-O",
        ],
    );
    let private = objects
        .split("Private Key Object")
        .nth(1)
        .expect("a private key object");
    assert!(private.contains("EC_EDWARDS"), "{objects}");
    assert!(
        private.contains("sensitive") && private.contains("never extractable"),
        "{objects}"
    );

    let cert = ok(&hsm.issue(&uri, &[], &[]));
    assert!(cert.starts_with("TC1:"));
    hsm.verify(&keys.join("trust.json"), &cert);

    // A second keygen under the same label is refused, and writes nothing.
    let again = hsm.dir.join("again");
    let out = hsm.travelcert(
        &[
            "keygen",
            "--pkcs11",
            &uri,
            "--out-dir",
            &arg(&again),
            "--country",
            "CN",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Pkcs11KeyExists"), "{}", stderr(&out));
    assert!(!again.join("trust.json").exists());

    // --batch on both cores through one session pool.
    let records = std::fs::read_to_string(repo("examples/data/traveller.json")).unwrap();
    let line = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&records).unwrap())
        .unwrap();
    let batch = hsm.dir.join("records.jsonl");
    std::fs::write(&batch, format!("{line}\n").repeat(24)).unwrap();
    let out_dir = hsm.dir.join("out");
    ok(&hsm.travelcert(
        &[
            "issue",
            "--key",
            &uri,
            "--issuer",
            "CN",
            "--batch",
            &arg(&batch),
            "--out-dir",
            &arg(&out_dir),
        ],
        &[],
    ));
    let out = hsm.travelcert(
        &[
            "verify",
            "--trust",
            &arg(&keys.join("trust.json")),
            "--batch",
            &arg(&out_dir),
        ],
        &[],
    );
    let report = ok(&out);
    assert_eq!(report.lines().count(), 24);
    assert!(
        report.lines().all(|l| l.contains("\"valid\":true")),
        "{report}"
    );
}

/// The raw key of a `pkcs11-tool -O` public key listing (`EC_POINT: 0420…`).
fn tool_public_key(listing: &str, label: &str) -> String {
    let object = listing
        .split("Public Key Object")
        .find(|o| o.contains(&format!("label:      {label}\n")))
        .expect("the public key object");
    let point = object
        .lines()
        .find_map(|l| l.trim().strip_prefix("EC_POINT:"))
        .unwrap()
        .trim();
    point.strip_prefix("0420").unwrap().to_owned()
}

#[test]
fn a_key_made_by_pkcs11_tool_signs_with_module_and_pin_from_the_environment() {
    let hsm = Hsm::new("pkcs11-tool-key", &["hsm"]);
    hsm.keypair("hsm", "tool", "01", "EC:edwards25519");
    let listing = hsm.tool(
        "pkcs11-tool",
        &["--module", MODULE, "--token-label", "hsm", "-O"],
    );
    let key = tool_public_key(&listing, "tool");
    let trust = hsm.dir.join("trust.json");
    std::fs::write(
        &trust,
        format!(
            r#"{{"keys": [{{"country": "CN", "public_key": "{key}", "record_kinds": ["nat", "antibody", "vaccination"]}}]}}"#
        ),
    )
    .unwrap();
    let env = [
        ("TRAVELCERT_PKCS11_MODULE", MODULE),
        ("TRAVELCERT_PKCS11_PIN", PIN),
    ];
    let cert = ok(&hsm.issue("pkcs11:token=hsm;id=%01", &env, &[]));
    hsm.verify(&trust, &cert);
    // --pkcs11-module instead of the environment.
    let cert = ok(&hsm.issue(
        "pkcs11:token=hsm;object=tool",
        &[("TRAVELCERT_PKCS11_PIN", PIN)],
        &["--pkcs11-module", MODULE],
    ));
    hsm.verify(&trust, &cert);
}

/// Exit 2 with the error's stable name on standard error.
fn refused(out: &Output, name: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(stderr(out).contains(name), "{name}: {}", stderr(out));
    assert!(out.stdout.is_empty());
}

#[test]
fn wrong_pin_missing_key_wrong_key_type_and_pin_value_are_refused() {
    let hsm = Hsm::new("pkcs11-errors", &["hsm"]);
    hsm.keypair("hsm", "ed", "01", "EC:edwards25519");
    hsm.keypair("hsm", "p256", "02", "EC:prime256v1");
    assert!(hsm
        .issue(&hsm.uri("hsm", "ed", "pin.txt"), &[], &[])
        .status
        .success());
    refused(
        &hsm.issue(&hsm.uri("hsm", "ed", "wrong-pin.txt"), &[], &[]),
        "Pkcs11WrongPin",
    );
    refused(
        &hsm.issue(&hsm.uri("hsm", "missing", "pin.txt"), &[], &[]),
        "Pkcs11KeyNotFound",
    );
    refused(
        &hsm.issue(&hsm.uri("hsm", "p256", "pin.txt"), &[], &[]),
        "Pkcs11WrongKeyType",
    );
    refused(
        &hsm.issue(&hsm.uri("other", "ed", "pin.txt"), &[], &[]),
        "Pkcs11TokenNotFound",
    );
    refused(
        &hsm.issue(
            "pkcs11:token=hsm;object=ed",
            &[("TRAVELCERT_PKCS11_PIN", PIN)],
            &[],
        ),
        "Pkcs11NoModule",
    );
    refused(
        &hsm.issue(
            "pkcs11:token=hsm;object=ed",
            &[("TRAVELCERT_PKCS11_PIN", PIN)],
            &["--pkcs11-module", "/nonexistent/libpkcs11.so"],
        ),
        "Pkcs11ModuleNotFound",
    );
    refused(
        &hsm.issue(
            &format!("pkcs11:token=hsm;object=ed?module-path={MODULE}"),
            &[],
            &[],
        ),
        "Pkcs11NoPin",
    );
    refused(
        &hsm.issue("pkcs11:token=hsm;object=ed;colour=red", &[], &[]),
        "Pkcs11UriInvalid",
    );
    // A PIN never goes on the command line.
    let with_pin = format!("pkcs11:token=hsm;object=ed?module-path={MODULE}&pin-value={PIN}");
    let out = hsm.issue(&with_pin, &[], &[]);
    refused(&out, "pin-value");
    let out = hsm.travelcert(
        &[
            "keygen",
            "--pkcs11",
            &with_pin,
            "--out-dir",
            &arg(&hsm.dir.join("k")),
            "--country",
            "CN",
        ],
        &[],
    );
    refused(&out, "pin-value");
    assert!(!hsm.dir.join("k").exists());
}
