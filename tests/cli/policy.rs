//! The command line for offline data: `trust sign`, `trust inspect`, `revoke`, and
//! `verify` with a signed trust list, a revocation list and `--policy`, with the
//! exit codes 0 accepted, 1 invalid, 2 usage/IO (or a refused list), 3 refused,
//! 4 needs review.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use crate::common::*;
use travelcert::issue::{Ed25519Signer, Signer};

struct Dir(PathBuf);

impl Dir {
    fn p(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

fn setup(name: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!(
        "travelcert-cli-policy-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = Dir(dir);
    let pem = |seed: &[u8; 32]| Ed25519Signer::from_seed(seed).to_pkcs8_pem().unwrap();
    std::fs::write(d.p("root.key.pem"), pem(&TEST2_SEED).as_bytes()).unwrap();
    std::fs::write(
        d.p("root.pub.pem"),
        Ed25519Signer::from_seed(&TEST2_SEED)
            .public_key()
            .to_spki_pem(),
    )
    .unwrap();
    std::fs::write(d.p("issuer.key.pem"), pem(&TEST1_SEED).as_bytes()).unwrap();
    std::fs::write(
        d.p("keys.json"),
        format!(
            r#"{{"keys": [
                {{"country": "CN", "public_key": "{TEST1_PUB}", "record_kinds": ["nat", "antibody", "vaccination"]}},
                {{"country": "CN", "public_key": "{TEST3_PUB}", "record_kinds": ["nat"], "revoked": true}}
            ]}}"#
        ),
    )
    .unwrap();
    d
}

fn sign_list(d: &Dir, sequence: &str, out: &str) {
    ok(&travelcert(&[
        "trust",
        "sign",
        "--root-key",
        &d.p("root.key.pem"),
        "--keys",
        &d.p("keys.json"),
        "--sequence",
        sequence,
        "--valid-for",
        "30d",
        "--issued-at",
        "2021-03-01T00:00:00Z",
        "--out",
        &d.p(out),
    ]));
}

fn issue(d: &Dir, record: &str, out: &str) {
    let text = ok(&travelcert(&[
        "issue",
        "--key",
        &d.p("issuer.key.pem"),
        "--issuer",
        "CN",
        "--issued-at",
        "2021-03-10T12:00:00Z",
        "--id",
        "0102030405060708",
        &repo(record),
    ]));
    std::fs::write(d.p(out), text).unwrap();
}

/// A workspace with trust list 5 signed by the root, the double-NAT and the
/// core sample issued, and a state directory.
struct Lists {
    d: Dir,
    state: String,
    entry: String,
}

impl Lists {
    fn new(name: &str) -> Self {
        let d = setup(name);
        sign_list(&d, "5", "trust.cose");
        issue(&d, "examples/data/traveller-double-nat.json", "double.txt");
        issue(&d, "examples/data/traveller.json", "core.txt");
        let state = d.p("state");
        Self {
            d,
            state,
            entry: repo("examples/policies/entry-double-nat.json"),
        }
    }

    /// `verify` of certificate file `cert` with `trust` under the root.
    fn verify_with(&self, trust: &str, cert: &str, extra: &[&str]) -> std::process::Output {
        let (trust, root, text) = (self.d.p(trust), self.d.p("root.pub.pem"), self.d.p(cert));
        let mut args = vec![
            "verify",
            "--state-dir",
            &self.state,
            "--trust",
            &trust,
            "--root",
            &root,
            "--at",
            "2021-03-11T01:00:00Z",
            "--text-file",
            &text,
        ];
        args.extend_from_slice(extra);
        travelcert(&args)
    }

    /// `verify` of `cert` with the signed list and the root.
    fn verify(&self, cert: &str, extra: &[&str]) -> std::process::Output {
        self.verify_with("trust.cose", cert, extra)
    }

    /// `verify` with the entry rules and a boarding time.
    fn verify_boarding(&self, cert: &str) -> std::process::Output {
        self.verify(
            cert,
            &[
                "--policy",
                &self.entry,
                "--boarding",
                "2021-03-11T10:00:00+08:00",
            ],
        )
    }

    /// `verify` with trust data but no root and no state directory.
    fn verify_without_root(&self, trust: &str) -> std::process::Output {
        travelcert(&[
            "verify",
            "--trust",
            &self.d.p(trust),
            "--at",
            "2021-03-11T01:00:00Z",
            "--text-file",
            &self.d.p("core.txt"),
        ])
    }
}

impl Drop for Lists {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.d.0);
        }
    }
}

#[test]
fn trust_inspect_is_unverified_without_a_root_and_refuses_an_expired_list() {
    let l = Lists::new("inspect");
    let d = &l.d;
    // Inspect: unverified without a root, verified with one.
    let out = travelcert(&["trust", "inspect", &d.p("trust.cose")]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["verified"], false);
    assert_eq!(json["list"]["sequence"], 5);
    assert_eq!(json["list"]["keys"].as_array().unwrap().len(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT VERIFIED"));
    let inspect_at = |at: &str| {
        travelcert(&[
            "trust",
            "inspect",
            &d.p("trust.cose"),
            "--root",
            &d.p("root.pub.pem"),
            "--at",
            at,
        ])
    };
    let json: serde_json::Value =
        serde_json::from_str(&ok(&inspect_at("2021-03-11T00:00:00Z"))).unwrap();
    assert_eq!(json["verified"], true);
    // Checked after its expiry: refused with the list error's name, exit 1.
    let out = inspect_at("2021-06-01T00:00:00Z");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ListExpired"));
}

#[test]
fn accepted_exits_0_with_the_view_and_keeps_list_state_in_the_state_directory() {
    let l = Lists::new("accepted");
    // Accepted: exit 0, the officer's view on stdout, the reasons on stderr.
    let out = l.verify_boarding("double.txt");
    let view: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(view["outcome"], "accepted");
    assert_eq!(view["reference"]["kind"], "boarding");
    assert_eq!(view["identity"]["document_number"], "E87654321");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Rule `double-nat` is met"));
    // The list state is kept in the state directory, keyed by root and kind.
    let saved = std::fs::read_to_string(l.d.p("state/lists.json")).unwrap();
    assert!(
        saved.contains("\"sequence\": 5") && saved.contains(TEST2_PUB),
        "{saved}"
    );
    assert!(!std::path::Path::new(&l.d.p("trust.cose.state.json")).exists());
}

#[test]
fn refused_by_the_rules_exits_3_naming_the_rules() {
    let l = Lists::new("refused");
    let out = l.verify_boarding("core.txt");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`double-nat` is not met") && stderr.contains("`igm-negative`"));
}

#[test]
fn needs_review_without_a_boarding_time_exits_4() {
    let l = Lists::new("review");
    let out = l.verify("double.txt", &["--policy", &l.entry]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_rules_verify_prints_the_certificate_and_exits_0() {
    let l = Lists::new("plain");
    let out = l.verify("core.txt", &[]);
    assert!(ok(&out).contains("\"key_country\": \"CN\""));
}

#[test]
fn a_revoked_certificate_exits_1_with_its_own_error_name() {
    let l = Lists::new("revoked");
    let d = &l.d;
    let revoke = |what: &[&str]| {
        let (list, key) = (d.p("revoked.cose"), d.p("root.key.pem"));
        let mut args = vec![
            "revoke",
            "--state-dir",
            &l.state,
            "--list",
            &list,
            "--root-key",
            &key,
            "--issued-at",
            "2021-03-10T00:00:00Z",
        ];
        args.extend_from_slice(what);
        travelcert(&args)
    };
    let out = revoke(&["--certificate", "CN:0102030405060708"]);
    assert!(ok(&out).contains("1 ids, sequence 1"));
    let out = revoke(&["--id", "00112233445566778899aabbccddeeff"]);
    assert!(ok(&out).contains("2 ids, sequence 2"));
    let out = l.verify("core.txt", &["--revocations", &d.p("revoked.cose")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CertificateRevoked"));
}

#[test]
fn an_older_list_under_a_new_name_is_refused_as_a_rollback() {
    let l = Lists::new("rollback");
    ok(&l.verify("core.txt", &[]));
    // Rolled back: a list older than the one accepted, under a name never
    // seen before, is refused, exit 2.
    sign_list(&l.d, "4", "older.cose");
    let out = l.verify_with("older.cose", "core.txt", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ListRollback"));
}

#[test]
fn with_a_root_unsigned_trust_data_is_refused_without_one_it_works() {
    let l = Lists::new("unsigned");
    let d = &l.d;
    // With a root configured, unsigned JSON trust data is refused (exit 2,
    // naming the file), even beside a signed list; without a root it works.
    let keys = d.p("keys.json");
    let out = l.verify("core.txt", &["--trust", &keys]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("TrustUnsignedRefused") && stderr.contains(&keys),
        "{stderr}"
    );
    // The attack itself: the JSON store put in the signed list's place.
    std::fs::copy(d.p("keys.json"), d.p("swapped.cose")).unwrap();
    let out = l.verify_with("swapped.cose", "core.txt", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TrustUnsignedRefused"));
    ok(&l.verify_without_root("keys.json"));
    // A signed list needs a root.
    assert_eq!(l.verify_without_root("trust.cose").status.code(), Some(2));
}

#[test]
fn a_missing_rules_file_is_a_usage_error() {
    let l = Lists::new("no-rules");
    let out = l.verify("core.txt", &["--policy", &l.d.p("missing.json")]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_boarding_time_far_from_the_check_needs_review_through_the_cli() {
    let dir = std::env::temp_dir().join(format!("travelcert-cli-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |name: &str| dir.join(name).display().to_string();
    let key = Ed25519Signer::from_seed(&TEST1_SEED)
        .to_pkcs8_pem()
        .unwrap();
    std::fs::write(p("issuer.key.pem"), key.as_bytes()).unwrap();
    std::fs::write(
        p("keys.json"),
        format!(
            r#"{{"keys": [{{"country": "CN", "public_key": "{TEST1_PUB}", "record_kinds": ["nat", "antibody", "vaccination"]}}]}}"#
        ),
    )
    .unwrap();
    let text = ok(&travelcert(&[
        "issue",
        "--key",
        &p("issuer.key.pem"),
        "--issuer",
        "CN",
        "--issued-at",
        "2021-03-10T12:00:00Z",
        &repo("examples/data/traveller.json"),
    ]));
    std::fs::write(p("core.txt"), text).unwrap();
    let policy = repo("examples/policies/vaccination-only.json");
    let verify = |boarding: &str| {
        travelcert(&[
            "verify",
            "--trust",
            &p("keys.json"),
            "--at",
            "2021-03-11T01:00:00Z",
            "--policy",
            &policy,
            "--boarding",
            boarding,
            "--text-file",
            &p("core.txt"),
        ])
    };
    // Boarding nine hours after the check: accepted.
    let view: serde_json::Value =
        serde_json::from_str(&ok(&verify("2021-03-11T10:00:00Z"))).unwrap();
    assert_eq!(view["outcome"], "accepted");
    // Boarding nine days after the check: exit 4, with the reason.
    let out = verify("2021-03-20T01:00:00Z");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(
            "The boarding time (2021-03-20T01:00:00Z) is 216 hours after the moment of checking"
        ),
        "{stderr}"
    );
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["outcome"], "needs_review");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scoped_roots_and_a_replaced_revocation_list_through_the_cli() {
    let d = setup("scoped");
    sign_list(&d, "1", "trust.cose");
    issue(&d, "examples/data/traveller.json", "core.txt");
    let state = d.p("state");
    let verify_with_root = |root: &str| {
        travelcert(&[
            "verify",
            "--state-dir",
            &state,
            "--trust",
            &d.p("trust.cose"),
            "--root",
            root,
            "--at",
            "2021-03-11T01:00:00Z",
            "--text-file",
            &d.p("core.txt"),
        ])
    };
    // A root scoped to other countries may not vouch for CN keys: exit 2.
    let out = verify_with_root(&format!("PK,HK={}", d.p("root.pub.pem")));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ListKeyOutOfScope"));
    // Scoped to CN it vouches, and the output names the root.
    let out = verify_with_root(&format!("CN={}", d.p("root.pub.pem")));
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["vouched_by"], TEST2_PUB);

    // revoke: the authority's list, then the file replaced by a list another
    // key signed. revoke refuses and leaves the file untouched.
    let root_key = d.p("root.key.pem");
    let revoke = |extra: &[&str]| {
        let mut args = vec![
            "revoke",
            "--state-dir",
            &state,
            "--root-key",
            &root_key,
            "--issued-at",
            "2021-03-10T00:00:00Z",
        ];
        args.extend_from_slice(extra);
        travelcert(&args)
    };
    let list = d.p("revoked.cose");
    ok(&revoke(&[
        "--list",
        &list,
        "--id",
        "00112233445566778899aabbccddeeff",
    ]));
    std::fs::write(
        d.p("other.key.pem"),
        Ed25519Signer::from_seed(&TEST3_SEED)
            .to_pkcs8_pem()
            .unwrap(),
    )
    .unwrap();
    let forged = d.p("forged.cose");
    let other_key = d.p("other.key.pem");
    let other_state = d.p("other-state");
    ok(&travelcert(&[
        "revoke",
        "--state-dir",
        &other_state,
        "--root-key",
        &other_key,
        "--list",
        &forged,
        "--id",
        "ffeeddccbbaa99887766554433221100",
    ]));
    std::fs::copy(&forged, &list).unwrap();
    let before = std::fs::read(&list).unwrap();
    let out = revoke(&["--list", &list, "--id", "0102030405060708090a0b0c0d0e0f10"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ListUnknownRoot") && stderr.contains("untouched"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&list).unwrap(), before);
    // A deleted list is not silently started over.
    std::fs::remove_file(&list).unwrap();
    let out = revoke(&["--list", &list, "--id", "0102030405060708090a0b0c0d0e0f10"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!std::path::Path::new(&list).exists());
    let _ = std::fs::remove_dir_all(&d.0);
}
