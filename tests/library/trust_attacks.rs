//! The trust-path attacks an audit replayed against the offline trust data,
//! each now failing for the attacker, and the legitimate paths beside them:
//! unsigned stores once a root is configured, list state beside the list
//! (renamed older lists, planted state, torn writes), root scope, re-signing
//! a replaced revocation list, and the certificate limits `nbf` and
//! `max_validity`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use crate::common::*;
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer, Signer};
use travelcert::keys::PublicKey;
use travelcert::model::{CertificateId, CountryCode, Timestamp};
use travelcert::trust::{
    fingerprint, DocumentType, ListKind, ListState, RevocationList, Root, StateDir,
    TrustInputError, TrustInputs, TrustList, TrustStore, TrustedKey,
};
use travelcert::verify::Verifier;
use travelcert::SignedListError;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn now() -> Timestamp {
    ts("2021-03-11T00:00:00Z")
}

fn signer(seed: &[u8; 32]) -> Ed25519Signer {
    Ed25519Signer::from_seed(seed)
}

fn root() -> Ed25519Signer {
    signer(&TEST2_SEED)
}

fn attacker() -> Ed25519Signer {
    signer(&[0x66; 32])
}

fn country(c: &str) -> CountryCode {
    CountryCode::new(c).unwrap()
}

/// A trust list with the CN issuer key (RFC 8032 key 1) and, optionally, a
/// key for another country.
fn list(sequence: u64, extra: Option<(&str, &str)>) -> TrustList {
    let mut list = TrustList::new(
        ts("2021-03-01T00:00:00Z"),
        sequence,
        ts("2021-04-01T00:00:00Z"),
    );
    list.keys.push(TrustedKey::new(test1_key(), cn()));
    if let Some((hex, c)) = extra {
        list.keys.push(TrustedKey::new(
            PublicKey::from_hex(hex).unwrap(),
            country(c),
        ));
    }
    list
}

fn json_store() -> Vec<u8> {
    format!(
        r#"{{"keys": [{{"country": "CN", "public_key": "{TEST1_PUB}", "record_kinds": ["nat", "antibody", "vaccination"]}}]}}"#
    )
    .into_bytes()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("travelcert-attack-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn an_unsigned_store_is_refused_once_a_root_is_configured() {
    let signed = list(1, None).sign(&root()).unwrap();
    let roots = vec![Root::new(root().public_key())];
    let mut state = ListState::default();
    // The attack: a JSON store put where the signed list was.
    let mut inputs = TrustInputs::new(roots.clone(), &mut state, now());
    let err = inputs.add("trust.cose", &json_store()).unwrap_err();
    assert_eq!(
        err,
        TrustInputError::UnsignedRefused {
            input: "trust.cose".to_owned()
        }
    );
    assert_eq!(err.name(), "TrustUnsignedRefused");
    assert!(err.to_string().contains("trust.cose"));
    // Asking for a JSON store explicitly is refused as well.
    assert_eq!(
        inputs
            .add_json("keys.json", &json_store())
            .unwrap_err()
            .name(),
        "TrustUnsignedRefused"
    );
    // The legitimate path: the signed list under the root.
    inputs.add("trust.cose", &signed).unwrap();
    assert_eq!(inputs.into_store().len(), 1);
    // Without a root: the JSON store is the trust data, and a signed list
    // cannot be used unchecked.
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(Vec::new(), &mut state, now());
    inputs.add("keys.json", &json_store()).unwrap();
    let err = inputs.add("trust.cose", &signed).unwrap_err();
    assert_eq!(err.name(), "TrustListNoRoot");
    assert_eq!(err.input(), "trust.cose");
    assert_eq!(inputs.into_store().len(), 1);
}

#[test]
fn renaming_an_older_list_does_not_reset_rollback_protection() {
    let dir = StateDir::new(temp_dir("rename"));
    let roots = vec![Root::new(root().public_key())];
    let newer = list(5, None).sign(&root()).unwrap();
    let older = list(4, None).sign(&root()).unwrap();
    let mut state = dir.load().unwrap();
    TrustInputs::new(roots.clone(), &mut state, now())
        .add("trust.cose", &newer)
        .unwrap();
    dir.save(&state).unwrap();
    // A later run: the older list under a name never seen before.
    let mut state = dir.load().unwrap();
    let err = TrustInputs::new(roots.clone(), &mut state, now())
        .add("renamed-older.cose", &older)
        .unwrap_err();
    assert_eq!(
        err,
        TrustInputError::List {
            input: "renamed-older.cose".to_owned(),
            source: SignedListError::Rollback {
                sequence: 4,
                last_sequence: 4
            }
        }
    );
    // The installed list still loads again, under any name.
    TrustInputs::new(roots, &mut state, now())
        .add("elsewhere.cose", &newer)
        .unwrap();
    let _ = std::fs::remove_dir_all(dir.dir());
}

#[test]
fn a_planted_state_file_cannot_add_a_root() {
    let dir = StateDir::new(temp_dir("planted"));
    let configured = vec![Root::new(root().public_key())];
    // The attacker's root introduces itself in a list it signed, and a list
    // of the configured root that does not name it is offered as evidence.
    let mut own = list(1, None);
    own.next_roots.push(attacker().public_key());
    let self_signed = own.sign(&attacker()).unwrap();
    let genuine = list(1, None).sign(&root()).unwrap();
    for evidence in [&self_signed, &genuine] {
        let planted = format!(
            r#"{{"introductions": [{{"introducer": "{}", "root": "{}", "evidence": "{}"}}]}}"#,
            fingerprint(&root().public_key()),
            fingerprint(&attacker().public_key()),
            hex::encode(evidence)
        );
        std::fs::create_dir_all(dir.dir()).unwrap();
        std::fs::write(dir.file(), planted).unwrap();
        let mut state = dir.load().unwrap();
        assert!(state.introduced_roots(&configured).is_empty());
        let attack = list(9, Some((TEST3_PUB, "CN"))).sign(&attacker()).unwrap();
        assert!(matches!(
            state.load_trust_list(&attack, &configured, now()),
            Err(SignedListError::UnknownRoot { .. })
        ));
    }
    // A state file naming an unparsable root is refused outright.
    std::fs::write(
        dir.file(),
        r#"{"sequences": [{"root": "zz", "kind": "trust", "sequence": 1}]}"#,
    )
    .unwrap();
    assert_eq!(dir.load().unwrap_err().name(), "StateInvalid");
    let _ = std::fs::remove_dir_all(dir.dir());
}

#[test]
fn a_crash_torn_temporary_file_is_ignored() {
    let dir = StateDir::new(temp_dir("torn"));
    let mut state = ListState::default();
    state.set_sequence(&root().public_key(), ListKind::Trust, 7);
    dir.save(&state).unwrap();
    // A save that crashed halfway left its temporary file behind.
    std::fs::write(
        dir.dir().join(".lists.json.tmp-424242"),
        b"{\"sequences\": [{\"ro",
    )
    .unwrap();
    assert_eq!(dir.load().unwrap(), state);
    // The next save still works and replaces the state atomically.
    state.set_sequence(&root().public_key(), ListKind::Trust, 8);
    dir.save(&state).unwrap();
    assert_eq!(
        dir.load()
            .unwrap()
            .sequence(&root().public_key(), ListKind::Trust),
        8
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.dir()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the state directory is private");
    }
    let _ = std::fs::remove_dir_all(dir.dir());
}

#[test]
fn a_rotated_root_is_honoured_only_while_its_introducer_is_configured() {
    let new_root = signer(&TEST1024_SEED);
    let mut first = list(1, None);
    first.next_roots.push(new_root.public_key());
    let first = first.sign(&root()).unwrap();
    let second = list(2, None).sign(&new_root).unwrap();
    let old = Root::new(root().public_key());
    let mut state = ListState::default();
    state
        .load_trust_list(&first, std::slice::from_ref(&old), now())
        .unwrap();
    // Rotation while the old root is configured.
    state
        .load_trust_list(&second, std::slice::from_ref(&old), now())
        .unwrap();
    // Another root configured instead of the old one: the introduced root
    // is not honoured any more.
    let other = Root::new(attacker().public_key());
    assert!(matches!(
        state.load_trust_list(&second, &[other], now()),
        Err(SignedListError::UnknownRoot { .. })
    ));
    // Rotation completed: the new root configured explicitly, the old removed.
    let store = state
        .load_trust_list(&second, &[Root::new(new_root.public_key())], now())
        .unwrap();
    assert_eq!(store.len(), 1);
    // Sequences continue across the rotation: the old root's list is older.
    assert!(matches!(
        state.load_trust_list(&first, &[old], now()),
        Err(SignedListError::Rollback { sequence: 1, .. })
    ));
}

#[test]
fn scoped_roots_vouch_only_for_their_countries() {
    let cn_root = Root::scoped(root().public_key(), [country("CN"), country("HK")]);
    // The legitimate path: the CN root vouches for a CN key.
    let own = list(1, None).sign(&root()).unwrap();
    let (loaded, by) =
        TrustList::verify_with_roots(&own, std::slice::from_ref(&cn_root), now(), 0).unwrap();
    assert_eq!(by.fingerprint(), TEST2_PUB);
    assert_eq!(loaded.keys[0].vouched_by, Some(root().public_key()));
    // The attack: the CN root publishes a key for PK.
    let foreign = list(2, Some((TEST3_PUB, "PK"))).sign(&root()).unwrap();
    let err = TrustList::verify_with_roots(&foreign, std::slice::from_ref(&cn_root), now(), 0)
        .unwrap_err();
    assert_eq!(
        err,
        SignedListError::KeyOutOfScope {
            index: 1,
            country: "PK".to_owned(),
            root: TEST2_PUB.to_owned()
        }
    );
    assert_eq!(err.name(), "ListKeyOutOfScope");
    // Unscoped, the same list loads.
    assert!(TrustList::verify(&foreign, &[root().public_key()], now(), 0).is_ok());
    // A root introduced by a scoped root keeps its scope.
    let new_root = signer(&TEST1024_SEED);
    let mut handover = list(3, None);
    handover.next_roots.push(new_root.public_key());
    let mut state = ListState::default();
    state
        .load_trust_list(
            &handover.sign(&root()).unwrap(),
            std::slice::from_ref(&cn_root),
            now(),
        )
        .unwrap();
    let widened = list(4, Some((TEST3_PUB, "PK"))).sign(&new_root).unwrap();
    assert!(matches!(
        state.load_trust_list(&widened, &[cn_root], now()),
        Err(SignedListError::KeyOutOfScope { index: 1, .. })
    ));
}

#[test]
fn the_verified_certificate_names_the_root_that_vouched() {
    let text = issue(&sample());
    let roots = [Root::scoped(root().public_key(), [cn()])];
    let (store, _) =
        TrustList::verify_with_roots(&list(1, None).sign(&root()).unwrap(), &roots, now(), 0)
            .map(|(l, r)| (l.into_store(), r))
            .unwrap();
    let verified = Verifier::new(store).verify(&text, t(VERIFY_AT)).unwrap();
    assert_eq!(verified.origin().root(), Some(&root().public_key()));
    let json = serde_json::to_value(&verified).unwrap();
    assert_eq!(json["vouched_by"], TEST2_PUB);
    // From a JSON store: no root vouched.
    let verified = Verifier::new(store_from_json())
        .verify(&text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(verified.origin().root(), None);
    assert!(serde_json::to_value(&verified)
        .unwrap()
        .get("vouched_by")
        .is_none());
}

fn store_from_json() -> TrustStore {
    TrustStore::from_json(&json_store()).unwrap()
}

#[test]
fn revocations_from_a_root_apply_only_within_its_scope() {
    let cti = CertificateId::new(&[9, 9, 9, 9, 9, 9, 9, 9]).unwrap();
    let text = Issuer::new(signer(&TEST1_SEED), cn())
        .issue(
            &sample(),
            &IssueParams::new(t(ISSUED_AT), VALID_FOR).with_id(cti.clone()),
        )
        .unwrap()
        .text;
    let mut revocations =
        RevocationList::new(ts("2021-03-10T00:00:00Z"), 1, ts("2021-03-17T00:00:00Z"));
    revocations.revoke(cn(), &cti);
    let signed = revocations.sign(&root()).unwrap();
    let verify_with = |scope: Root| {
        let (list, _) = RevocationList::verify_with_roots(&signed, &[scope], now(), 0).unwrap();
        Verifier::new(store_from_json())
            .with_revocations(list)
            .verify(&text, t(VERIFY_AT))
            .map(|_| ())
            .map_err(|e| e.name())
    };
    // The attack: a root scoped to HK revokes a CN certificate: ignored.
    assert_eq!(
        verify_with(Root::scoped(root().public_key(), [country("HK")])),
        Ok(())
    );
    // Its own country's certificates it does revoke; so does an unscoped root.
    assert_eq!(
        verify_with(Root::scoped(root().public_key(), [cn()])),
        Err("CertificateRevoked")
    );
    assert_eq!(
        verify_with(Root::new(root().public_key())),
        Err("CertificateRevoked")
    );
}

#[test]
fn a_publisher_re_reads_only_its_own_current_list() {
    let mut own = RevocationList::new(ts("2021-03-10T00:00:00Z"), 3, ts("2021-03-17T00:00:00Z"));
    own.extend([[1u8; 16], [2u8; 16]]);
    let own_signed = own.sign(&root()).unwrap();
    let mut state = ListState::default();
    state.set_sequence(&root().public_key(), ListKind::Revocation, 3);
    // The legitimate path: the current list, even once expired.
    let back = state
        .reopen_own_revocations(&own_signed, &root().public_key())
        .unwrap();
    assert_eq!(back.ids(), own.ids());
    // The attack: the file replaced by a list another key signed ...
    let forged = RevocationList::new(ts("2021-03-10T00:00:00Z"), 3, ts("2021-03-17T00:00:00Z"))
        .sign(&attacker())
        .unwrap();
    assert!(matches!(
        state.reopen_own_revocations(&forged, &root().public_key()),
        Err(SignedListError::UnknownRoot { .. })
    ));
    // ... or by an older list of the same root.
    let mut older = own.clone();
    older.sequence = 2;
    assert!(matches!(
        state.reopen_own_revocations(&older.sign(&root()).unwrap(), &root().public_key()),
        Err(SignedListError::Rollback {
            sequence: 2,
            last_sequence: 3
        })
    ));
}

#[test]
fn max_validity_comes_in_a_new_list_type_and_old_lists_stay_valid() {
    let plain = list(1, None);
    assert_eq!(plain.document_type(), DocumentType::TrustList);
    let mut limited = list(2, None);
    limited.keys[0].max_validity = Some(3600);
    assert_eq!(limited.document_type(), DocumentType::TrustListV2);
    let roots = [root().public_key()];
    let (back, _) = TrustList::verify(&limited.sign(&root()).unwrap(), &roots, now(), 0).unwrap();
    assert_eq!(back.keys[0].max_validity, Some(3600));
    let (back, _) = TrustList::verify(&plain.sign(&root()).unwrap(), &roots, now(), 0).unwrap();
    assert_eq!(back.keys[0].max_validity, None);
    // A certificate valid for longer than the key may sign is refused.
    let text = issue(&sample());
    let err = Verifier::new(back_store(&limited))
        .verify(&text, t(VERIFY_AT))
        .unwrap_err();
    assert_eq!(err.name(), "ValidityTooLong");
    limited.keys[0].max_validity = Some(u64::try_from(VALID_FOR).unwrap());
    assert!(Verifier::new(back_store(&limited))
        .verify(&text, t(VERIFY_AT))
        .is_ok());
    // The JSON store carries it too; 0 is refused.
    let json = String::from_utf8(json_store())
        .unwrap()
        .replace("\"record_kinds\"", "\"max_validity\": 0, \"record_kinds\"");
    assert_eq!(
        TrustStore::from_json(json.as_bytes()),
        Err(travelcert::TrustError::MaxValidity { index: 0 })
    );
}

fn back_store(list: &TrustList) -> TrustStore {
    TrustList::verify(
        &list.sign(&root()).unwrap(),
        &[root().public_key()],
        now(),
        0,
    )
    .unwrap()
    .0
    .into_store()
}
