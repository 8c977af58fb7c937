//! The PKCS#11 signer against a real token: SoftHSM2 (`softhsm2`, with
//! `pkcs11-tool` from `opensc` for keys made outside travelcert).
//!
//! SoftHSM reads `SOFTHSM2_CONF` once per process and finds tokens only when
//! it starts, so every test of this binary shares one configuration in a
//! temporary directory holding every test's token (one label per test), all
//! made before the module is first loaded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use travelcert::issue::{Issuer, Signer};
use travelcert::keys::{Pkcs11Error, Pkcs11Options, Pkcs11Signer, Pkcs11Uri};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;

use crate::common::{cn, params, sample, t, VERIFY_AT};

pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";
const SO_PIN: &str = "5678";

struct Hsm {
    dir: PathBuf,
    /// softhsm2-util runs one at a time.
    setup: Mutex<()>,
}

fn hsm() -> &'static Hsm {
    static HSM: OnceLock<Hsm> = OnceLock::new();
    HSM.get_or_init(|| {
        assert!(
            Path::new(MODULE).exists(),
            "SoftHSM2 is missing: apt-get install softhsm2 opensc"
        );
        let dir =
            std::env::temp_dir().join(format!("travelcert-pkcs11-lib-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
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
        std::fs::write(dir.join("wrong-pin.txt"), "9999\n").unwrap();
        // Set before any test loads the module, which reads it once.
        std::env::set_var("SOFTHSM2_CONF", dir.join("softhsm2.conf"));
        let hsm = Hsm {
            dir,
            setup: Mutex::new(()),
        };
        for label in TOKENS {
            hsm.init_token(label);
        }
        hsm
    })
}

/// The tokens, one per test.
const TOKENS: &[&str] = &[
    "lib-both",
    "lib-errors",
    "lib-threads",
    "lib-gone",
    "lib-swap",
    "lib-relogin",
    "lib-rekey",
];

impl Hsm {
    fn init_token(&self, label: &str) {
        run_in(
            &self.dir,
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
        );
    }
}

fn run(program: &str, args: &[&str]) -> String {
    run_in(&hsm().dir, program, args)
}

fn run_in(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("SOFTHSM2_CONF", dir.join("softhsm2.conf"))
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (apt-get install softhsm2 opensc)"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The token labelled `label`, made when the fixture started.
fn token(label: &str) {
    assert!(TOKENS.contains(&label), "add {label} to TOKENS");
    hsm();
}

/// A key pair made by pkcs11-tool: `key_type` is e.g. `EC:edwards25519`.
fn tool_keypair(label: &str, object: &str, id: &str, key_type: &str) {
    let _one = hsm().setup.lock().unwrap_or_else(|e| e.into_inner());
    run(
        "pkcs11-tool",
        &[
            "--module",
            MODULE,
            "--token-label",
            label,
            "--login",
            "--pin",
            PIN,
            "--keypairgen",
            "--key-type",
            key_type,
            "--label",
            object,
            "--id",
            id,
        ],
    );
}

fn uri(token: &str, object: &str) -> Pkcs11Uri {
    let pin = hsm().dir.join("pin.txt");
    Pkcs11Uri::parse(&format!(
        "pkcs11:token={token};object={object}?module-path={MODULE}&pin-source=file:{}",
        pin.display()
    ))
    .unwrap()
}

fn verifies(signer: &Pkcs11Signer) {
    let issuer = Issuer::new(signer.clone(), cn());
    let issued = issuer.issue(&sample(), &params()).unwrap();
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(signer.public_key(), cn()));
    let verified = Verifier::new(store)
        .verify(&issued.text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(verified.certificate().issuer, cn());
}

#[test]
fn generated_and_tool_made_keys_issue_certificates_that_verify() {
    token("lib-both");
    let generated =
        Pkcs11Signer::generate(&uri("lib-both", "issuer"), &Pkcs11Options::default()).unwrap();
    verifies(&generated);
    // Opening the same key again finds the same public key.
    let reopened =
        Pkcs11Signer::open(&uri("lib-both", "issuer"), &Pkcs11Options::default()).unwrap();
    assert_eq!(reopened.public_key(), generated.public_key());
    tool_keypair("lib-both", "tool", "01", "EC:edwards25519");
    let tool = Pkcs11Signer::open(&uri("lib-both", "tool"), &Pkcs11Options::default()).unwrap();
    assert_ne!(tool.public_key(), generated.public_key());
    verifies(&tool);
}

fn open_err(uri: &Pkcs11Uri, options: &Pkcs11Options) -> Pkcs11Error {
    match Pkcs11Signer::open(uri, options) {
        Ok(signer) => panic!("{uri}: opened {signer:?}"),
        Err(e) => e,
    }
}

#[test]
fn wrong_pin_missing_key_and_wrong_key_type_each_get_their_error() {
    token("lib-errors");
    tool_keypair("lib-errors", "ed", "01", "EC:edwards25519");
    tool_keypair("lib-errors", "p256", "02", "EC:prime256v1");
    tool_keypair("lib-errors", "rsa", "03", "rsa:2048");
    let options = Pkcs11Options::default();
    assert!(Pkcs11Signer::open(&uri("lib-errors", "ed"), &options).is_ok());

    let mut wrong_pin = uri("lib-errors", "ed");
    wrong_pin.pin_source = Some(format!(
        "file:{}",
        hsm().dir.join("wrong-pin.txt").display()
    ));
    assert_eq!(open_err(&wrong_pin, &options), Pkcs11Error::WrongPin);

    let missing = open_err(&uri("lib-errors", "nothing"), &options);
    assert!(
        matches!(missing, Pkcs11Error::KeyNotFound(_)),
        "{missing:?}"
    );
    assert_eq!(missing.name(), "Pkcs11KeyNotFound");

    for object in ["p256", "rsa"] {
        let wrong = open_err(&uri("lib-errors", object), &options);
        assert!(
            matches!(wrong, Pkcs11Error::WrongKeyType(_)),
            "{object}: {wrong:?}"
        );
        assert_eq!(wrong.name(), "Pkcs11WrongKeyType");
    }

    let no_token = open_err(&uri("lib-no-such-token", "ed"), &options);
    assert!(
        matches!(no_token, Pkcs11Error::TokenNotFound(_)),
        "{no_token:?}"
    );

    let mut no_module = uri("lib-errors", "ed");
    no_module.module_path = Some(hsm().dir.join("no-such-module.so"));
    let e = open_err(&no_module, &options);
    assert!(matches!(e, Pkcs11Error::ModuleNotFound { .. }), "{e:?}");
    no_module.module_path = None;
    assert_eq!(open_err(&no_module, &options), Pkcs11Error::NoModule);
    // The module from the options when the URI has none.
    let mut from_options = Pkcs11Options::default();
    from_options.module = Some(PathBuf::from(MODULE));
    assert!(Pkcs11Signer::open(&no_module, &from_options).is_ok());

    let mut no_pin = uri("lib-errors", "ed");
    no_pin.pin_source = None;
    assert_eq!(open_err(&no_pin, &options), Pkcs11Error::NoPin);
    let mut with_pin = Pkcs11Options::default();
    with_pin.pin = Some(PIN.to_owned().into());
    assert!(Pkcs11Signer::open(&no_pin, &with_pin).is_ok());
    let mut missing_pin_file = uri("lib-errors", "ed");
    missing_pin_file.pin_source = Some("file:/nonexistent/travelcert/pin".to_owned());
    let e = open_err(&missing_pin_file, &options);
    assert!(matches!(e, Pkcs11Error::PinSource { .. }), "{e:?}");

    // keygen never adds a second key under a label in use.
    let e = Pkcs11Signer::generate(&uri("lib-errors", "ed"), &options).unwrap_err();
    assert!(matches!(e, Pkcs11Error::KeyExists(_)), "{e:?}");
}

#[test]
fn eight_threads_sign_at_once() {
    token("lib-threads");
    let signer =
        Pkcs11Signer::generate(&uri("lib-threads", "issuer"), &Pkcs11Options::default()).unwrap();
    let public = signer.public_key();
    std::thread::scope(|scope| {
        for thread in 0..8u8 {
            let signer = &signer;
            let public = &public;
            scope.spawn(move || {
                for n in 0..40u8 {
                    let message = [thread, n, 0x5a];
                    let signature = signer.sign(&message).unwrap();
                    assert!(public.verify_strict(&message, &signature));
                }
            });
        }
    });
    // Issuers on clones share the pool.
    std::thread::scope(|scope| {
        for _ in 0..8 {
            let signer = signer.clone();
            scope.spawn(move || verifies(&signer));
        }
    });
}

/// Runs `f` on a thread and fails the test if it takes longer than `limit`.
fn within<T: Send + 'static>(
    limit: std::time::Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("the signer hung")
}

fn quick() -> Pkcs11Options {
    let mut options = Pkcs11Options::default();
    options.retries = 3;
    options.retry_delay = std::time::Duration::from_millis(20);
    options
}

#[test]
fn a_token_deleted_and_recreated_between_signatures_is_reported_or_recovered() {
    token("lib-gone");
    let signer = Pkcs11Signer::generate(&uri("lib-gone", "issuer"), &quick()).unwrap();
    let public = signer.public_key();
    assert!(public.verify_strict(b"one", &signer.sign(b"one").unwrap()));

    // The same label, a fresh token without the key.
    {
        let _one = hsm().setup.lock().unwrap_or_else(|e| e.into_inner());
        run("softhsm2-util", &["--delete-token", "--token", "lib-gone"]);
        hsm().init_token("lib-gone");
    }
    let s = signer.clone();
    let started = std::time::Instant::now();
    let outcome = within(std::time::Duration::from_secs(20), move || {
        s.try_sign(b"two")
    });
    eprintln!(
        "after re-creating the token: {outcome:?} in {:?}",
        started.elapsed()
    );
    match outcome {
        // Still the same key (the module kept it): a good signature.
        Ok(signature) => assert!(public.verify_strict(b"two", &signature)),
        Err(e) => {
            assert!(matches!(e, Pkcs11Error::DeviceRemoved { .. }), "{e:?}");
            assert_eq!(e.name(), "Pkcs11DeviceRemoved");
            assert!(e.to_string().contains("device is gone"), "{e}");
        }
    }
    // Still no panic and no hang on the next call.
    let s = signer.clone();
    let again = within(std::time::Duration::from_secs(20), move || {
        s.try_sign(b"three")
    });
    if let Ok(signature) = again {
        assert!(signer.public_key().verify_strict(b"three", &signature));
    }
}

/// Logs the process out of `label` through a session of its own, as a
/// token reset does: every session of the signer loses its login.
fn log_out(label: &str) {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    let module = Pkcs11::new(MODULE).unwrap();
    // Already initialised by the signer in this process: that is fine.
    let _ = module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = module
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| module.get_token_info(*s).is_ok_and(|i| i.label() == label))
        .unwrap();
    let session = module.open_ro_session(slot).unwrap();
    session.logout().unwrap();
}

#[test]
fn a_signer_logs_in_again_after_losing_its_login() {
    token("lib-relogin");
    let signer = Pkcs11Signer::generate(&uri("lib-relogin", "issuer"), &quick()).unwrap();
    let public = signer.public_key();
    assert!(public.verify_strict(b"one", &signer.sign(b"one").unwrap()));
    log_out("lib-relogin");
    let s = signer.clone();
    let signature = within(std::time::Duration::from_secs(20), move || {
        s.try_sign(b"two")
    })
    .unwrap();
    assert!(public.verify_strict(b"two", &signature));
    // From several threads at once too.
    log_out("lib-relogin");
    std::thread::scope(|scope| {
        for n in 0..8u8 {
            let (signer, public) = (&signer, &public);
            scope.spawn(move || {
                let signature = signer.try_sign(&[n]).unwrap();
                assert!(public.verify_strict(&[n], &signature));
            });
        }
    });
}

#[test]
fn a_different_key_after_recovering_is_refused() {
    token("lib-rekey");
    let signer = Pkcs11Signer::generate(&uri("lib-rekey", "issuer"), &quick()).unwrap();
    signer.sign(b"before").unwrap();
    // The key pair is replaced by another under the same label and id.
    let id = hex::encode(signer.uri().id.clone().unwrap());
    {
        let _one = hsm().setup.lock().unwrap_or_else(|e| e.into_inner());
        for kind in ["privkey", "pubkey"] {
            run(
                "pkcs11-tool",
                &[
                    "--module",
                    MODULE,
                    "--token-label",
                    "lib-rekey",
                    "--login",
                    "--pin",
                    PIN,
                    "--delete-object",
                    "--type",
                    kind,
                    "--id",
                    &id,
                ],
            );
        }
    }
    tool_keypair("lib-rekey", "issuer", &id, "EC:edwards25519");
    let s = signer.clone();
    let e = within(std::time::Duration::from_secs(20), move || {
        s.try_sign(b"after")
    })
    .unwrap_err();
    assert!(matches!(e, Pkcs11Error::KeyChanged { .. }), "{e:?}");
    assert_eq!(e.name(), "Pkcs11KeyChanged");
    // And it keeps refusing.
    let e = signer.try_sign(b"later").unwrap_err();
    assert!(matches!(e, Pkcs11Error::KeyChanged { .. }), "{e:?}");
}

#[test]
fn a_different_key_after_the_device_returns_is_refused() {
    token("lib-swap");
    let signer = Pkcs11Signer::generate(&uri("lib-swap", "issuer"), &quick()).unwrap();
    let public = signer.public_key();
    signer.sign(b"before").unwrap();
    {
        let _one = hsm().setup.lock().unwrap_or_else(|e| e.into_inner());
        run("softhsm2-util", &["--delete-token", "--token", "lib-swap"]);
        hsm().init_token("lib-swap");
    }
    // A new key under the same label and id on the re-created token.
    let id = hex::encode(signer.uri().id.clone().unwrap());
    tool_keypair("lib-swap", "issuer", &id, "EC:edwards25519");
    let s = signer.clone();
    let outcome = within(std::time::Duration::from_secs(20), move || {
        s.try_sign(b"after")
    });
    eprintln!("after swapping the key: {outcome:?}");
    match outcome {
        // Whatever is returned was made by the key read at start.
        Ok(signature) => assert!(public.verify_strict(b"after", &signature)),
        Err(e) => assert!(
            matches!(
                e,
                Pkcs11Error::KeyChanged { .. } | Pkcs11Error::DeviceRemoved { .. }
            ),
            "{e:?}"
        ),
    }
}
