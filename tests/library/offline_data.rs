//! The verifier's offline data : signed trust lists, revocation lists
//! and rules files loaded from disk, and the verdicts they lead to.
//!
//! `border_checks_from_files_on_disk` is the table the issue's "done when"
//! asks for; the other tests pin each property of the signed lists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use crate::common::*;
use sha2::{Digest, Sha256};
use travelcert::cose::{sign1, Algorithm, ProtectedHeader};
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer, Signer};
use travelcert::keys::PublicKey;
use travelcert::model::{CertificateId, CountryCode, HealthRecord, RecordKind, Timestamp};
use travelcert::policy::{Moment, Outcome, Policy, RuleStatus, Verdict};
use travelcert::trust::{
    revocation_id, ListKind, ListState, RevocationList, Root, TrustList, TrustStore, TrustedKey,
};
use travelcert::verify::Verifier;
use travelcert::{KeyError, SignedListError};

const TEST2_PUB_HEX: &str = TEST2_PUB;
const REVOKED_CTI: [u8; 8] = [0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1];

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn signer(seed: &[u8; 32]) -> Ed25519Signer {
    Ed25519Signer::from_seed(seed)
}

fn root() -> Ed25519Signer {
    signer(&TEST2_SEED)
}

fn key(hex: &str) -> PublicKey {
    PublicKey::from_hex(hex).unwrap()
}

fn data(name: &str) -> HealthRecord {
    let path = format!("{}/examples/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn issue_with(seed: &[u8; 32], record: &HealthRecord, cti: [u8; 8]) -> String {
    Issuer::new(signer(seed), cn())
        .issue(
            record,
            &IssueParams::new(t(ISSUED_AT), VALID_FOR).with_id(CertificateId::new(&cti).unwrap()),
        )
        .unwrap()
        .text
}

/// The CN issuer keys: RFC 8032 key 1 in use, key 3 revoked.
fn cn_list(sequence: u64, issued_at: &str, expires_at: &str) -> TrustList {
    let mut list = TrustList::new(ts(issued_at), sequence, ts(expires_at));
    list.keys.push(TrustedKey::new(test1_key(), cn()));
    let mut revoked = TrustedKey::new(key(TEST3_PUB), cn());
    revoked.revoked = true;
    list.keys.push(revoked);
    list
}

fn revocations(sequence: u64) -> RevocationList {
    let mut list = RevocationList::new(
        ts("2021-03-10T00:00:00Z"),
        sequence,
        ts("2021-03-17T00:00:00Z"),
    );
    list.revoke(cn(), &CertificateId::new(&REVOKED_CTI).unwrap());
    list
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("travelcert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the verifier's files: root key, trust lists, revocation lists.
fn write_offline_data(dir: &Path) {
    let root = root();
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w("root.pub.pem", root.public_key().to_spki_pem().as_bytes());
    let current = cn_list(5, "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z");
    w("trust.cose", &current.sign(&root).unwrap());
    let older = cn_list(4, "2021-02-01T00:00:00Z", "2021-04-01T00:00:00Z");
    w("trust-older.cose", &older.sign(&root).unwrap());
    let expired = cn_list(6, "2021-02-01T00:00:00Z", "2021-03-05T00:00:00Z");
    w("trust-expired.cose", &expired.sign(&root).unwrap());
    w("revocations.cose", &revocations(3).sign(&root).unwrap());
    w(
        "revocations-older.cose",
        &revocations(2).sign(&root).unwrap(),
    );
}

/// What a border app does with the files: load the state, the signed trust
/// list, the revocation list and the rules from disk, verify, apply the rules.
/// Errors are reported by their stable names.
fn border_check(
    dir: &Path,
    trust: &str,
    revocations: &str,
    state: &ListState,
    policy: &str,
    text: &str,
    moment: Moment,
) -> Result<Verdict, String> {
    let roots = [Root::new(
        PublicKey::from_spki_pem(&std::fs::read_to_string(dir.join("root.pub.pem")).unwrap())
            .unwrap(),
    )];
    let state_path = dir.join("state.json");
    std::fs::write(&state_path, state.to_json()).unwrap();
    let mut state = ListState::from_json(&std::fs::read(&state_path).unwrap()).unwrap();
    let now = moment.checked_at;
    let store = state
        .load_trust_list(&std::fs::read(dir.join(trust)).unwrap(), &roots, now)
        .map_err(|e| e.name().to_owned())?;
    let revoked = state
        .load_revocations(&std::fs::read(dir.join(revocations)).unwrap(), &roots, now)
        .map_err(|e| e.name().to_owned())?;
    std::fs::write(&state_path, state.to_json()).unwrap();
    let rules = format!(
        "{}/examples/policies/{policy}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let policy = Policy::from_json(&std::fs::read(rules).unwrap()).unwrap();
    let verified = Verifier::new(store)
        .with_revocations(revoked)
        .verify(text, now)
        .map_err(|e| e.name().to_owned())?;
    Ok(policy.evaluate(&verified, moment))
}

/// name, trust file, revocation file, state before loading, rules file,
/// certificate text, moment, expectation.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a ListState,
    &'a str,
    String,
    Moment,
    Expect,
);

#[derive(Debug)]
enum Expect {
    /// A verdict, with the rules named by its reasons.
    Verdict(Outcome, &'static [&'static str]),
    /// Refused before any rule: a certificate or list error, by name.
    Error(&'static str),
}

#[test]
fn border_checks_from_files_on_disk() {
    let dir = temp_dir("border");
    write_offline_data(&dir);
    let core = data("traveller");
    let double = data("traveller-double-nat");
    let mut unvaccinated = core.clone();
    unvaccinated.vaccinations.clear();
    let mut positive = core.clone();
    positive.nat_tests[0].result = travelcert::model::NatResult::Positive;

    let cti = [1, 2, 3, 4, 5, 6, 7, 8];
    let checked = ts("2021-03-11T01:00:00Z");
    let board = Moment::checking(checked).with_boarding(ts("2021-03-11T10:00:00+08:00"));
    let fresh = ListState::default();
    let root_key = root().public_key();
    let mut seen5 = ListState::default();
    seen5.set_sequence(&root_key, ListKind::Trust, 5);
    let mut seen3 = ListState::default();
    seen3.set_sequence(&root_key, ListKind::Revocation, 3);
    let mut seen_both = seen5.clone();
    seen_both.set_sequence(&root_key, ListKind::Revocation, 3);
    use Expect::*;
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        ("accepted: double NAT sample under the entry rule",
            "trust.cose", "revocations.cose", &fresh, "entry-double-nat",
            issue_with(&TEST1_SEED, &double, cti), board,
            Verdict(Outcome::Accepted, &["double-nat", "igm-negative", "igg-positive", "vaccination-complete"])),
        ("refused by the entry rule: the core sample (one NAT, one lab, no IgM)",
            "trust.cose", "revocations.cose", &fresh, "entry-double-nat",
            issue_with(&TEST1_SEED, &core, cti), board,
            Verdict(Outcome::Refused, &["double-nat", "igm-negative"])),
        ("needs review under the entry rule: no boarding time",
            "trust.cose", "revocations.cose", &fresh, "entry-double-nat",
            issue_with(&TEST1_SEED, &double, cti), Moment::checking(checked),
            Verdict(Outcome::NeedsReview, &["double-nat", "igm-negative", "igg-positive", "vaccination-complete", "require_boarding_time"])),
        ("accepted by the vaccination-only rule",
            "trust.cose", "revocations.cose", &fresh, "vaccination-only",
            issue_with(&TEST1_SEED, &core, cti), board,
            Verdict(Outcome::Accepted, &["vaccinated"])),
        ("refused by the vaccination-only rule: no vaccination",
            "trust.cose", "revocations.cose", &fresh, "vaccination-only",
            issue_with(&TEST1_SEED, &unvaccinated, cti), board,
            Verdict(Outcome::Refused, &["vaccinated"])),
        ("accepted by the recent-NAT rule",
            "trust.cose", "revocations.cose", &fresh, "recent-negative-nat",
            issue_with(&TEST1_SEED, &core, cti), board,
            Verdict(Outcome::Accepted, &["negative-nat-72h", "no-recent-positive"])),
        ("refused by the recent-NAT rule: the NAT is positive",
            "trust.cose", "revocations.cose", &fresh, "recent-negative-nat",
            issue_with(&TEST1_SEED, &positive, cti), board,
            Verdict(Outcome::Refused, &["negative-nat-72h", "no-recent-positive", "positive-nat-10d"])),
        ("revoked certificate",
            "trust.cose", "revocations.cose", &fresh, "vaccination-only",
            issue_with(&TEST1_SEED, &core, REVOKED_CTI), board,
            Error("CertificateRevoked")),
        ("key revoked in the trust list",
            "trust.cose", "revocations.cose", &fresh, "vaccination-only",
            issue_with(&TEST3_SEED, &core, cti), board,
            Error("KeyRevoked")),
        ("trust list rolled back (sequence 4 after 5)",
            "trust-older.cose", "revocations.cose", &seen5, "vaccination-only",
            issue_with(&TEST1_SEED, &core, cti), board,
            Error("ListRollback")),
        ("trust list expired",
            "trust-expired.cose", "revocations.cose", &fresh, "vaccination-only",
            issue_with(&TEST1_SEED, &core, cti), board,
            Error("ListExpired")),
        ("revocation list rolled back (sequence 2 after 3)",
            "trust.cose", "revocations-older.cose", &seen3, "vaccination-only",
            issue_with(&TEST1_SEED, &core, REVOKED_CTI), board,
            Error("ListRollback")),
        ("the installed lists load again (same sequence is no rollback)",
            "trust.cose", "revocations.cose", &seen_both,
            "vaccination-only", issue_with(&TEST1_SEED, &core, cti), board,
            Verdict(Outcome::Accepted, &["vaccinated"])),
    ];
    for (name, trust, revs, state, policy, text, moment, expect) in &table {
        let got = border_check(&dir, trust, revs, state, policy, text, *moment);
        match (expect, &got) {
            (Verdict(outcome, rules), Ok(v)) => {
                assert_eq!(v.outcome, *outcome, "{name}: {}", v.explain());
                let named: Vec<&str> = v.reasons.iter().map(|r| r.rule.as_str()).collect();
                assert_eq!(&named, rules, "{name}: {}", v.explain());
                for r in &v.reasons {
                    assert!(
                        r.message.contains(&format!("`{}`", r.rule))
                            || r.rule == "require_boarding_time",
                        "{name}: the sentence names its rule: {}",
                        r.message
                    );
                    if r.status != RuleStatus::Satisfied && !r.matched.is_empty() {
                        assert!(r.message.contains(&r.matched[0].to_string()));
                    }
                }
            }
            (Error(e), Err(got)) => assert_eq!(got, e, "{name}"),
            _ => panic!("{name}: expected {expect:?}, got {got:?}"),
        }
    }
    // The state file records what was accepted.
    let state = ListState::from_json(&std::fs::read(dir.join("state.json")).unwrap()).unwrap();
    assert_eq!(
        (
            state.sequence(&root_key, ListKind::Trust),
            state.sequence(&root_key, ListKind::Revocation)
        ),
        (5, 3)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rfc8032_test_keys_are_the_published_ones() {
    assert_eq!(
        hex::encode(signer(&TEST1_SEED).public_key().to_bytes()),
        TEST1_PUB
    );
    assert_eq!(hex::encode(root().public_key().to_bytes()), TEST2_PUB_HEX);
    assert_eq!(
        hex::encode(signer(&TEST3_SEED).public_key().to_bytes()),
        TEST3_PUB
    );
    assert_eq!(
        hex::encode(signer(&TEST1024_SEED).public_key().to_bytes()),
        TEST1024_PUB
    );
}

#[test]
fn from_signed_list_accepts_only_signed_valid_newer_lists() {
    let roots = [root().public_key()];
    let list = cn_list(5, "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z");
    let bytes = list.sign(&root()).unwrap();
    let now = ts("2021-03-11T00:00:00Z");

    let (store, seq) = TrustStore::from_signed_list(&bytes, &roots, now, 4).unwrap();
    assert_eq!(seq, 5);
    assert_eq!(store.len(), 2);
    assert!(store.get(&key(TEST3_PUB).kid())[0].revoked);
    assert!(!store.get(&test1_key().kid())[0].revoked);

    let err = |b: &[u8], roots: &[PublicKey], now, last| {
        TrustStore::from_signed_list(b, roots, now, last).unwrap_err()
    };
    assert_eq!(
        err(&bytes, &roots, now, 5),
        SignedListError::Rollback {
            sequence: 5,
            last_sequence: 5
        }
    );
    assert!(matches!(
        err(&bytes, &roots, now, 9),
        SignedListError::Rollback { .. }
    ));
    assert!(matches!(
        err(&bytes, &roots, ts("2021-04-01T00:00:01Z"), 0),
        SignedListError::Expired { .. }
    ));
    assert!(matches!(
        err(&bytes, &roots, ts("2021-02-28T23:59:59Z"), 0),
        SignedListError::NotYetValid { .. }
    ));
    assert!(matches!(
        err(&bytes, &[test1_key()], now, 0),
        SignedListError::UnknownRoot { .. }
    ));
    // A list signed by an issuer key, not the root: unknown root.
    let by_issuer = list.sign(&signer(&TEST1_SEED)).unwrap();
    assert!(matches!(
        err(&by_issuer, &roots, now, 0),
        SignedListError::UnknownRoot { .. }
    ));
    // Every flipped byte of the signed part is refused.
    let payload_start = 10;
    for i in payload_start..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x01;
        assert!(
            TrustStore::from_signed_list(&tampered, &roots, now, 0).is_err(),
            "byte {i}"
        );
    }
    let mut tampered = bytes.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x80;
    assert!(matches!(
        err(&tampered, &roots, now, 0),
        SignedListError::SignatureInvalid { .. }
    ));
    // A revocation list is not a trust list.
    let rev = revocations(1).sign(&root()).unwrap();
    assert!(matches!(
        err(&rev, &roots, now, 0),
        SignedListError::WrongDocumentType { .. }
    ));
    // Nor is a certificate.
    let cert = travelcert::codec::base45::decode(&issue(&sample())[4..]).unwrap();
    let cose = travelcert::codec::zlib::inflate(&cert, 1 << 16).unwrap();
    assert!(TrustStore::from_signed_list(&cose, &[test1_key()], now, 0).is_err());
}

/// Signs an arbitrary payload with the root, for lists no encoder would write.
fn sign_raw(payload: &[u8]) -> Vec<u8> {
    let root = root();
    let header = ProtectedHeader {
        alg: Algorithm::Ed25519,
        kid: root.public_key().kid(),
    };
    sign1::sign(&header, payload, |tbs| root.sign(tbs)).unwrap()
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let pos = haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let mut out = haystack.to_vec();
    out[pos..pos + needle.len()].copy_from_slice(with);
    out
}

#[test]
fn keys_in_a_signed_list_are_checked_like_the_json_store() {
    let mut list = TrustList::new(ts("2021-03-01T00:00:00Z"), 1, ts("2021-04-01T00:00:00Z"));
    list.keys.push(TrustedKey::new(test1_key(), cn()));
    let mut weak = [0u8; 32];
    weak[0] = 1; // the identity point: small order
    let payload = replace(&list.to_cbor(), &test1_key().to_bytes(), &weak);
    let err = TrustStore::from_signed_list(
        &sign_raw(&payload),
        &[root().public_key()],
        ts("2021-03-11T00:00:00Z"),
        0,
    )
    .unwrap_err();
    assert_eq!(
        err,
        SignedListError::Key {
            index: 0,
            source: KeyError::WeakKey
        }
    );
    assert_eq!(err.name(), "ListKey");
    // The JSON store refuses the same key with the same KeyError.
    let json = format!(
        r#"{{"keys": [{{"country": "CN", "public_key": "{}", "record_kinds": ["nat"]}}]}}"#,
        hex::encode(weak)
    );
    assert!(matches!(
        TrustStore::from_json(json.as_bytes()),
        Err(travelcert::TrustError::Key {
            source: KeyError::WeakKey,
            ..
        })
    ));
}

#[test]
fn a_root_rotates_by_a_list_signed_with_the_old_root_naming_the_new_one() {
    let old_root = root();
    let new_root = signer(&TEST1024_SEED);
    let mut first = cn_list(1, "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z");
    first.next_roots.push(new_root.public_key());
    let second = cn_list(2, "2021-03-02T00:00:00Z", "2021-04-02T00:00:00Z");
    let first = first.sign(&old_root).unwrap();
    let second = second.sign(&new_root).unwrap();
    let configured = [Root::new(old_root.public_key())];
    let now = ts("2021-03-11T00:00:00Z");

    // Without having seen the hand-over the new root is unknown.
    assert!(matches!(
        ListState::default().load_trust_list(&second, &configured, now),
        Err(SignedListError::UnknownRoot { .. })
    ));
    let mut state = ListState::default();
    state.load_trust_list(&first, &configured, now).unwrap();
    let introduced: Vec<String> = state
        .introduced_roots(&configured)
        .iter()
        .map(Root::fingerprint)
        .collect();
    assert_eq!(introduced, [TEST1024_PUB]);
    // The state survives a round trip through its JSON file.
    let mut state = ListState::from_json(state.to_json().as_bytes()).unwrap();
    let store = state.load_trust_list(&second, &configured, now).unwrap();
    assert_eq!(
        (
            state.sequence(&new_root.public_key(), ListKind::Trust),
            store.len()
        ),
        (2, 2)
    );
    // And the first list cannot come back afterwards.
    assert!(matches!(
        state.load_trust_list(&first, &configured, now),
        Err(SignedListError::Rollback {
            sequence: 1,
            last_sequence: 1
        })
    ));
    let (decoded, kid) = TrustList::inspect(&first).unwrap();
    assert_eq!(kid, old_root.public_key().kid());
    assert_eq!(decoded.next_roots, [new_root.public_key()]);
}

#[test]
fn trust_lists_export_and_import_json_and_several_countries_merge() {
    let mut list = cn_list(7, "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z");
    list.keys[0].not_before = Some(ts("2021-01-01T00:00:00Z"));
    list.next_roots.push(key(TEST1024_PUB));
    let json = list.to_json();
    assert!(json.contains("\"revoked\": true") && json.contains(TEST3_PUB));
    assert_eq!(TrustList::from_json(json.as_bytes()).unwrap(), list);
    // The CBOR round trip gives the same list.
    let (back, _) = TrustList::inspect(&list.sign(&root()).unwrap()).unwrap();
    assert_eq!(back, list);

    // PK lists the same key 1 (shared with CN) for vaccinations only.
    let pk = CountryCode::new("PK").unwrap();
    let mut pk_list = TrustList::new(ts("2021-03-01T00:00:00Z"), 1, ts("2021-04-01T00:00:00Z"));
    let mut shared = TrustedKey::new(test1_key(), pk);
    shared.record_kinds = vec![RecordKind::Vaccination];
    pk_list.keys.push(shared);
    let now = ts("2021-03-11T00:00:00Z");
    let roots = [root().public_key()];
    let (mut store, _) =
        TrustStore::from_signed_list(&list.sign(&root()).unwrap(), &roots, now, 0).unwrap();
    let (pk_store, _) =
        TrustStore::from_signed_list(&pk_list.sign(&root()).unwrap(), &roots, now, 0).unwrap();
    store.merge(pk_store);
    let both = store.get(&test1_key().kid());
    assert_eq!(both.len(), 2);
    assert_ne!(both[0].country, both[1].country);
    // CN certificates verify under the CN entry, PK ones under the PK entry's limits.
    let verifier = Verifier::new(store);
    assert!(verifier.verify(&issue(&sample()), t(VERIFY_AT)).is_ok());
    let mut vacc_only = sample();
    vacc_only.nat_tests.clear();
    vacc_only.antibody_tests.clear();
    let pk_issuer = Issuer::new(signer(&TEST1_SEED), pk);
    let pk_cert = |r: &HealthRecord| pk_issuer.issue(r, &params()).unwrap().text;
    let ok = verifier.verify(&pk_cert(&vacc_only), t(VERIFY_AT)).unwrap();
    assert_eq!(ok.key_country(), pk);
    assert_eq!(
        verifier
            .verify(&pk_cert(&sample()), t(VERIFY_AT))
            .unwrap_err()
            .name(),
        "RecordKindNotAllowed"
    );
}

#[test]
fn revocation_ids_are_truncated_sha256_of_issuer_and_certificate_id() {
    let cti = CertificateId::new(&REVOKED_CTI).unwrap();
    let mut h = Sha256::new();
    h.update(b"CN");
    h.update(REVOKED_CTI);
    let expected: [u8; 16] = h.finalize()[..16].try_into().unwrap();
    assert_eq!(revocation_id(cn(), &cti), expected);
    // Another issuer, same cti: another id.
    assert_ne!(
        revocation_id(CountryCode::new("PK").unwrap(), &cti),
        expected
    );

    let list = revocations(1);
    assert!(list.is_revoked(cn(), &cti));
    assert!(!list.is_revoked(cn(), &CertificateId::new(&[0; 8]).unwrap()));
    let signed = list.sign(&root()).unwrap();
    let roots = [root().public_key()];
    let (back, _) = RevocationList::verify(&signed, &roots, ts("2021-03-11T00:00:00Z"), 0).unwrap();
    assert_eq!(back, list);
    // A trust list is not a revocation list.
    let trust = cn_list(1, "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z")
        .sign(&root())
        .unwrap();
    assert!(matches!(
        RevocationList::verify(&trust, &roots, ts("2021-03-11T00:00:00Z"), 0),
        Err(SignedListError::WrongDocumentType { .. })
    ));
}

#[test]
fn revocation_ids_must_be_sorted_unique_16_byte_entries() {
    let mut list = revocations(1);
    list.extend([[0xff; 16]]);
    let ids = list.ids().to_vec();
    let flat: Vec<u8> = ids.iter().flatten().copied().collect();
    let mut swapped: Vec<u8> = ids[1].to_vec();
    swapped.extend_from_slice(&ids[0]);
    let unsorted = replace(&list.to_cbor(), &flat, &swapped);
    let roots = [root().public_key()];
    let now = ts("2021-03-11T00:00:00Z");
    assert!(matches!(
        RevocationList::verify(&sign_raw(&unsorted), &roots, now, 0),
        Err(SignedListError::RevocationIds { .. })
    ));
    // 32 bytes → 31 bytes (length head 0x58 0x20 → 0x58 0x1f, one byte dropped).
    let cbor = list.to_cbor();
    let head = [0x58, 0x20];
    let pos = cbor.windows(2).position(|w| w == head).unwrap();
    let mut short = cbor.clone();
    short[pos + 1] = 0x1f;
    short.remove(pos + 2);
    assert!(matches!(
        RevocationList::verify(&sign_raw(&short), &roots, now, 0),
        Err(SignedListError::RevocationIds { .. })
    ));
}

#[test]
fn a_large_revocation_list_uses_16_bytes_per_entry() {
    let mut list = RevocationList::new(ts("2021-03-10T00:00:00Z"), 1, ts("2021-03-17T00:00:00Z"));
    list.extend((0u32..100_000).map(|i| {
        let d = Sha256::digest(i.to_be_bytes());
        <[u8; 16]>::try_from(&d[..16]).unwrap()
    }));
    assert_eq!(list.len(), 100_000);
    assert!(list.heap_bytes() <= 20 * list.len());
    let signed = list.sign(&root()).unwrap();
    let (loaded, _) = RevocationList::verify(
        &signed,
        &[root().public_key()],
        ts("2021-03-11T00:00:00Z"),
        0,
    )
    .unwrap();
    assert_eq!(loaded.heap_bytes(), 16 * loaded.len());
    let probe = <[u8; 16]>::try_from(&Sha256::digest(77u32.to_be_bytes())[..16]).unwrap();
    assert!(loaded.contains(&probe));
    assert!(!loaded.contains(&[0x42; 16]));
}
