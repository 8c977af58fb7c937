//! Infection history, recovery NATs and the full journey — library
//! round trip, minimum-necessary-data refusal, record rules, trust-store record
//! kinds, sample sizes, the recovered-traveller rule and the departure time as
//! the reference moment, and the privacy views of the new kinds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use travelcert::issue::IssueParams;
use travelcert::model::{
    Certificate, CertificateId, CountryCode, Date, Disease, Extensions, HealthRecord, HistoryEntry,
    HistoryKind, NatResult, RawCbor, RecordKind, Timestamp, TransitPoint,
};
use travelcert::policy::{
    Moment, Outcome, Policy, PolicyError, RecordRef, ReferenceKind, RuleStatus, Verdict, Why,
};
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;
use travelcert::{IssueError, VerifyError};

fn recovered() -> HealthRecord {
    serde_json::from_str(include_str!("../../examples/data/traveller-recovered.json")).unwrap()
}

fn policy(name: &str) -> Policy {
    let path = format!(
        "{}/examples/policies/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Policy::from_json(&std::fs::read(path).unwrap()).unwrap()
}

fn ts(rfc3339: &str) -> Timestamp {
    Timestamp::parse_rfc3339(rfc3339).unwrap()
}

fn date(s: &str) -> Date {
    serde_json::from_value(serde_json::json!(s)).unwrap()
}

fn cert(record: HealthRecord) -> Certificate {
    Certificate {
        issuer: CountryCode::new("CN").unwrap(),
        issued_at: ts("2021-03-10T12:00:00Z"),
        expires_at: ts("2021-03-12T12:00:00Z"),
        certificate_id: CertificateId::new(&[1; 8]).unwrap(),
        record,
        unknown_claims: Extensions::default(),
    }
}

/// Signs `c` with a test key and verifies it through a real verifier: a
/// policy takes only verified certificates.
fn verified(c: &Certificate) -> travelcert::verify::Verified {
    use travelcert::cose::{sign1, Algorithm, ProtectedHeader};
    use travelcert::keys::{Ed25519Signer, Signer};
    use travelcert::trust::{TrustStore, TrustedKey};
    let signer = Ed25519Signer::from_seed(&[9; 32]);
    let header = ProtectedHeader {
        alg: Algorithm::Ed25519,
        kid: signer.public_key().kid(),
    };
    let payload = travelcert::codec::claims::encode_claims(c);
    let cose = sign1::sign(&header, &payload, |m| signer.sign(m)).unwrap();
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(signer.public_key(), c.issuer));
    travelcert::verify::Verifier::new(store)
        .verify(&travelcert::codec::cose_to_text(&cose, None), c.issued_at)
        .unwrap()
}

fn history_params() -> IssueParams {
    params().with_history()
}

/// Checking the night before departure (no boarding time given).
fn checking() -> Moment {
    Moment::checking(ts("2021-03-11T01:00:00Z"))
}

fn reason<'a>(v: &'a Verdict, rule: &str) -> &'a travelcert::policy::Reason {
    v.reasons
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("no reason for {rule}: {}", v.explain()))
}

const fn history(index: usize) -> RecordRef {
    RecordRef {
        kind: RecordKind::History,
        index,
    }
}

const fn recovery(index: usize) -> RecordRef {
    RecordRef {
        kind: RecordKind::Recovery,
        index,
    }
}

// ---------- library round trip ----------

#[test]
fn the_recovered_sample_round_trips_through_issue_verify_and_json() {
    let record = recovered();
    assert_eq!(
        record.kinds(),
        [RecordKind::Nat, RecordKind::History, RecordKind::Recovery]
    );
    let j = record.journey.as_ref().unwrap();
    assert_eq!(j.departure_at, Some(ts("2021-03-11T03:00:00Z")));
    assert_eq!(j.transit[0].place.as_deref(), Some("Doha"));

    let issued = issuer().issue(&record, &history_params()).unwrap();
    let again = issuer().issue(&record, &history_params()).unwrap();
    assert_eq!(issued.text, again.text, "encoding is deterministic");
    let verified = Verifier::new(store())
        .verify(&issued.text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(verified.certificate().record, record);
    let json = serde_json::to_value(&verified.certificate().record).unwrap();
    assert_eq!(json["infection_history"][1]["kind"], "diagnosis");
    assert_eq!(json["infection_history"][1]["recovered_on"], "2021-01-21");
    assert_eq!(json["infection_history"][0].get("recovered_on"), None);
    assert_eq!(
        json["recovery_tests"][1]["laboratory"]["name"],
        "Shaukat Khanum Laboratory"
    );
    assert_eq!(json["journey"]["departure_country"], "PK");
    assert_eq!(json["journey"]["departure_at"], "2021-03-11T03:00:00Z");
    assert_eq!(json["journey"]["transit"][0]["country"], "QA");
    assert_eq!(json["journey"]["entry_port"], "Shanghai Pudong");
    let back: HealthRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);
}

#[test]
fn unknown_items_inside_the_new_records_are_kept() {
    let mut record = recovered();
    record.infection_history[0].kind = HistoryKind::Unknown(9);
    record.infection_history[0].recovered_on = Some(date("2021-01-10"));
    record.infection_history[0].unknown_elements = vec![RawCbor::new(vec![0x01])];
    let j = record.journey.as_mut().unwrap();
    j.transit[0].unknown_elements = vec![RawCbor::new(vec![0x61, b'T'])];
    j.transit.push(TransitPoint {
        country: CountryCode::new("AE").unwrap(),
        place: None,
        unknown_elements: Vec::new(),
    });
    j.unknown_keys
        .insert(2, RawCbor::new(vec![0x62, b'P', b'K']));
    j.unknown_keys.insert(7, RawCbor::new(vec![0xf5]));
    record
        .unknown_keys
        .insert(9, RawCbor::new(vec![0x82, 0x01, 0x02]));
    let issued = issuer().issue(&record, &history_params()).unwrap();
    let verified = Verifier::new(store())
        .verify(&issued.text, t(VERIFY_AT))
        .unwrap();
    assert_eq!(verified.certificate().record, record);
}

// ---------- minimum necessary data ----------

#[test]
fn history_goes_into_a_certificate_only_when_asked_for() {
    let record = recovered();
    assert!(matches!(
        issuer().issue(&record, &params()),
        Err(IssueError::HistoryNotRequested {
            history: 2,
            recovery_tests: 2
        })
    ));
    // Recovery NATs alone are history too.
    let mut only_recovery = record.clone();
    only_recovery.infection_history.clear();
    assert!(matches!(
        issuer().issue(&only_recovery, &params()),
        Err(IssueError::HistoryNotRequested {
            history: 0,
            recovery_tests: 2
        })
    ));
    // Without history the flag changes nothing: same bytes either way.
    let mut plain = record.clone();
    plain.infection_history.clear();
    plain.recovery_tests.clear();
    assert_eq!(
        issuer().issue(&plain, &params()).unwrap().text,
        issuer().issue(&plain, &history_params()).unwrap().text
    );
    // The core sample issues exactly as before the change.
    assert_eq!(
        issuer().issue(&sample(), &history_params()).unwrap().text,
        issue(&sample())
    );
}

// ---------- record rules ----------

#[test]
fn history_and_recovery_nats_alone_are_not_a_record() {
    // So that verifiers built before history existed, which keep keys 6 and 7 as
    // unknown, accept every certificate that carries them.
    let mut r = recovered();
    r.nat_tests.clear();
    let err = r.validate().unwrap_err();
    assert_eq!(err.path, "record");
    assert!(err.reason.contains("alone are not a record"), "{err}");
    r.recovery_tests.clear();
    assert_eq!(r.validate().unwrap_err().path, "record");
    assert!(matches!(
        issuer().issue(&r, &history_params()),
        Err(IssueError::InvalidRecord(_))
    ));
}

#[test]
fn a_date_of_recovery_belongs_to_a_diagnosis_and_follows_it() {
    let mut r = recovered();
    r.infection_history[0].recovered_on = Some(date("2021-01-10"));
    assert_eq!(
        r.validate().unwrap_err().path,
        "infection_history[0].recovered_on"
    );
    let mut r = recovered();
    r.infection_history[1].recovered_on = Some(date("2021-01-02"));
    assert_eq!(
        r.validate().unwrap_err().path,
        "infection_history[1].recovered_on"
    );
    let mut r = recovered();
    r.recovery_tests[0].laboratory.name = String::new();
    assert_eq!(
        r.validate().unwrap_err().path,
        "recovery_tests[0].laboratory.name"
    );
    let mut r = recovered();
    r.journey.as_mut().unwrap().entry_port = Some("bad\u{7}".into());
    assert_eq!(r.validate().unwrap_err().path, "journey.entry_port");
    let mut r = recovered();
    let j = r.journey.as_mut().unwrap();
    j.transit = vec![j.transit[0].clone(); 9];
    assert_eq!(r.validate().unwrap_err().path, "journey.transit");
    let mut r = recovered();
    r.infection_history = vec![r.infection_history[0].clone(); 17];
    assert_eq!(r.validate().unwrap_err().path, "infection_history");
}

#[test]
fn a_key_must_be_allowed_to_sign_history_and_recovery() {
    let issued = issuer().issue(&recovered(), &history_params()).unwrap();
    let mut key = TrustedKey::new(test1_key(), cn());
    key.record_kinds = vec![
        RecordKind::Nat,
        RecordKind::Antibody,
        RecordKind::Vaccination,
    ];
    let mut s = TrustStore::new();
    s.add(key.clone());
    let err = Verifier::new(s)
        .verify(&issued.text, t(VERIFY_AT))
        .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::RecordKindNotAllowed { ref kind, .. } if kind == "history"
        ),
        "{err:?}"
    );
    key.record_kinds.push(RecordKind::History);
    let mut s = TrustStore::new();
    s.add(key.clone());
    let err = Verifier::new(s)
        .verify(&issued.text, t(VERIFY_AT))
        .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::RecordKindNotAllowed { ref kind, .. } if kind == "recovery"
        ),
        "{err:?}"
    );
    key.record_kinds.push(RecordKind::Recovery);
    let mut s = TrustStore::new();
    s.add(key);
    Verifier::new(s).verify(&issued.text, t(VERIFY_AT)).unwrap();
    // Trust-store JSON names the new kinds.
    let json = format!(
        r#"{{"keys": [{{"country": "CN", "public_key": "{TEST1_PUB}", "record_kinds": ["nat", "history", "recovery"]}}]}}"#
    );
    let s = TrustStore::from_json(json.as_bytes()).unwrap();
    Verifier::new(s).verify(&issued.text, t(VERIFY_AT)).unwrap();
}

// ---------- sizes ----------

#[test]
fn sample_sizes_are_measured_and_bounded() {
    let core = issue(&sample());
    let full = issuer().issue(&recovered(), &history_params()).unwrap();
    println!(
        "traveller.json: {} characters (COSE {} bytes); traveller-recovered.json: {} characters (COSE {} bytes)",
        core.len(),
        issuer().issue(&sample(), &params()).unwrap().cose.len(),
        full.text.len(),
        full.cose.len()
    );
    // The core issue's size bar, unchanged by this issue.
    assert!(core.len() <= 450, "{}", core.len());
    // History, recovery and a full journey: one QR code of version 17 at
    // level Q, which holds 531 alphanumeric characters (16-Q holds 470).
    assert!(full.text.len() <= 531, "{}", full.text.len());
}

// ---------- the recovered-traveller rule ----------

#[test]
fn a_recovered_traveller_is_accepted_with_windows_counted_from_departure() {
    let c = cert(recovered());
    let v = policy("recovered-traveller").evaluate(&verified(&c), checking());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(v.reference.kind, ReferenceKind::Departure);
    assert_eq!(v.reference.at, ts("2021-03-11T03:00:00Z"));
    let r = reason(&v, "recovered");
    assert_eq!(r.status, RuleStatus::Satisfied);
    assert_eq!(r.matched, [history(1), recovery(0), recovery(1)]);
    assert_eq!((r.required, r.found), (Some(3), Some(3)));
    assert!(
        r.message
            .contains("infection_history[1] of 2021-01-03 (67 days before)"),
        "{}",
        r.message
    );
    // A boarding time given by the officer still wins over the departure time.
    let v = policy("recovered-traveller").evaluate(
        &verified(&c),
        checking().with_boarding(ts("2021-03-11T05:00:00Z")),
    );
    assert_eq!(v.reference.kind, ReferenceKind::Boarding);
    assert_eq!(v.outcome, Outcome::Accepted);
}

#[test]
fn a_diagnosis_too_recent_is_refused() {
    let mut r = recovered();
    // 13 days before the departure date (2021-03-11): one short of 14.
    r.infection_history[1].date = date("2021-02-26");
    r.infection_history[1].recovered_on = None;
    for t in &mut r.recovery_tests {
        t.sampled_at = ts("2021-03-05T09:00:00Z");
    }
    let c = cert(r.clone());
    let v = policy("recovered-traveller").evaluate(&verified(&c), checking());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    let reason = reason(&v, "recovered");
    assert_eq!(reason.status, RuleStatus::NotSatisfied);
    assert_eq!(
        reason.mismatches[0].why,
        Why::TooSoonAfterDiagnosis {
            days: 13,
            min_days: 14
        }
    );
    assert!(reason.message.contains("no qualifying diagnosis"));
    // Exactly 14 days is enough.
    r.infection_history[1].date = date("2021-02-25");
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
}

#[test]
fn one_laboratory_only_is_refused() {
    let mut r = recovered();
    r.recovery_tests.pop();
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
    let reason = reason(&v, "recovered");
    assert_eq!(reason.matched, [history(1), recovery(0)]);
    assert!(
        reason.message.contains("1 recovery NAT counted"),
        "{}",
        reason.message
    );
}

#[test]
fn the_same_laboratory_twice_counts_once() {
    let mut r = recovered();
    // Same laboratory written differently: case and spacing do not matter.
    r.recovery_tests[1].laboratory.name = "CHUGHTAI   lab".into();
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    let reason = reason(&v, "recovered");
    assert_eq!(reason.matched, [history(1), recovery(0)]);
    assert_eq!(
        reason.mismatches[0].why,
        Why::SameLaboratory {
            as_record: recovery(0)
        }
    );
    assert!(reason
        .message
        .contains("same laboratory as recovery_tests[0]"));
}

#[test]
fn without_a_diagnosis_the_rule_fails_and_other_history_is_not_listed() {
    let mut r = recovered();
    r.infection_history.truncate(1); // only the earlier positive NAT
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
    let reason = reason(&v, "recovered");
    assert!(reason.message.contains("no qualifying diagnosis"));
    assert!(reason
        .matched
        .iter()
        .all(|m| m.kind == RecordKind::Recovery));
    assert!(reason.mismatches.is_empty(), "{:?}", reason.mismatches);
    // No history at all: refused as well.
    let mut r = recovered();
    r.infection_history.clear();
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
}

#[test]
fn recovery_nats_must_be_negative_after_the_diagnosis_and_inside_the_window() {
    let mut r = recovered();
    r.recovery_tests[0].result = NatResult::Positive;
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(
        reason(&v, "recovered").mismatches[0].why,
        Why::NatResult {
            found: NatResult::Positive
        }
    );

    let mut r = recovered();
    r.recovery_tests[0].sampled_at = ts("2021-01-02T09:00:00Z");
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(
        reason(&v, "recovered").mismatches[0].why,
        Why::SampledBeforeDiagnosis {
            sampled_at: ts("2021-01-02T09:00:00Z"),
            diagnosed: date("2021-01-03")
        }
    );

    // 90 days (2160 hours) after the second NAT, the first has left the window.
    let mut r = recovered();
    r.journey.as_mut().unwrap().departure_at = Some(ts("2021-04-19T09:15:00Z"));
    r.nat_tests[0].sampled_at = ts("2021-04-19T08:00:00Z");
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    assert!(matches!(
        reason(&v, "recovered").mismatches[0].why,
        Why::SampledBeforeWindow { .. }
    ));
}

#[test]
fn an_unknown_history_kind_or_disease_needs_review() {
    let mut r = recovered();
    r.infection_history[1].kind = HistoryKind::Unknown(7);
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    assert_eq!(
        reason(&v, "recovered").mismatches[0].why,
        Why::UnknownCode {
            field: "kind".into(),
            code: 7
        }
    );
    let mut r = recovered();
    r.infection_history[1].disease = Disease::Unknown(40);
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    // A diagnosis of another known disease does not count.
    let mut r = recovered();
    r.infection_history[1].disease = Disease::InfluenzaA;
    let v = policy("recovered-traveller").evaluate(&verified(&cert(r)), checking());
    assert_eq!(v.outcome, Outcome::Refused);
}

#[test]
fn test_windows_count_from_the_departure_time_when_no_boarding_time_is_given() {
    // The NAT was sampled 2021-03-10T08:30Z; checking 2021-03-14 is 87.5 hours
    // later, but departure (2021-03-11T03:00Z) is 18.5 hours later.
    let late = Moment::checking(ts("2021-03-14T00:00:00Z"));
    let c = cert(recovered());
    assert_eq!(
        travelcert::policy::journey_departure(c.record.journey.as_ref().unwrap()),
        Some(ts("2021-03-11T03:00:00Z"))
    );
    let v = policy("recent-negative-nat").evaluate(&verified(&c), late);
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(v.reference.kind, ReferenceKind::Departure);
    // Without a departure time the same check counts from the moment of checking.
    let mut r = recovered();
    r.journey.as_mut().unwrap().departure_at = None;
    let v = policy("recent-negative-nat").evaluate(&verified(&cert(r)), late);
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(v.reference.kind, ReferenceKind::Checking);
}

#[test]
fn recovered_rule_files_are_checked() {
    let bad = |json: &str| Policy::from_json(json.as_bytes()).unwrap_err();
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "recovered", "id": "r", "min_days_since_diagnosis": 14, "count": 0}}"#),
        PolicyError::Invalid { rule, .. } if rule == "r"
    ));
    assert!(matches!(
        bad(
            r#"{"name": "x", "rule": {"kind": "recovered", "id": "r", "min_days_since_diagnosis": 30, "max_days_since_diagnosis": 10}}"#
        ),
        PolicyError::Invalid { .. }
    ));
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "recovered", "id": "r"}}"#),
        PolicyError::Json(m) if m.contains("min_days_since_diagnosis")
    ));
    // Defaults: two NATs from different laboratories.
    let p = Policy::from_json(
        br#"{"name": "x", "rule": {"kind": "recovered", "id": "r", "min_days_since_diagnosis": 14}}"#,
    )
    .unwrap();
    let mut r = recovered();
    r.recovery_tests[1].laboratory.name = "Chughtai Lab".into();
    assert_eq!(
        p.evaluate(&verified(&cert(r)), checking()).outcome,
        Outcome::Refused
    );
    assert_eq!(
        p.evaluate(&verified(&cert(recovered())), checking())
            .outcome,
        Outcome::Accepted
    );
}

// ---------- privacy views ----------

#[test]
fn views_show_the_diagnosis_and_recovery_nats_but_nothing_else_of_the_history() {
    let c = cert(recovered());
    let v = policy("recovered-traveller").evaluate(&verified(&c), checking());
    let view = serde_json::to_string(&v.view(&c)).unwrap();
    for needed in [
        "ZHANG",
        "E55501234",
        "\"history_kind\":\"diagnosis\"",
        "2021-01-03",
        "recovery_tests",
        "Chughtai Lab",
        "Shaukat Khanum Laboratory",
        "2021-03-11T03:00:00Z", // the departure time, as the reference moment
    ] {
        assert!(view.contains(needed), "{needed} missing from {view}");
    }
    for private in [
        "positive-nat", // the earlier positive result: no rule counted it
        "2021-01-02",
        "2021-01-21", // date of recovery: no rule reads it
        "recovered_on",
        "Doha",
        "Shanghai Pudong",
        "PK852",
        "Lahore",
    ] {
        assert!(!view.contains(private), "{private} leaked into {view}");
    }
    let gate = serde_json::to_string(&v.gate_view(&c)).unwrap();
    assert!(gate.contains("E55501234") && gate.contains("\"accepted\""));
    // (The policy's name and rule ids appear: they are the country's text.)
    for private in [
        "history_kind",
        "recovery_tests",
        "infection_history",
        "Chughtai",
        "2021-01-03",
        "message",
        "Doha",
    ] {
        assert!(!gate.contains(private), "{private} leaked into {gate}");
    }
}

#[test]
fn a_policy_without_a_recovered_rule_never_shows_the_history() {
    let c = cert(recovered());
    let v = policy("recent-negative-nat").evaluate(&verified(&c), checking());
    let view = serde_json::to_string(&v.view(&c)).unwrap();
    for private in [
        "diagnosis",
        "recovery_tests",
        "infection_history",
        "Shaukat",
    ] {
        assert!(!view.contains(private), "{private} leaked into {view}");
    }
    assert!(view.contains("nat_tests"));
    // The history entries exist in the certificate, of course.
    assert_eq!(
        c.record.infection_history[1],
        HistoryEntry {
            kind: HistoryKind::Diagnosis,
            disease: Disease::SarsCov2,
            date: date("2021-01-03"),
            recovered_on: Some(date("2021-01-21")),
            valid_from: None,
            valid_until: None,
            unknown_elements: Vec::new(),
        }
    );
}
