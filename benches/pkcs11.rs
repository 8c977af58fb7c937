//! travelcert's own work around a PKCS#11 token, per certificate: everything
//! but the token's `C_Sign`, which should stay within 25 µs.
//!
//! Three figures on one SoftHSM2 token and key, in the same run:
//! - `raw_c_sign`: one `C_Sign` (`CKM_EDDSA`) of the exact bytes a
//!   certificate signs, on a session held open by the benchmark (the floor);
//! - `signer_sign`: the same bytes through `Pkcs11Signer` (session pool);
//! - `issue_end_to_end`: a whole certificate (`Issuer::issue`) with the signer;
//! - `memory_raw_sign` and `memory_issue_end_to_end`: the same with an
//!   in-memory `Ed25519Signer`, so the certificate's own encoding (claims,
//!   COSE, zlib, Base45) can be told apart from the work around the token.
//!
//! Overhead per certificate = `issue_end_to_end` − `raw_c_sign`; the pool's
//! share = `signer_sign` − `raw_c_sign` (`python3 benches/report.py pkcs11`
//! prints both).
//!
//! Needs `softhsm2`: `cargo bench --features pkcs11 --bench pkcs11`.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use criterion::{criterion_group, criterion_main, Criterion};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use travelcert::issue::{IssueParams, Issuer, Signer};
use travelcert::keys::{Pkcs11Options, Pkcs11Signer, Pkcs11Uri, PublicKey};
use travelcert::model::{CountryCode, HealthRecord, Timestamp};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";

/// Keeps the bytes the issuer asks to sign.
struct Recording {
    inner: Pkcs11Signer,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Signer for Recording {
    fn public_key(&self) -> PublicKey {
        self.inner.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>> {
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = message.to_vec();
        self.inner.sign(message)
    }
}

fn softhsm() -> std::path::PathBuf {
    assert!(Path::new(MODULE).exists(), "apt-get install softhsm2");
    let dir = std::env::temp_dir().join(format!("travelcert-pkcs11-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tokens")).unwrap_or_else(|e| panic!("{e}"));
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir.join("tokens").display()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("pin.txt"), PIN).unwrap_or_else(|e| panic!("{e}"));
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let status = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            "bench",
            "--pin",
            PIN,
            "--so-pin",
            "5678",
        ])
        .output()
        .unwrap_or_else(|e| panic!("softhsm2-util: {e}"));
    assert!(status.status.success());
    dir
}

fn bench(c: &mut Criterion) {
    let dir = softhsm();
    let uri = Pkcs11Uri::parse(&format!(
        "pkcs11:token=bench;object=issuer?module-path={MODULE}&pin-source=file:{}",
        dir.join("pin.txt").display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let signer =
        Pkcs11Signer::generate(&uri, &Pkcs11Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let record: HealthRecord =
        serde_json::from_str(include_str!("../examples/data/traveller.json"))
            .unwrap_or_else(|e| panic!("{e}"));
    let country = CountryCode::new("CN").unwrap_or_else(|e| panic!("{e}"));
    let at = Timestamp::from_unix(1_615_377_600).unwrap_or_else(|e| panic!("{e}"));
    let params = IssueParams::new(at, 48 * 3600);

    // The exact bytes one certificate signs.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recording = Recording {
        inner: signer.clone(),
        seen: Arc::clone(&seen),
    };
    Issuer::new(recording, country)
        .issue(&record, &params)
        .unwrap_or_else(|e| panic!("{e}"));
    let tbs = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(!tbs.is_empty());

    // A raw session on the same key, beside the signer's pool.
    let module = Pkcs11::new(MODULE).unwrap_or_else(|e| panic!("{e}"));
    let _ = module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = module
        .get_slots_with_token()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|s| {
            module
                .get_token_info(*s)
                .is_ok_and(|i| i.label() == "bench")
        })
        .unwrap_or_else(|| panic!("no bench token"));
    let session = module
        .open_ro_session(slot)
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = session.login(UserType::User, Some(&AuthPin::from(PIN)));
    let key = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"issuer".to_vec()),
        ])
        .unwrap_or_else(|e| panic!("{e}"))[0];
    let mechanism = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
    let raw = session
        .sign(&mechanism, key, &tbs)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        raw,
        signer.sign(&tbs).unwrap_or_else(|e| panic!("{e}")).to_vec(),
        "Ed25519 is deterministic: the raw and pooled signatures agree"
    );

    let issuer = Issuer::new(signer.clone(), country);
    let mut g = c.benchmark_group("pkcs11");
    g.bench_function("raw_c_sign", |b| {
        b.iter(|| session.sign(&mechanism, key, black_box(&tbs)))
    });
    g.bench_function("signer_sign", |b| b.iter(|| signer.sign(black_box(&tbs))));
    g.bench_function("issue_end_to_end", |b| {
        b.iter(|| issuer.issue(black_box(&record), &params))
    });
    let memory = travelcert::issue::Ed25519Signer::from_seed(&[7u8; 32]);
    g.bench_function("memory_raw_sign", |b| {
        b.iter(|| memory.sign(black_box(&tbs)))
    });
    let memory_issuer = Issuer::new(memory, country);
    g.bench_function("memory_issue_end_to_end", |b| {
        b.iter(|| memory_issuer.issue(black_box(&record), &params))
    });
    g.finish();

    // The same three, interleaved call by call, so a shared machine's load
    // drifting between criterion's groups cannot bias the differences.
    let rounds = 2000;
    let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let memory = travelcert::issue::Ed25519Signer::from_seed(&[7u8; 32]);
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        let _ = black_box(session.sign(&mechanism, key, black_box(&tbs)));
        times[0].push(t.elapsed());
        let t = std::time::Instant::now();
        let _ = black_box(signer.sign(black_box(&tbs)));
        times[1].push(t.elapsed());
        let t = std::time::Instant::now();
        let _ = black_box(issuer.issue(black_box(&record), &params));
        times[2].push(t.elapsed());
        let t = std::time::Instant::now();
        let _ = black_box(memory.sign(black_box(&tbs)));
        times[3].push(t.elapsed());
        let t = std::time::Instant::now();
        let _ = black_box(memory_issuer.issue(black_box(&record), &params));
        times[4].push(t.elapsed());
    }
    let median = |v: &mut Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e6
    };
    let [raw, pooled, whole, msign, missue] = times.each_mut().map(median);
    eprintln!(
        "interleaved medians over {rounds} rounds: C_Sign {raw:.1} µs, Pkcs11Signer::sign {pooled:.1} µs \
         (pool {:+.1} µs), issue {whole:.1} µs (overhead per certificate {:+.1} µs); \
         in-memory key: sign {msign:.1} µs, issue {missue:.1} µs (encoding {:+.1} µs)",
        pooled - raw,
        whole - raw,
        missue - msign
    );
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
